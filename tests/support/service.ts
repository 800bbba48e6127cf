// Starting and stopping a real xasgraph process for tests (the same entry point as `npm start`).
import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

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
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: REPO_ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`service did not start within ${timeoutMs} ms:\n${output.slice(-4000)}`)), timeoutMs);
    const check = () => {
      if (output.includes('"msg":"xasgraph listening"')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`service exited with code ${code} before listening:\n${output.slice(-4000)}`));
    });
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    port,
    output: () => output,
    async stop(graceMs = 30_000) {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
