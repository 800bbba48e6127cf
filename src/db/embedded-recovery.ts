// Before starting the embedded PostgreSQL: deal with what an earlier run left in the data folder.
// - a postmaster.pid whose process is gone: left to PostgreSQL, which replaces it itself after checking that no
//   backend of the dead server still holds its shared memory (removing it by hand would skip that check);
// - a postmaster.pid whose pid is now some other program: stale, removed (PostgreSQL would refuse to start);
// - a live server of THIS data folder whose parent is gone (the `npm start` that ran it was killed with -9): our
//   orphan. It is stopped safely — fast shutdown (SIGINT, what `pg_ctl stop -m fast` sends), then immediate
//   (SIGQUIT) if that hangs — and waited for, so the start goes on without a hand on the keyboard;
// - a live server of this folder whose parent is a running Node.js process (another xasgraph command): in use,
//   refused with a message;
// - without /proc (not Linux) a live server cannot be told apart, and is refused as before.
import fs from 'node:fs';
import type { Logger } from '../logger.ts';
import { isOrphaned, isPostgresServerOf, isProcessAlive, postmasterPidFile, processArguments, processStat, readPostmasterRecord, waitForExit } from './postmaster.ts';

const FAST_SHUTDOWN_MS = 30_000;
const IMMEDIATE_SHUTDOWN_MS = 10_000;

function inUse(clusterDir: string, pid: number, detail: string): Error {
  return new Error(
    `the embedded PostgreSQL in ${clusterDir} is already running (pid ${pid}${detail}): stop the other xasgraph process, or set XASGRAPH_DATA_DIR to another folder`,
  );
}

/** Leave `clusterDir` free for a new server: remove a stale pid file, stop our orphaned server, or refuse if it is in use. */
export async function clearLeftoverServer(clusterDir: string, log: Logger): Promise<void> {
  const pidFile = postmasterPidFile(clusterDir);
  if (!fs.existsSync(pidFile)) return;
  const record = readPostmasterRecord(clusterDir);
  if (!record) {
    log.warn({ pidFile }, 'removing an unreadable postmaster.pid left by a start that crashed');
    fs.rmSync(pidFile, { force: true });
    return;
  }
  if (!isProcessAlive(record.pid)) {
    log.warn({ pidFile }, 'the embedded PostgreSQL was not shut down cleanly: it recovers from its write-ahead log');
    return;
  }
  if (processArguments(record.pid) === null) throw inUse(clusterDir, record.pid, '');
  if (!isPostgresServerOf(record.pid, clusterDir)) {
    log.warn({ pidFile, pid: record.pid }, 'removing a stale postmaster.pid: its pid now belongs to another program');
    fs.rmSync(pidFile, { force: true });
    return;
  }
  if (!isOrphaned(record.pid)) throw inUse(clusterDir, record.pid, `, started by process ${processStat(record.pid)?.parentPid ?? '?'}`);
  await stopOrphan(record.pid, record.port, clusterDir, log);
}

async function stopOrphan(pid: number, port: number, clusterDir: string, log: Logger): Promise<void> {
  log.warn({ pid, port, clusterDir }, 'the embedded PostgreSQL of this data folder was left running by a process that died: stopping it (fast shutdown)');
  process.kill(pid, 'SIGINT');
  if (await waitForExit(pid, FAST_SHUTDOWN_MS)) {
    log.info({ pid }, 'orphaned embedded PostgreSQL stopped');
    return;
  }
  log.warn({ pid }, 'orphaned embedded PostgreSQL did not stop in time: immediate shutdown');
  process.kill(pid, 'SIGQUIT');
  if (!(await waitForExit(pid, IMMEDIATE_SHUTDOWN_MS))) {
    throw new Error(`the orphaned embedded PostgreSQL (pid ${pid}) of ${clusterDir} does not stop: stop it by hand (kill ${pid}) and start again`);
  }
}
