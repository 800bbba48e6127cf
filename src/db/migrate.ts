// Applies the SQL migrations in prisma/migrations/ (Prisma's folder format) at start-up, because Prisma 7's
// CLI cannot run migrations offline (see the README). Bookkeeping uses Prisma's own `_prisma_migrations`
// table and checksums (sha256 of migration.sql), so `prisma migrate deploy` agrees with what ran here.
// Safe when several processes start at once: one PostgreSQL advisory lock serialises them, and each
// migration runs in its own transaction together with its bookkeeping row.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type pg from 'pg';

/** Advisory lock key for migrations (any constant unique to this application). */
const MIGRATION_LOCK_KEY = 72_617_342_001;

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

/** The migrations in `dir`, in name (= timestamp) order. */
export function readMigrations(dir: string): Migration[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(dir, entry.name, 'migration.sql')))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: crypto.createHash('sha256').update(sql).digest('hex') };
    });
}

const createBookkeepingTable = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

const selectApplied = `
SELECT migration_name, checksum FROM "_prisma_migrations"
WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;

const insertApplied = `
INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count)
VALUES ($1, $2, now(), $3, 1)`;

/** Apply every pending migration; returns the names applied now. Throws (and applies nothing more) when an
 * applied migration's file was edited afterwards, since the database then differs from what the file says. */
export async function applyMigrations(pool: pg.Pool, dir: string): Promise<string[]> {
  const migrations = readMigrations(dir);
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await client.query(createBookkeepingTable);
    const applied = new Map<string, string>(
      (await client.query<{ migration_name: string; checksum: string }>(selectApplied)).rows.map((r) => [
        r.migration_name,
        r.checksum,
      ]),
    );
    const appliedNow: string[] = [];
    for (const migration of migrations) {
      const checksum = applied.get(migration.name);
      if (checksum !== undefined) {
        if (checksum !== migration.checksum) {
          throw new Error(
            `migration ${migration.name} was changed after it was applied (checksum ${checksum.slice(0, 12)}… in the database, ${migration.checksum.slice(0, 12)}… on disk): add a new migration instead of editing an applied one`,
          );
        }
        continue;
      }
      await client.query('BEGIN');
      try {
        await client.query(migration.sql);
        await client.query(insertApplied, [crypto.randomUUID(), migration.checksum, migration.name]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${migration.name} failed and was rolled back: ${(err as Error).message}`);
      }
      appliedNow.push(migration.name);
    }
    return appliedNow;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    client.release();
  }
}

/** Names of migrations on disk that the database has not applied (empty = up to date). */
export async function pendingMigrations(pool: pg.Pool, dir: string): Promise<string[]> {
  const exists = await pool.query(`SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS present`);
  const names = readMigrations(dir).map((m) => m.name);
  if (!exists.rows[0]?.present) return names;
  const applied = new Set((await pool.query<{ migration_name: string }>(selectApplied)).rows.map((r) => r.migration_name));
  return names.filter((name) => !applied.has(name));
}
