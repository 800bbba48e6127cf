// The prediction worker: fetches queued jobs in batches (up to WORKER_BATCH_SIZE), runs each batch's structures
// through the model in one `run` on an inference thread (src/inference/pool.ts: never on this event loop, which
// keeps the jobs' heartbeats going), and writes every result of the batch in ONE transaction: the catalogue rows
// (src/jobs/results.ts) and the job rows' outcome. Runs in `npm run worker` processes (src/jobs/worker-main.ts)
// and, by default on the embedded database, inside `npm start` (START_WORKER).
//
// Exactly once, as far as the catalogue sees: result rows have deterministic ids and are inserted with
// ON CONFLICT DO NOTHING, and a job row is finished only once, so a retried job whose result exists (its worker
// died after writing it, before settling the queue entry) adds nothing and completes.
//
// Outcomes per job: COMPLETED; FAILED at once when the input cannot be predicted (e.g. the structure has no atom
// of the element: a retry cannot help, so its queue entry is settled, not retried); any other error fails the
// attempt, and pg-boss retries it with backoff (queue.ts), the row back to QUEUED meanwhile. After the last retry
// the job reaches the dead-letter queue, which this worker also drains: it marks those rows FAILED.
import type { JobResult, JobWithMetadata, Job } from 'pg-boss';
import type pg from 'pg';
import { insertCatalogBatch } from '../catalog/sql.ts';
import type { CatalogBatch, Edge } from '../catalog/records.ts';
import type { Config } from '../config.ts';
import { InferencePool } from '../inference/pool.ts';
import type { ModelFiles } from '../inference/sidecar.ts';
import type { Logger } from '../logger.ts';
import { DEAD_LETTER_QUEUE, PREDICTION_QUEUE, type PredictionJobData, type PredictionQueue } from './queue.ts';
import { mergeBatches, predictionRows } from './results.ts';
import type { JobInput } from './submit.ts';
import { failGivenUpJobs, finishJobs, type JobOutcome, type JobRow, requeueJobs, startJobs } from './sql.ts';
import { inTransaction } from '../db/transaction.ts';

/** How often an idle worker polls without NOTIFY (pg-boss' minimum). */
const POLLING_INTERVAL_SECONDS = 0.5;
/** How often it polls while NOTIFY wakes it for new jobs: retries (a dead worker's job, a failed attempt) send none. */
const NOTIFY_POLLING_INTERVAL_SECONDS = 1;
/** Poll of the dead-letter queue (rare and not urgent). */
const DEAD_LETTER_POLLING_SECONDS = 5;

export type WorkerConfig = Pick<Config, 'WORKER_CONCURRENCY' | 'WORKER_BATCH_SIZE' | 'WORKER_TEST_PAUSE_MS' | 'ONNX_EXECUTION_PROVIDER' | 'ONNX_THREADS'>;

export interface WorkerOptions {
  queue: PredictionQueue;
  /** The service's database pool (catalogue and job rows). */
  pool: pg.Pool;
  /** The models this worker serves. */
  models: readonly ModelFiles[];
  config: WorkerConfig;
  log: Logger;
}

