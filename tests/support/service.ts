// Starting and stopping a real xasgraph process for tests (the same entry point as `npm start`).
import type { ChildProcess } from 'node:child_process';
import net from 'node:net';
import { spawnUntilReady } from './process.ts';

export { REPO_ROOT } from './process.ts';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningService {
  child: ChildProcess;
  port: number;
  /** Everything the process printed so far. */
  output(): string;
  /** SIGTERM, then wait for the exit code (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<number | null>;
}

/** Spawn `src/main.ts` with `env` added to this environment and wait until it logs that it listens. */
export async function startService(env: Record<string, string>, timeoutMs = 240_000): Promise<RunningService> {
  const port = Number(env.PORT ?? (await freePort()));
  const childEnv: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'info', HOST: '127.0.0.1', ...env, PORT: String(port) };
  delete childEnv.NODE_OPTIONS; // jest's --experimental-vm-modules is not for the service
  if (!('NODE_ENV' in env)) delete childEnv.NODE_ENV; // jest's NODE_ENV=test changes libraries' behaviour (Apollo's signal handling)
  if (!('DATABASE_URL' in env)) delete childEnv.DATABASE_URL;
  const started = await spawnUntilReady('src/main.ts', childEnv, '"msg":"xasgraph listening"', 'service', timeoutMs);
  return { child: started.child, port, output: started.output, stop: started.stop };
}
