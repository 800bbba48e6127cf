// Prediction worker processes for tests: `npm run worker` (src/jobs/worker-main.ts) spawned on a database of the
// test server, waited for until it logs that it works the queue.
import { type ChildProcess, spawn } from 'node:child_process';
import { REPO_ROOT } from './service.ts';

export interface WorkerProcess {
  child: ChildProcess;
  output(): string;
  /** SIGKILL: the process dies at once, without settling its jobs. */
  kill(): Promise<void>;
  /** SIGTERM (graceful: finish the batches in progress), then the exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

export async function startWorkerProcess(env: Record<string, string>, timeoutMs = 60_000): Promise<WorkerProcess> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'info', ...env };
  delete childEnv.NODE_OPTIONS; // jest's --experimental-vm-modules is not for the worker
  delete childEnv.NODE_ENV;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/jobs/worker-main.ts'], { cwd: REPO_ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start within ${timeoutMs} ms:\n${output.slice(-4000)}`)), timeoutMs);
    const check = () => {
      if (output.includes('"msg":"prediction worker started"')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited with code ${code} before it started:\n${output.slice(-4000)}`));
    });
  });
  return {
    child,
    output: () => output,
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
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