/** What one batch did, as logged (the benchmark reads these lines). */
export interface BatchStats {
  jobs: number;
  completed: number;
  failed: number;
  retried: number;
  sites: number;
  /** Featurisation and inference on the inference thread, ms. */
  computeMs: number;
  /** The result transaction, ms. */
  writeMs: number;
  /** Fetch to settled, ms. */
  totalMs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The message of a pg-boss job output (an error we passed, pg-boss' own `{ value: { message } }`, or a serialised Error). */
export function outputMessage(output: unknown): string {
  const o = output as { message?: unknown; value?: { message?: unknown } } | null | undefined;
  if (typeof o?.message === 'string') return o.message;
  if (typeof o?.value?.message === 'string') return o.value.message;
  return output == null ? 'no error recorded' : JSON.stringify(output);
}

export class PredictionWorker {
  private readonly inference: InferencePool;
  private stopped = false;

  private constructor(private readonly options: WorkerOptions) {
    const { config, log } = options;
    this.inference = new InferencePool({ executionProvider: config.ONNX_EXECUTION_PROVIDER, threads: config.ONNX_THREADS }, log, config.WORKER_CONCURRENCY);
  }

  /** Start working the prediction queue and its dead-letter queue. */
  static async start(options: WorkerOptions): Promise<PredictionWorker> {
    const worker = new PredictionWorker(options);
    const { boss } = options.queue;
    const { config } = options;
    await boss.work<PredictionJobData>(
      PREDICTION_QUEUE,
      {
        batchSize: config.WORKER_BATCH_SIZE,
        localConcurrency: config.WORKER_CONCURRENCY,
        pollingIntervalSeconds: POLLING_INTERVAL_SECONDS,
        notifyPollingIntervalSeconds: NOTIFY_POLLING_INTERVAL_SECONDS,
        burstWhenBatchFull: true,
        perJobResults: true,
      },
      (jobs) => worker.runBatch(jobs),
    );
    await boss.work<PredictionJobData>(
      DEAD_LETTER_QUEUE,
      { batchSize: 100, pollingIntervalSeconds: DEAD_LETTER_POLLING_SECONDS, includeMetadata: true },
      (jobs) => worker.markGivenUp(jobs as JobWithMetadata<PredictionJobData>[]), // includeMetadata: true
    );
    options.log.info(
      {
        models: options.models.map((m) => m.id),
        concurrency: config.WORKER_CONCURRENCY,
        batchSize: config.WORKER_BATCH_SIZE,
        executionProvider: config.ONNX_EXECUTION_PROVIDER,
        ...(config.WORKER_TEST_PAUSE_MS > 0 ? { testPauseMs: config.WORKER_TEST_PAUSE_MS } : {}),
      },
      'prediction worker started',
    );
    return worker;
  }

  /** Stop fetching, wait for the batches in progress to be written and settled, stop the inference threads. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const { boss } = this.options.queue;
    await Promise.all([boss.offWork(PREDICTION_QUEUE, { wait: true }), boss.offWork(DEAD_LETTER_QUEUE, { wait: true })]);
    await this.inference.close();
  }

  /** One batch of queue entries: start their rows, predict, write, settle each entry. */
  private async runBatch(jobs: Job<PredictionJobData>[]): Promise<JobResult[]> {
    const { pool, log, config } = this.options;
    const started = performance.now();
    const ids = jobs.map((j) => j.data.predictionJobId);
    let retry: Map<string, string>;
    let stats: BatchStats;
    try {
      const rows = await startJobs(pool, jobs.map((j) => ({ id: j.data.predictionJobId, attempt: j.retryCount + 1 })));
      const computed = await this.predict(rows);
      if (config.WORKER_TEST_PAUSE_MS > 0) await sleep(config.WORKER_TEST_PAUSE_MS);
      const writeStarted = performance.now();
      await this.write(computed.batch, computed.outcomes);
      retry = computed.retry;
      for (const [id, error] of retry) await requeueJobs(pool, [id], error);
      stats = {
        jobs: jobs.length,
        completed: computed.outcomes.filter((o) => o.state === 'COMPLETED').length,
        failed: computed.outcomes.filter((o) => o.state === 'FAILED').length,
        retried: retry.size,
        sites: computed.sites,
        computeMs: Math.round(computed.computeMs * 10) / 10,
        writeMs: Math.round((performance.now() - writeStarted) * 10) / 10,
        totalMs: Math.round((performance.now() - started) * 10) / 10,
      };
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      log.error({ err, jobs: ids.length }, 'prediction batch failed: its jobs will be retried');
      await requeueJobs(pool, ids, message).catch(() => undefined);
      throw err;
    }
    log.info({ batch: stats }, 'prediction batch done');
    return jobs.map((j) => {
      const error = retry.get(j.data.predictionJobId);
      return error === undefined ? { id: j.id, status: 'completed' } : { id: j.id, status: 'failed', output: { message: error } };
    });
  }

  /** Predict the started rows (one inference batch per model): catalogue rows, outcomes, and jobs to retry. */
  private async predict(rows: JobRow[]): Promise<{ batch: CatalogBatch; outcomes: JobOutcome[]; retry: Map<string, string>; sites: number; computeMs: number }> {
    const byModel = new Map<string, JobRow[]>();
    for (const row of rows) byModel.set(row.model_version, [...(byModel.get(row.model_version) ?? []), row]);
    const batches: CatalogBatch[] = [];
    const outcomes: JobOutcome[] = [];
    const retry = new Map<string, string>();
    let sites = 0;
    let computeMs = 0;
    for (const [modelId, group] of byModel) {
      const model = this.options.models.find((m) => m.id === modelId);
      if (!model) {
        const served = this.options.models.map((m) => m.id).join(', ') || 'none';
        for (const row of group) retry.set(row.id, `model ${modelId} is not served by this worker (its MODELS_DIR has ${served})`);
        continue;
      }
      const inputs = group.map((row) => row.input as JobInput);
      const { results, computeMs: ms } = await this.inference.predict(
        model,
        inputs.map((input, i) => ({ structure: input.structure, element: group[i]!.absorbing_element })),
      );
      computeMs += ms;
      results.forEach((result, i) => {
        const row = group[i]!;
        if ('prediction' in result) {
          const target = { ...inputs[i]!, absorbingElement: row.absorbing_element, edge: row.edge as Edge, modelId };
          const { batch, spectrumId } = predictionRows(target, result.prediction);
          batches.push(batch);
          sites += result.prediction.sites.length;
          outcomes.push({ id: row.id, state: 'COMPLETED', materialId: target.materialId, spectrumId, error: null });
        } else if ('inputError' in result) {
          outcomes.push({ id: row.id, state: 'FAILED', materialId: null, spectrumId: null, error: result.inputError });
        } else {
          retry.set(row.id, result.error);
        }
      });
    }
    return { batch: mergeBatches(batches), outcomes, retry, sites, computeMs };
  }

  /** The batch's catalogue rows and job outcomes, in one transaction. */
  private async write(batch: CatalogBatch, outcomes: JobOutcome[]): Promise<void> {
    await inTransaction(this.options.pool, async (client) => {
      await insertCatalogBatch(client, batch);
      await finishJobs(client, outcomes);
    });
  }

  /** Dead-letter entries: their jobs ran out of retries; their rows become FAILED with the last error. */
  private async markGivenUp(jobs: JobWithMetadata<PredictionJobData>[]): Promise<void> {
    const failures = jobs.map((j) => ({
      id: j.data.predictionJobId,
      error: `gave up after ${(j.sourceRetryCount ?? 0) + 1} attempts; the last failed with: ${outputMessage(j.sourceOutput)}`,
    }));
    const marked = await failGivenUpJobs(this.options.pool, failures);
    this.options.log.warn({ jobs: failures.map((f) => f.id), marked }, 'prediction jobs gave up after their last retry');
  }
}
