// Scratch databases on the test server, for tests that write and must not disturb the shared catalogue
// that other test files read concurrently.
import pg from 'pg';
import { applyMigrations } from '../../src/db/migrate.ts';
import { testEnvironment } from './env.ts';
import { REPO_ROOT } from './service.ts';
import path from 'node:path';

export const MIGRATIONS_DIR = path.join(REPO_ROOT, 'prisma', 'migrations');

let counter = 0;

export interface ScratchDatabase {
  url: string;
  drop(): Promise<void>;
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: testEnvironment().adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A new empty database (migrated unless `migrate` is false), dropped by `drop()`. */
export async function createScratchDatabase(options: { migrate?: boolean } = {}): Promise<ScratchDatabase> {
  const name = `xasgraph_scratch_${process.pid}_${counter++}_${Date.now()}`;
  await admin((client) => client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`));
  const url = new URL(testEnvironment().adminUrl);
  url.pathname = `/${name}`;
  if (options.migrate !== false) {
    const pool = new pg.Pool({ connectionString: url.toString(), max: 1 });
    try {
      await applyMigrations(pool, MIGRATIONS_DIR);
    } finally {
      await pool.end();
    }
  }
  return {
    url: url.toString(),
    drop: () => dropDatabase(name),
  };
}

/** SQLSTATE of a missing privilege: DROP … WITH (FORCE) by a non-superuser meets a backend it may not end. */
const INSUFFICIENT_PRIVILEGE = '42501';

/**
 * DROP DATABASE … WITH (FORCE). On a server where the tests' role is not a superuser (CI's DATABASE_URL), FORCE may
 * not end an autovacuum worker that is busy in a freshly written database: wait for it to finish and try again.
 */
async function dropDatabase(name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await admin((client) => client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`));
      return;
    } catch (err) {
      if ((err as { code?: string }).code !== INSUFFICIENT_PRIVILEGE || attempt >= 40) throw err;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}
