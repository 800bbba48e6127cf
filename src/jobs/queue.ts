// The prediction queue: pg-boss (https://github.com/timgit/pg-boss) on the service's own PostgreSQL, in its own
// schema `pgboss` (created by pg-boss at start). One queue of prediction jobs and its dead-letter queue.
//
// Policy (the constants below): a failed attempt is retried RETRY_LIMIT times with exponential backoff; a worker
// sends a heartbeat every HEARTBEAT_SECONDS / 2 while it holds a job, and a job whose heartbeat stops (its worker
// died) fails its attempt after HEARTBEAT_SECONDS, checked every SUPERVISE_SECONDS by any running instance, so a
// dead worker's job is back in the queue within about 15 s. After the last retry the job goes to the dead-letter
// queue, where a worker marks its row FAILED (src/jobs/worker.ts).
//
// Our prediction_job row is the source of truth for what the API reports and for deduplication: submission
// inserts the rows (ON CONFLICT on the dedup key DO NOTHING) and the pg-boss jobs of the rows it inserted in ONE
// transaction, so a request is either wholly queued or not at all, and two identical requests at once make one
// job. The pg-boss job has the row's id.
import { type Db, PgBoss } from 'pg-boss';
import type pg from 'pg';
import type { Logger } from '../logger.ts';
import { insertNewJobs, type NewJobRow, selectJobIdsByDedupKeys } from './sql.ts';
import { inTransaction } from '../db/transaction.ts';

/** The queue of prediction jobs. */
export const PREDICTION_QUEUE = 'predict-spectrum';
/** Where jobs go after their last retry. */
export const DEAD_LETTER_QUEUE = 'predict-spectrum-dead';
/** Retries after a failed attempt (so RETRY_LIMIT + 1 attempts in all). */
export const RETRY_LIMIT = 2;
/** Seconds before the first retry; doubled (with jitter) for each further one, at most RETRY_DELAY_MAX. */
export const RETRY_DELAY = 2;
export const RETRY_DELAY_MAX = 60;
/** A job whose worker has not sent a heartbeat for this long fails its attempt (pg-boss' minimum is 10). */
export const HEARTBEAT_SECONDS = 10;
/** Longest an attempt may run, heartbeats or not. */
export const EXPIRE_IN_SECONDS = 15 * 60;
/** How often an instance checks for expired jobs and stopped heartbeats. */
export const SUPERVISE_SECONDS = 2;
/** Completed and failed jobs stay in pg-boss' table this long (our rows stay for good). */
export const DELETE_AFTER_SECONDS = 7 * 24 * 3600;

/** What a pg-boss job carries: the id of its prediction_job row (also its own id, but not in the dead-letter queue). */
export interface PredictionJobData {
  predictionJobId: string;
}

/** Wraps one connection (in a transaction) as pg-boss' database, so its statements join that transaction. */
export function transactionDb(client: pg.PoolClient): Db {
  return { executeSql: (text, values) => client.query(text, values as unknown[]) };
}

/** A started pg-boss instance with the prediction queues created. */
export class PredictionQueue {
  private constructor(readonly boss: PgBoss) {}

  /**
   * Start pg-boss on `databaseUrl` (installing or migrating its schema; safe when several processes start at
   * once) and create the queues. This instance also supervises: it returns jobs of dead workers to the queue.
   */
  static async start(databaseUrl: string, log: Logger): Promise<PredictionQueue> {
    const boss = new PgBoss({
      connectionString: databaseUrl,
      max: 4,
      application_name: 'xasgraph-jobs',
      schedule: false,
      superviseIntervalSeconds: SUPERVISE_SECONDS,
      monitorIntervalSeconds: SUPERVISE_SECONDS,
      useListenNotify: true,
    });
    boss.on('error', (err) => log.error({ err }, 'job queue error'));
    boss.on('warning', (warning) => log.warn({ warning }, `job queue: ${warning.message}`));
    await boss.start({ attempts: 3 });
    await boss.createQueue(DEAD_LETTER_QUEUE, { retryLimit: 0, deleteAfterSeconds: DELETE_AFTER_SECONDS });
    const options = {
      retryLimit: RETRY_LIMIT,
      retryDelay: RETRY_DELAY,
      retryBackoff: true,
      retryDelayMax: RETRY_DELAY_MAX,
      heartbeatSeconds: HEARTBEAT_SECONDS,
      expireInSeconds: EXPIRE_IN_SECONDS,
      deleteAfterSeconds: DELETE_AFTER_SECONDS,
      deadLetter: DEAD_LETTER_QUEUE,
      notify: true,
    };
    await boss.createQueue(PREDICTION_QUEUE, options);
    await boss.updateQueue(PREDICTION_QUEUE, options); // a queue created by an older version gets today's policy
    return new PredictionQueue(boss);
  }

  /**
   * Insert the job rows whose dedup keys are new and queue their pg-boss jobs, in one transaction; returns the
   * job id of every row's dedup key (new or already there), in the order given.
   */
  async enqueue(pool: pg.Pool, rows: readonly NewJobRow[]): Promise<string[]> {
    await inTransaction(pool, async (client) => {
      const inserted = await insertNewJobs(client, rows);
      if (inserted.length > 0) {
        const jobs = inserted.map((r) => ({ id: r.id, data: { predictionJobId: r.id } satisfies PredictionJobData, singletonKey: r.dedup_key }));
        await this.boss.insert(PREDICTION_QUEUE, jobs, { db: transactionDb(client) });
      }
    });
    const ids = await selectJobIdsByDedupKeys(pool, rows.map((r) => r.dedupKey));
    return rows.map((r) => {
      const id = ids.get(r.dedupKey);
      if (!id) throw new Error(`prediction job with dedup key ${r.dedupKey} vanished right after it was queued`);
      return id;
    });
  }

  /** Stop: wait up to `timeoutMs` for the jobs this process is running to finish (see worker.ts), then close. */
  async stop(timeoutMs = 30_000): Promise<void> {
    await this.boss.stop({ graceful: true, timeout: timeoutMs });
  }
}
