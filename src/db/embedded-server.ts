// One run of the embedded PostgreSQL server process: initdb for a new cluster, start, wait until it accepts
// connections, stop. The server listens on loopback TCP (where the service connects, with a password) and on a
// Unix socket in a private folder (0700) inside the data folder, never in /tmp where any local user could reach it.
// It runs in its own process group, so a Ctrl-C in the terminal reaches only the service, which then stops the
// database in order (src/main.ts), and a crash of the server is seen by its supervisor (embedded-supervisor.ts).
import { type ChildProcess, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../logger.ts';
import type { PostgresBinaries, PostgresOsUser } from './embedded-binaries.ts';
import { readPostmasterRecord, waitForExit } from './postmaster.ts';

export interface ServerSettings {
  binaries: PostgresBinaries;
  /** The cluster's data folder (PGDATA). */
  clusterDir: string;
  /** Folder of the Unix socket: private to the server's user (0700). */
  socketDir: string;
  port: number;
  /** As root: the system user to run as. */
  osUser: PostgresOsUser | null;
  log: Logger;
}

/** How long a start may take (crash recovery after a kill included). */
const START_TIMEOUT_MS = 120_000;
/** A fast shutdown that takes longer than this is made immediate (SIGQUIT). */
const STOP_TIMEOUT_MS = 30_000;
/** Longest Unix socket path (sun_path) on Linux, less the socket's own name `.s.PGSQL.<port>`. */
const MAX_SOCKET_DIR_LENGTH = 107 - '/.s.PGSQL.65535'.length;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Lines of the last output kept for error messages. */
function lastLines(text: string, count = 12): string {
  return text.trim().split('\n').slice(-count).join('\n');
}

/** A private folder (0700, owned by the server's user) for the Unix socket: `preferred`, or one in the system's temporary folder if that path is too long for a socket. */
export function privateSocketDir(preferred: string, osUser: PostgresOsUser | null): string {
  let dir = preferred;
  if (dir.length > MAX_SOCKET_DIR_LENGTH) {
    dir = fs.mkdtempSync(path.join('/tmp', 'xasgraph-pg-'));
  }
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (osUser) fs.chownSync(dir, osUser.uid, osUser.gid);
  fs.chmodSync(dir, 0o700);
  return dir;
}

/**
 * initdb a new cluster in `clusterDir` whose superuser `superuser` has `password` (scram-sha-256 for every
 * connection). The password goes through a file that only the server's user can read, removed right after.
 */
export async function initialiseCluster(settings: ServerSettings, superuser: string, password: string): Promise<void> {
  const { binaries, clusterDir, osUser, log } = settings;
  fs.mkdirSync(clusterDir, { recursive: true, mode: 0o700 });
  if (osUser) fs.chownSync(clusterDir, osUser.uid, osUser.gid);
  const passwordFile = path.join(path.dirname(clusterDir), `.initdb-password-${crypto.randomBytes(6).toString('hex')}`);
  fs.writeFileSync(passwordFile, `${password}\n`, { mode: 0o600, flag: 'wx' });
  if (osUser) fs.chownSync(passwordFile, osUser.uid, osUser.gid);
  try {
    const args = [`--pgdata=${clusterDir}`, '--auth=scram-sha-256', `--username=${superuser}`, `--pwfile=${passwordFile}`, '--encoding=UTF8', '--lc-messages=C'];
    const output = await run(binaries.initdb, args, osUser);
    if (output.code !== 0) throw new Error(`initdb failed (exit code ${output.code}):\n${lastLines(output.text)}`);
    log.debug({ postgres: lastLines(output.text, 3) }, 'initdb');
  } finally {
    fs.rmSync(passwordFile, { force: true });
  }
}

function run(program: string, args: string[], osUser: PostgresOsUser | null): Promise<{ code: number | null; text: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { ...(osUser ?? {}), env: { ...process.env, LC_MESSAGES: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, text }));
  });
}

/** A started PostgreSQL server process. */
export class PostgresProcess {
  /** Resolves when the process has exited, for whatever reason. */
  readonly exited: Promise<void>;
  private ended = false;

  private constructor(
    private readonly child: ChildProcess,
    readonly pid: number,
  ) {
    this.exited = new Promise((resolve) => {
      child.once('exit', () => {
        this.ended = true;
        resolve();
      });
    });
  }

  get running(): boolean {
    return !this.ended;
  }

  /** Start the server and wait until it accepts connections; rejects, with its last output, if it exits or hangs first. */
  static async start(settings: ServerSettings): Promise<PostgresProcess> {
    const { binaries, clusterDir, socketDir, port, osUser, log } = settings;
    const args = ['-D', clusterDir, '-p', String(port), '-k', socketDir, '-c', 'unix_socket_permissions=0700', '-c', 'listen_addresses=127.0.0.1'];
    const child = spawn(binaries.postgres, args, {
      ...(osUser ?? {}),
      detached: true, // its own process group: a terminal's Ctrl-C goes to the service, which stops the server in order
      env: { ...process.env, LC_MESSAGES: 'C' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let output = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      output = (output + text).slice(-8000);
      for (const line of text.trim().split('\n')) log.debug({ postgres: line }, 'embedded postgres');
    });
    const spawned = await new Promise<number>((resolve, reject) => {
      child.once('spawn', () => resolve(child.pid!));
      child.once('error', reject);
    });
    const server = new PostgresProcess(child, spawned);
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      const record = readPostmasterRecord(clusterDir);
      if (record?.pid === server.pid && record.status === 'ready') return server;
      if (!server.running) throw new Error(`the embedded PostgreSQL exited while starting:\n${lastLines(output)}`);
      if (Date.now() > deadline) {
        await server.stop();
        throw new Error(`the embedded PostgreSQL did not accept connections within ${START_TIMEOUT_MS / 1000} s:\n${lastLines(output)}`);
      }
      await sleep(50);
    }
  }

  /** Fast shutdown (SIGINT: sessions are ended, the data is flushed); immediate (SIGQUIT) if that hangs. Safe to call twice. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGINT');
    if (await Promise.race([this.exited.then(() => true), sleep(STOP_TIMEOUT_MS).then(() => false)])) return;
    this.child.kill('SIGQUIT');
    await waitForExit(this.pid, 10_000);
  }

  /** Synchronous last resort when the process exits without stop(): ask for a fast shutdown. */
  signalStop(): void {
    if (this.running) this.child.kill('SIGINT');
  }
}
