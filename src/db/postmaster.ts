// What a PostgreSQL data folder says about its server (postmaster.pid), and what the operating system says about
// that process (/proc on Linux). Used to tell our own orphaned server (left running by a killed `npm start`) from
// a server in use and from a stale pid file. Nothing here starts or stops anything.
import fs from 'node:fs';
import path from 'node:path';

/** The lines of postmaster.pid we use (PostgreSQL ≥ 10: pid, data folder, start time, port, socket folder, …, status). */
export interface PostmasterRecord {
  pid: number;
  dataDir: string;
  port: number;
  /** `starting`, `ready`, `stopping` or `standby`; empty while PostgreSQL is still writing the file. */
  status: string;
}

export function postmasterPidFile(clusterDir: string): string {
  return path.join(clusterDir, 'postmaster.pid');
}

/** The record in `clusterDir`'s postmaster.pid, or null when there is none (or it is not readable yet). */
export function readPostmasterRecord(clusterDir: string): PostmasterRecord | null {
  let lines: string[];
  try {
    lines = fs.readFileSync(postmasterPidFile(clusterDir), 'utf8').split('\n');
  } catch {
    return null;
  }
  const pid = Number(lines[0]);
  if (!Number.isInteger(pid) || pid <= 0) return null;
  return { pid, dataDir: lines[1] ?? '', port: Number(lines[3]), status: (lines[7] ?? '').trim() };
}

/** Whether `pid` is a live process (a zombie, dead but not reaped, counts as gone). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  return processStat(pid)?.state !== 'Z';
}

/** State letter and parent of `pid` from /proc/<pid>/stat; null without /proc or when the process is gone. */
export function processStat(pid: number): { state: string; parentPid: number } | null {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' '); // after "pid (command) "
  return { state: fields[0] ?? '', parentPid: Number(fields[1]) };
}

/** The argument vector of `pid` (/proc/<pid>/cmdline); null without /proc or when the process is gone. */
export function processArguments(pid: number): string[] | null {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter((a) => a.length > 0);
  } catch {
    return null;
  }
}

function samePath(a: string, b: string): boolean {
  const real = (p: string) => {
    try {
      return fs.realpathSync(p);
    } catch {
      return path.resolve(p);
    }
  };
  return real(a) === real(b);
}

/** Whether `pid` is a PostgreSQL server (`postgres -D <dir>`) of the data folder `clusterDir`. False when unknowable (no /proc). */
export function isPostgresServerOf(pid: number, clusterDir: string): boolean {
  const args = processArguments(pid);
  if (!args || path.basename(args[0] ?? '') !== 'postgres') return false;
  const dataDirIndex = args.indexOf('-D');
  const dataDir = dataDirIndex >= 0 ? args[dataDirIndex + 1] : undefined;
  return dataDir !== undefined && samePath(dataDir, clusterDir);
}

/**
 * Whether the server `pid` was left behind: the process that started it is gone, so it has been handed to init or
 * to a subreaper (any process that is not a Node.js one). A server whose parent is a live Node.js process belongs
 * to a running xasgraph command. Null when unknowable (no /proc).
 */
export function isOrphaned(pid: number): boolean | null {
  const stat = processStat(pid);
  if (!stat) return null;
  if (stat.parentPid <= 1) return true;
  const parent = processArguments(stat.parentPid);
  if (!parent) return true; // the parent vanished while we looked
  return !/^node(js)?(\d+)?(\.exe)?$/.test(path.basename(parent[0] ?? ''));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Wait until `pid` is gone; true if it went within `timeoutMs`. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isProcessAlive(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}
