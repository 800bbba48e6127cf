// A child process for tests: `node --import tsx <script>` from the repository root, its stdout and stderr
// collected, awaited until it logs a line that says it is ready, stopped with SIGTERM (SIGKILL after a grace time).
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface LoggedProcess {
  child: ChildProcess;
  /** Everything the process printed so far. */
  output(): string;
  /** Resolves with the exit code when the process ends. */
  exited: Promise<number | null>;
  /** SIGTERM, then wait for the exit code (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<number | null>;
}

/**
 * Spawn `script` with `env` and wait until its output contains `ready` (a log line's text); rejects, with the end of
 * the output, when that takes longer than `timeoutMs` or the process exits first. `what` names it in those messages.
 */
export async function spawnUntilReady(script: string, env: NodeJS.ProcessEnv, ready: string, what: string, timeoutMs: number): Promise<LoggedProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start within ${timeoutMs} ms:\n${output.slice(-4000)}`)), timeoutMs);
    const check = () => {
      if (output.includes(ready)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with code ${code} before it started:\n${output.slice(-4000)}`));
    });
  });
  return {
    child,
    output: () => output,
    exited,
    async stop(graceMs = 30_000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/**
 * `npm run <script> -- …args` against the database at `databaseUrl`, asynchronously (a blocked event loop would miss
 * the server closing idle keep-alive sockets); resolves with the exit status and what it printed.
 */
export function npmRun(script: string, args: string[], databaseUrl: string, timeoutMs = 120_000): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' };
  delete childEnv.NODE_OPTIONS;
  return new Promise((resolve) => {
    execFile('npm', ['run', script, '--', ...args], { cwd: REPO_ROOT, env: childEnv, encoding: 'utf8', timeout: timeoutMs }, (err, stdout, stderr) => {
      resolve({ status: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr });
    });
  });
}
