// Helpers shared by the benchmarks (bench/*.ts): free ports, temporary folders, statistics, and a plain-text
// table. Benchmarks print numbers; they never pass or fail.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** A fresh, empty folder under the system's temporary folder, enterable by others: as root, the embedded
 * PostgreSQL runs as the `postgres` user, who must reach its data folder inside. */
export function makeTempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  fs.chmodSync(dir, 0o755);
  return dir;
}

export function removeDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

/** The q-quantile (0 ≤ q ≤ 1) of `values`, by linear interpolation between order statistics. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (position - low);
}

export const median = (values: readonly number[]): number => quantile(values, 0.5);

/** Seconds since `start` (a performance.now() reading). */
export const secondsSince = (start: number): number => (performance.now() - start) / 1000;

/** Print rows as an aligned table (numbers right-aligned). */
export function printTable(header: readonly string[], rows: readonly (readonly (string | number)[])[]): void {
  const cells = [header, ...rows].map((row) => row.map((cell) => String(cell)));
  const widths = header.map((_, col) => Math.max(...cells.map((row) => row[col]?.length ?? 0)));
  const numeric = header.map((_, col) => rows.every((row) => typeof row[col] === 'number' || /^[\d.,\s%×x/-]+$/.test(String(row[col]))));
  const line = (row: readonly string[]) =>
    row.map((cell, col) => (numeric[col] && col > 0 ? cell.padStart(widths[col]!) : cell.padEnd(widths[col]!))).join('  ');
  console.log(line(cells[0]!));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of cells.slice(1)) console.log(line(row));
}

/** The machine the numbers come from, in one line. */
export function machineSummary(): string {
  const cpus = os.cpus();
  return `${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}, ${os.platform()} ${os.release()}`;
}

/** Format a number with a fixed number of decimals and thousands separators. */
export function fmt(value: number, decimals = 0): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** Run `cleanup` once, on normal exit of `body` or on SIGINT/SIGTERM, so no server is left behind. */
export async function withCleanup<T>(cleanup: () => Promise<void>, body: () => Promise<T>): Promise<T> {
  let done = false;
  const once = async () => {
    if (done) return;
    done = true;
    await cleanup();
  };
  const onSignal = (signal: NodeJS.Signals) => {
    console.error(`\n${signal}: cleaning up`);
    void once().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await body();
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await once();
  }
}

/** A running service started by {@link startBenchService}. */
export interface BenchService {
  base: string;
  logFile: string;
  /** SIGTERM, wait, then make sure its PostgreSQL is gone; returns what happened, one note a line. */
  stop(): Promise<string[]>;
}

/**
 * Start `node --import tsx src/main.ts` as `npm start` does, on free ports, with its embedded PostgreSQL in
 * `dataDir` (its log goes to a file there), and wait for /readyz (a first start creates the cluster and seeds).
 */
export async function startBenchService(
  projectRoot: string,
  dataDir: string,
  env: Record<string, string> = {},
  readyTimeoutMs = 180_000,
  nodeArgs: string[] = [],
): Promise<BenchService> {
  const port = await freePort();
  const pgPort = await freePort();
  const logFile = path.join(dataDir, 'bench-service.log');
  const log = fs.openSync(logFile, 'a');
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'src/main.ts'], {
    cwd: projectRoot,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      EMBEDDED_PG_PORT: String(pgPort),
      XASGRAPH_DATA_DIR: dataDir,
      DATABASE_URL: '', // always the embedded server
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
      NODE_ENV: process.env.NODE_ENV ?? 'production',
      ...env,
    },
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  const base = `http://127.0.0.1:${port}`;
  const logTail = () => {
    try {
      return fs.readFileSync(logFile, 'utf8').split('\n').slice(-20).join('\n');
    } catch {
      return '(no service log)';
    }
  };
  const readPostgresPid = (): number | null => {
    try {
      const pid = Number(fs.readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
      return Number.isInteger(pid) && pid > 0 ? pid : null;
    } catch {
      return null;
    }
  };
  let postgresPid: number | null = null;
  const stop = async (): Promise<string[]> => {
    const notes: string[] = [];
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const stopped = await Promise.race([exited.then(() => true), sleep(30_000).then(() => false)]);
      if (!stopped) {
        notes.push('the service did not stop within 30 s of SIGTERM: killed');
        child.kill('SIGKILL');
        await exited;
      } else {
        notes.push(`service stopped on SIGTERM (exit code ${child.exitCode})`);
      }
    }
    const pid = postgresPid ?? readPostgresPid();
    if (pid === null) return notes;
    if (await waitForExit(pid, 10_000)) {
      notes.push(`its PostgreSQL (pid ${pid}) is gone`);
      return notes;
    }
    notes.push(`PostgreSQL pid ${pid} was still running after the service stopped: sent it SIGINT (fast shutdown)`);
    process.kill(pid, 'SIGINT');
    if (!(await waitForExit(pid, 20_000))) notes.push(`PostgreSQL pid ${pid} is STILL running: stop it by hand`);
    return notes;
  };
  const deadline = Date.now() + readyTimeoutMs;
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the service exited with code ${child.exitCode}:\n${logTail()}`);
      if (Date.now() > deadline) throw new Error(`the service was not ready within ${readyTimeoutMs / 1000} s:\n${logTail()}`);
      try {
        if ((await fetch(`${base}/readyz`)).status === 200) break;
      } catch {
        // not listening yet
      }
      await sleep(250);
    }
  } catch (err) {
    for (const note of await stop()) console.error(`- ${note}`);
    throw err;
  }
  postgresPid = readPostgresPid();
  return { base, logFile, stop };
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ESRCH') return true;
    }
    await sleep(100);
  }
  return false;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** mulberry32: a small, fast, seeded pseudo-random generator (uniform in [0, 1)), for reproducible synthetic data. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal deviate from a uniform generator (Box–Muller). */
export function standardNormal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}
