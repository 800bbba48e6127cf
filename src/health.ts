// Liveness (/healthz) and readiness (/readyz), chosen so that an orchestrator does the right thing when the
// database goes away (README, "Health and operations"):
// - readiness: the database answers and every migration is applied. 503 while it is unreachable (take the
//   process out of the load balancer; it reconnects by itself when the database is back). Never shows the
//   database's address or the driver's message (they are logged instead).
// - liveness: the process answers. It fails (503) only when restarting cannot help the database come back by
//   itself any more: the embedded PostgreSQL this process owns has been down for longer than
//   EMBEDDED_PG_MAX_DOWN_SECONDS although its supervisor keeps restarting it. With DATABASE_URL the database is
//   someone else's: liveness stays 200 and readiness reports it.
import type pg from 'pg';
import type { EmbeddedDatabase } from './db/embedded.ts';
import { pendingMigrations } from './db/migrate.ts';
import { MIGRATIONS_DIR } from './db/open.ts';
import { isDatabaseUnavailable } from './db/unavailable.ts';
import type { Logger } from './logger.ts';

export interface HealthAnswer {
  status: 200 | 503;
  body: Record<string, unknown>;
}

/** Longest the readiness check waits for the database (an unreachable host may otherwise hang a connect). */
export const READINESS_TIMEOUT_MS = 3_000;

/** /healthz: 200 unless the embedded database this process owns has been down longer than `maxDownSeconds`. */
export function liveness(embedded: EmbeddedDatabase | null, maxDownSeconds: number, now = Date.now()): HealthAnswer {
  const health = embedded?.health();
  if (!health || health.downSince === null) return { status: 200, body: { status: 'ok' } };
  const downSeconds = Math.round((now - health.downSince) / 1000);
  if (downSeconds <= maxDownSeconds) return { status: 200, body: { status: 'ok', database: 'restarting', downSeconds } };
  return { status: 503, body: { status: 'embedded database down', downSeconds, limitSeconds: maxDownSeconds } };
}

/** /readyz: 200 when the database answers and no migration is pending; 503 otherwise (without the address). */
export async function readiness(pool: pg.Pool, embedded: EmbeddedDatabase | null, log: Logger): Promise<HealthAnswer> {
  if (embedded && !embedded.health().up) return { status: 503, body: { status: 'database unavailable', restarting: true } };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from the database within ${READINESS_TIMEOUT_MS} ms`)), READINESS_TIMEOUT_MS);
  });
  try {
    const pending = await Promise.race([pendingMigrations(pool, MIGRATIONS_DIR), timeout]);
    if (pending.length > 0) return { status: 503, body: { status: 'migrations pending', pending } };
    return { status: 200, body: { status: 'ready' } };
  } catch (err) {
    log.warn({ err }, 'readiness check: the database does not answer');
    return { status: 503, body: { status: isDatabaseUnavailable(err) ? 'database unavailable' : 'database check failed' } };
  } finally {
    clearTimeout(timer);
  }
}
