// Prediction worker processes for tests: `npm run worker` (src/jobs/worker-main.ts) spawned on a database of the
// test server, waited for until it logs that it works the queue.
import type { ChildProcess } from 'node:child_process';
import { spawnUntilReady } from './process.ts';

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
  const started = await spawnUntilReady('src/jobs/worker-main.ts', childEnv, '"msg":"prediction worker started"', 'worker', timeoutMs);
  const { child, exited } = started;
  return {
    child,
    output: started.output,
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
    stop: started.stop,
  };
}
