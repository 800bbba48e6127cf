// One transaction on one pooled connection: all of `work` or, on any error, none of it.
import type pg from 'pg';

/** Run `work` between BEGIN and COMMIT on a client of `pool`; ROLLBACK and rethrow on any error. */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
