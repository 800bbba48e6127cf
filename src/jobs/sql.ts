// SQL of the prediction jobs' own table (prediction_job), each statement a small named function. The queue
// itself is pg-boss's (schema "pgboss"); these rows are what the API reports and what makes submission
// idempotent: one row per dedup key (a unique index), inserted with ON CONFLICT DO NOTHING in the transaction
// that also queues its pg-boss job.
import type pg from 'pg';

type Queryable = Pick<pg.PoolClient, 'query'>;

/** A job row as these statements return it. */
export interface JobRow {
  id: string;
  dedup_key: string;
  absorbing_element: string;
  edge: string;
  model_version: string;
  input: unknown;
  state: 'QUEUED' | 'RUNNING' | 'COMPLETED' | 'FAILED';
  attempts: number;
}

/** A new job row. */
export interface NewJobRow {
  id: string;
  dedupKey: string;
  absorbingElement: string;
  edge: string;
  modelId: string;
  input: unknown;
  name: string | null;
  submittedBy: string | null;
}

/** How a run of a job ended. */
export interface JobOutcome {
  id: string;
  state: 'COMPLETED' | 'FAILED';
  materialId: string | null;
  spectrumId: string | null;
  error: string | null;
}

/** Insert the rows whose dedup key is new; returns those inserted (a key already there, even one inserted by a
 * concurrent transaction that commits meanwhile, is skipped: the statement waits for that transaction). */
export async function insertNewJobs(db: Queryable, rows: readonly NewJobRow[]): Promise<{ id: string; dedup_key: string }[]> {
  if (rows.length === 0) return [];
  const { rows: inserted } = await db.query<{ id: string; dedup_key: string }>(
    `INSERT INTO "prediction_job" (id, dedup_key, absorbing_element, edge, model_version, input, name, submitted_by)
     SELECT id, dedup_key, absorbing_element, edge::"Edge", model_version, input::jsonb, name, submitted_by
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
       AS t(id, dedup_key, absorbing_element, edge, model_version, input, name, submitted_by)
     ON CONFLICT (dedup_key) DO NOTHING
     RETURNING id, dedup_key`,
    [
      rows.map((r) => r.id),
      rows.map((r) => r.dedupKey),
      rows.map((r) => r.absorbingElement),
      rows.map((r) => r.edge),
      rows.map((r) => r.modelId),
      rows.map((r) => JSON.stringify(r.input)),
      rows.map((r) => r.name),
      rows.map((r) => r.submittedBy),
    ],
  );
  return inserted;
}

/** Job ids by dedup key, for the keys that have a job. */
export async function selectJobIdsByDedupKeys(db: Queryable, keys: readonly string[]): Promise<Map<string, string>> {
  const { rows } = await db.query<{ id: string; dedup_key: string }>('SELECT id, dedup_key FROM "prediction_job" WHERE dedup_key = ANY($1::text[])', [keys]);
  return new Map(rows.map((r) => [r.dedup_key, r.id]));
}

/**
 * A worker starts these jobs: state RUNNING, `attempts` the attempt it runs (pg-boss's retry count + 1), now
 * as started_at. Only jobs not finished yet; returns those (a finished job fetched again, e.g. after a worker
 * died between writing its result and settling its queue entry, has nothing left to do).
 */
export async function startJobs(db: Queryable, attempts: readonly { id: string; attempt: number }[]): Promise<JobRow[]> {
  const { rows } = await db.query<JobRow>(
    `UPDATE "prediction_job" p SET state = 'RUNNING', attempts = GREATEST(p.attempts, a.attempt), started_at = now()
     FROM unnest($1::text[], $2::int[]) AS a(id, attempt)
     WHERE p.id = a.id AND p.state IN ('QUEUED', 'RUNNING')
     RETURNING p.id, p.dedup_key, p.absorbing_element, p.edge::text AS edge, p.model_version, p.input, p.state::text AS state, p.attempts`,
    [attempts.map((a) => a.id), attempts.map((a) => a.attempt)],
  );
  return rows;
}

/** Record how the jobs' runs ended (only jobs not finished yet: a result is never overwritten). */
export async function finishJobs(db: Queryable, outcomes: readonly JobOutcome[]): Promise<number> {
  if (outcomes.length === 0) return 0;
  const { rowCount } = await db.query(
    `UPDATE "prediction_job" p SET state = o.state::"JobState", material_id = o.material_id, spectrum_id = o.spectrum_id,
       error = o.error, finished_at = now()
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS o(id, state, material_id, spectrum_id, error)
     WHERE p.id = o.id AND p.state IN ('QUEUED', 'RUNNING')`,
    [outcomes.map((o) => o.id), outcomes.map((o) => o.state), outcomes.map((o) => o.materialId), outcomes.map((o) => o.spectrumId), outcomes.map((o) => o.error)],
  );
  return rowCount ?? 0;
}

/** Jobs whose attempt failed and that pg-boss will retry: back to QUEUED, with the attempt's error. */
export async function requeueJobs(db: Queryable, ids: readonly string[], error: string): Promise<void> {
  await db.query(`UPDATE "prediction_job" SET state = 'QUEUED', error = $2 WHERE id = ANY($1::text[]) AND state IN ('QUEUED', 'RUNNING')`, [ids, error]);
}

/** Jobs pg-boss gave up on (retries exhausted, now in the dead-letter queue): FAILED, with why. */
export async function failGivenUpJobs(db: Queryable, failures: readonly { id: string; error: string }[]): Promise<number> {
  if (failures.length === 0) return 0;
  const { rowCount } = await db.query(
    `UPDATE "prediction_job" p SET state = 'FAILED', error = f.error, finished_at = now()
     FROM unnest($1::text[], $2::text[]) AS f(id, error)
     WHERE p.id = f.id AND p.state IN ('QUEUED', 'RUNNING')`,
    [failures.map((f) => f.id), failures.map((f) => f.error)],
  );
  return rowCount ?? 0;
}
