// Prediction jobs as the API reads them (Prisma rows of prediction_job), and the stream of a job's changes that
// the `predictionJobUpdated` subscription sends: the row polled every WATCH_INTERVAL_MS, a new value whenever
// what the client sees changed, until the job is COMPLETED or FAILED.
import type { PredictionJob, PrismaClient } from '../generated/prisma/client.ts';
import { NotFoundError } from '../errors.ts';

/** A job as the API shows it: its row without `input` (the structure, up to 2,000 sites: the API never returns it). */
export type PredictionJobView = Omit<PredictionJob, 'input'>;

const VIEW = { input: true } as const;

/** How often a subscription reads its job. */
export const WATCH_INTERVAL_MS = 250;

const TERMINAL = new Set(['COMPLETED', 'FAILED']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isFinished = (job: Pick<PredictionJobView, 'state'>) => TERMINAL.has(job.state);

/** The jobs with these ids, in the order given (every id must exist: they were just queued). */
export async function jobsByIds(prisma: PrismaClient, ids: readonly string[]): Promise<PredictionJobView[]> {
  const rows = await prisma.predictionJob.findMany({ where: { id: { in: [...new Set(ids)] } }, omit: VIEW });
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => {
    const row = byId.get(id);
    if (!row) throw new Error(`prediction job ${id} vanished right after it was queued`);
    return row;
  });
}

/** One job; NotFoundError when there is none. */
export async function jobById(prisma: PrismaClient, id: string): Promise<PredictionJobView> {
  const job = UUID.test(id) ? await prisma.predictionJob.findUnique({ where: { id }, omit: VIEW }) : null;
  if (!job) throw new NotFoundError(`no prediction job with id "${id}" (ids are the UUIDs predictSpectrum answers with)`);
  return job;
}

const fingerprint = (job: PredictionJobView) =>
  [job.state, job.attempts, job.startedAt?.getTime(), job.finishedAt?.getTime(), job.error, job.spectrumId].join('|');

/**
 * watchJob as an iterator whose `return()` (the client unsubscribed) answers at once and stops the polling
 * within one interval, even while the job does not change.
 */
export function jobUpdates(prisma: PrismaClient, id: string, intervalMs = WATCH_INTERVAL_MS): AsyncIterableIterator<PredictionJobView> {
  const controller = new AbortController();
  const inner = watchJob(prisma, id, intervalMs, controller.signal);
  const iterator: AsyncIterableIterator<PredictionJobView> = {
    next: () => inner.next(),
    async return() {
      controller.abort();
      return { done: true, value: undefined };
    },
    async throw(err?: unknown) {
      controller.abort();
      throw err;
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}

/**
 * The job now, then each change of its state, attempts, times, error or result, until it is finished. Throws
 * NotFoundError at once for an unknown id. Stops when `signal` aborts (the client unsubscribed).
 */
export async function* watchJob(prisma: PrismaClient, id: string, intervalMs = WATCH_INTERVAL_MS, signal?: AbortSignal): AsyncGenerator<PredictionJobView> {
  let job = await jobById(prisma, id);
  let last = fingerprint(job);
  yield job;
  while (!isFinished(job) && !signal?.aborted) {
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    const next = await prisma.predictionJob.findUnique({ where: { id }, omit: VIEW });
    if (!next) return;
    job = next;
    const now = fingerprint(job);
    if (now !== last) {
      last = now;
      yield job;
    }
  }
}
