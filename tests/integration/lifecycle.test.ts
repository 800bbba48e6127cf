// `npm start` on the embedded default: a real PostgreSQL under XASGRAPH_DATA_DIR, kept across restarts,
// and stopped with the service on SIGTERM/SIGINT (no orphan postgres process).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT, freePort, startService } from '../support/service.ts';

function postmasterPid(dataDir: string): number {
  return Number(fs.readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test.each(['SIGTERM', 'SIGINT'] as const)('%s stops the service and its embedded PostgreSQL; data survive a restart', async (signal) => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'xasgraph-life-'));
  fs.chmodSync(scratch, 0o755);
  const dataDir = path.join(scratch, 'data');
  const env = { XASGRAPH_DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()), SEED_ON_START: 'never' };
  try {
    const first = await startService(env);
    const ready = await fetch(`http://127.0.0.1:${first.port}/readyz`);
    expect(ready.status).toBe(200);
    const pid = postmasterPid(dataDir);
    expect(isAlive(pid)).toBe(true);
    first.child.kill(signal);
    const code = await new Promise<number | null>((resolve) => first.child.once('exit', resolve));
    expect(code).toBe(0);
    await new Promise((r) => setTimeout(r, 200));
    expect(isAlive(pid)).toBe(false);
    expect(fs.existsSync(path.join(dataDir, 'postgres', 'postmaster.pid'))).toBe(false);

    const second = await startService(env);
    expect(second.output()).not.toContain('initialising the embedded PostgreSQL cluster');
    const { data } = (await (
      await fetch(`http://127.0.0.1:${second.port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ materials { totalCount } }' }),
      })
    ).json()) as any;
    expect(data.materials.totalCount).toBe(0); // SEED_ON_START=never
    expect(await second.stop()).toBe(0);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}, 180_000); // two starts of the service (the first initialises a cluster): slow on a busy 2-core machine

test('a process that dies of an uncaught error still stops its embedded PostgreSQL', async () => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'xasgraph-crash-'));
  fs.chmodSync(scratch, 0o755);
  try {
    const script = `
      import { startEmbeddedPostgres } from './src/db/embedded.ts';
      import { logger } from './src/logger.ts';
      await startEmbeddedPostgres(${JSON.stringify(scratch)}, ${await freePort()}, logger);
      setTimeout(() => { throw new Error('boom'); }, 10);`;
    const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'silent' };
    delete env.NODE_OPTIONS;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: REPO_ROOT, env, encoding: 'utf8', timeout: 120_000 });
    expect(run.stderr).toContain('boom');
    expect(run.status).toBe(1);
    // PostgreSQL removes postmaster.pid when its shutdown completes.
    const pidFile = path.join(scratch, 'postgres', 'postmaster.pid');
    for (let i = 0; i < 100 && fs.existsSync(pidFile); i++) await new Promise((r) => setTimeout(r, 100));
    expect(fs.existsSync(pidFile)).toBe(false);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}, 180_000);
