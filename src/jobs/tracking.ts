// Following prediction jobs from a notebook: the caller's own jobs (by API key), newest first, with counts by state;
// the progress of a batch (the ids one predictSpectra answered); and, for a job, the catalogue material that already
// holds its structure.
import { type Caller, requireReader } from '../auth/access.ts';
import { catalogMaterialsWithStructures } from '../catalog/structure-match.ts';
import { decodeCursor, encodeCursor, pageSize, type Page } from '../catalog/pagination.ts';
import { InputError, NotFoundError } from '../errors.ts';
import type { JobState, Prisma, PrismaClient } from '../generated/prisma/client.ts';
import type { Structure } from '../structure/structure.ts';
import { MAX_PREDICTIONS_PER_REQUEST, type JobInput } from './submit.ts';
import { isFinished, type PredictionJobView } from './jobs.ts';

/** Jobs in each state (GraphQL JobStateCounts). */
export interface JobStateCounts {
  queued: number;
  running: number;
  completed: number;
  failed: number;
  total: number;
}

/** GraphQL PredictionBatch. */
export interface BatchProgress {
  counts: JobStateCounts;
  progress: number;
  finished: boolean;
  jobs: PredictionJobView[];
}

const VIEW = { input: true } as const;
const CURSOR_KIND = 'prediction job';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function countStates(states: Iterable<{ state: JobState; count: number }>): JobStateCounts {
  const counts: JobStateCounts = { queued: 0, running: 0, completed: 0, failed: 0, total: 0 };
  for (const { state, count } of states) {
    counts[state.toLowerCase() as Exclude<keyof JobStateCounts, 'total'>] += count;
    counts.total += count;
  }
  return counts;
}

/** The cursor of a job in the newest-first order: its creation time and id. */
const jobCursor = (job: PredictionJobView) => encodeCursor(CURSOR_KIND, `${job.createdAt.toISOString()}|${job.id}`);

function afterCursor(cursor: string): Prisma.PredictionJobWhereInput {
  const [iso, id] = decodeCursor(CURSOR_KIND, cursor).split('|');
  const createdAt = new Date(iso ?? '');
  if (!id || Number.isNaN(createdAt.getTime())) throw new InputError(`"after" is not a cursor of this ${CURSOR_KIND} list: pass the endCursor of a previous page`, 'after');
  return { OR: [{ createdAt: { lt: createdAt } }, { createdAt, id: { lt: id } }] };
}

/** Arguments of myPredictionJobs. */
export interface MyJobsArgs {
  filter?: { states?: JobState[] | null } | null;
  first?: number | null;
  after?: string | null;
}

/** The caller's jobs, newest first, one page, with counts by state over all of them. UNAUTHENTICATED without a key. */
export async function listCallerJobs(prisma: PrismaClient, caller: Caller | null, args: MyJobsArgs): Promise<Page<PredictionJobView> & { counts: JobStateCounts }> {
  const { keyId } = requireReader(caller);
  const size = pageSize(args.first);
  const states = args.filter?.states;
  if (states?.length === 0) throw new InputError('filter.states: give at least one state, or leave it out', 'filter.states');
  const mine: Prisma.PredictionJobWhereInput = { submittedBy: keyId };
  const where: Prisma.PredictionJobWhereInput = states ? { ...mine, state: { in: states } } : mine;
  const [rows, byState] = await Promise.all([
    prisma.predictionJob.findMany({
      where: args.after == null ? where : { AND: [where, afterCursor(args.after)] },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: size + 1,
      omit: VIEW,
    }),
    prisma.predictionJob.groupBy({ by: ['state'], where: mine, _count: { _all: true } }),
  ]);
  const counts = countStates(byState.map((g) => ({ state: g.state, count: g._count._all })));
  const totalCount = states ? states.reduce((sum, s) => sum + counts[s.toLowerCase() as keyof JobStateCounts], 0) : counts.total;
  const nodes = rows.slice(0, size);
  const edges = nodes.map((node) => ({ cursor: jobCursor(node), node }));
  return { totalCount, counts, pageInfo: { hasNextPage: rows.length > size, endCursor: edges.at(-1)?.cursor ?? null }, edges };
}

/** The progress of the jobs with these ids (counted once each), the jobs in the order given. NOT_FOUND names an unknown id. */
export async function batchProgress(prisma: PrismaClient, ids: readonly string[]): Promise<BatchProgress> {
  if (ids.length > MAX_PREDICTIONS_PER_REQUEST) {
    throw new InputError(`${ids.length} ids; a batch holds at most ${MAX_PREDICTIONS_PER_REQUEST} (what one predictSpectra submits)`, 'ids');
  }
  const malformed = ids.find((id) => !UUID.test(id));
  if (malformed !== undefined) throw new NotFoundError(`no prediction job with id "${malformed}" (ids are the UUIDs predictSpectrum answers with)`);
  const distinct = [...new Set(ids.map((id) => id.toLowerCase()))];
  const rows = await prisma.predictionJob.findMany({ where: { id: { in: distinct } }, omit: VIEW });
  const byId = new Map(rows.map((r) => [r.id.toLowerCase(), r]));
  const missing = distinct.find((id) => !byId.has(id));
  if (missing !== undefined) throw new NotFoundError(`no prediction job with id "${missing}" (ids are the UUIDs predictSpectrum answers with)`);
  const counts = countStates(rows.map((r) => ({ state: r.state, count: 1 })));
  const done = rows.filter(isFinished).length;
  return {
    counts,
    progress: rows.length === 0 ? 1 : done / rows.length,
    finished: done === rows.length,
    jobs: ids.map((id) => byId.get(id.toLowerCase())!),
  };
}

/** For each job, the catalogue material that holds its submitted structure (null when none does). */
export async function catalogMaterialsOfJobs(prisma: PrismaClient, jobIds: readonly string[]): Promise<(string | null)[]> {
  const rows = await prisma.predictionJob.findMany({ where: { id: { in: [...jobIds] } }, select: { id: true, input: true } });
  const structureById = new Map(rows.map((r) => [r.id, (r.input as unknown as JobInput).structure]));
  const known = jobIds.filter((id) => structureById.has(id));
  const matches = await catalogMaterialsWithStructures(prisma, known.map((id) => structureById.get(id) as Structure));
  const matchById = new Map(known.map((id, i) => [id, matches[i] ?? null]));
  return jobIds.map((id) => matchById.get(id) ?? null);
}
