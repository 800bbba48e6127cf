// `npm run bench:jobs`: prediction jobs end to end (issue 5, item 7), on the embedded PostgreSQL in a temporary
// folder, through the public GraphQL API with a contributor key.
//
// 1. Latency of one job on an idle system: the service as `npm start` runs it (its in-process worker, inference
//    on a worker thread), one structure submitted at a time and waited for; BENCH_LATENCY_RUNS (default 10) runs.
//    Reported from the job's own timestamps (created → started → finished) and as the client sees it (HTTP
//    submit until predictionJob answers COMPLETED, polled every 20 ms).
// 2. Throughput: BENCH_JOBS (default 10,000) structures through 1, then 2 `npm run worker` processes (CPU,
//    WORKER_BATCH_SIZE default 64, ONNX_THREADS 1), the service itself only queueing (START_WORKER=false). The
//    structures are the seed's 2,697 real Materials Project structures, cycled; every cycle after the first is a
//    **synthetic** isotropic strain of the lattice (+0.1 % per cycle) so that deduplication does not fold them.
//    The same 10,000 are run for each worker count (the predictions of the previous run are deleted first). All
//    jobs are submitted as fast as the API takes them (predictSpectra, BENCH_CHUNK = 250 per request) while the
//    workers run. Reported: wall time first submit → last finished, jobs/s and predicted sites/s (site classes), queue
//    wait (created → started) and run time (started → finished, the whole batch's) per job, and the workers' own
//    compute (featurisation + ONNX on the inference thread) and write (one transaction per batch) times, summed
//    over batches, from their logs.
// BENCH_WORKERS (default "1,2") chooses the worker counts; BENCH_DATA_DIR keeps the data folder.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { createApiKey } from '../src/auth/api-keys.ts';
import { connectDatabase } from '../src/db/client.ts';
import { runningEmbeddedUrl } from '../src/db/embedded.ts';
import type { Structure } from '../src/structure/structure.ts';
import { loadSeedMaterials } from './model-support.ts';
import { type BenchService, fmt, machineSummary, makeTempDir, median, printTable, quantile, removeDir, sleep, startBenchService, withCleanup } from './support.ts';

const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const JOBS = Number(process.env.BENCH_JOBS ?? 10_000);
const LATENCY_RUNS = Number(process.env.BENCH_LATENCY_RUNS ?? 10);
const WORKER_COUNTS = (process.env.BENCH_WORKERS ?? '1,2').split(',').map(Number);
const CHUNK = Number(process.env.BENCH_CHUNK ?? 250);
const STRAIN_PER_CYCLE = 1e-3;
const SERVICE_ENV = { MUTATION_RATE_LIMIT: '100000000', LOG_LEVEL: 'warn' };

const keepDataDir = Boolean(process.env.BENCH_DATA_DIR);
const dataDir = process.env.BENCH_DATA_DIR ? path.resolve(process.env.BENCH_DATA_DIR) : makeTempDir('xasgraph-bench-jobs');
let service: BenchService | null = null;
const workers: ChildProcess[] = [];
const notes: string[] = [];

interface Throughput {
  workers: number;
  jobs: number;
  failed: number;
  sites: number;
  submitSeconds: number;
  wallSeconds: number;
  waitMs: number[];
  runMs: number[];
  batches: number;
  computeMs: number;
  writeMs: number;
}

const latency: { serverMs: number[]; waitMs: number[]; runMs: number[]; clientMs: number[] } = { serverMs: [], waitMs: [], runMs: [], clientMs: [] };
const throughput: Throughput[] = [];

/** The seed's structures, cycled to `n`, each cycle after the first strained a little more (synthetic). */
function benchStructures(n: number): { lattice: number[][]; species: string[]; fracCoords: number[][] }[] {
  const seed = loadSeedMaterials().map((m) => m.structure);
  return Array.from({ length: n }, (_, i) => {
    const s: Structure = seed[i % seed.length]!;
    const scale = 1 + STRAIN_PER_CYCLE * Math.floor(i / seed.length);
    return { lattice: s.lattice.map((row) => row.map((x) => x * scale)), species: s.species, fracCoords: s.fracCoords };
  });
}

async function graphql(key: string | null, query: string, variables: Record<string, unknown>): Promise<any> {
  const res = await fetch(`${service!.base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: any; errors?: { message: string }[] };
  if (body.errors) throw new Error(`GraphQL: ${body.errors.map((e) => e.message).join('; ')}`);
  return body.data;
}

async function newKey(): Promise<string> {
  const url = runningEmbeddedUrl(dataDir);
  if (!url) throw new Error('the service’s embedded PostgreSQL is not running');
  const db = connectDatabase(url, 1);
  try {
    return (await createApiKey(db.prisma, { name: `bench-${Date.now()}`, role: 'contributor' })).key;
  } finally {
    await db.close();
  }
}

async function startWorker(logFile: string): Promise<ChildProcess> {
  const log = fs.openSync(logFile, 'w');
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/jobs/worker-main.ts'], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, DATABASE_URL: '', XASGRAPH_DATA_DIR: dataDir, LOG_LEVEL: 'info' },
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  workers.push(child);
  const deadline = Date.now() + 60_000;
  while (!fs.readFileSync(logFile, 'utf8').includes('"msg":"prediction worker started"')) {
    if (child.exitCode !== null) throw new Error(`worker exited with ${child.exitCode}:\n${fs.readFileSync(logFile, 'utf8').slice(-3000)}`);
    if (Date.now() > deadline) throw new Error(`worker did not start within 60 s:\n${fs.readFileSync(logFile, 'utf8').slice(-3000)}`);
    await sleep(100);
  }
  return child;
}

async function stopWorkers(): Promise<void> {
  await Promise.all(
    workers.splice(0).map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(30_000).then(() => child.kill('SIGKILL'))]);
    }),
  );
}

/** Sum of the workers' logged batch stats. */
function batchStats(logFiles: string[]): { batches: number; computeMs: number; writeMs: number } {
  let batches = 0;
  let computeMs = 0;
  let writeMs = 0;
  for (const file of logFiles) {
    for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
      if (!line.includes('"prediction batch done"')) continue;
      const { batch } = JSON.parse(line) as { batch: { computeMs: number; writeMs: number } };
      batches++;
      computeMs += batch.computeMs;
      writeMs += batch.writeMs;
    }
  }
  return { batches, computeMs, writeMs };
}

async function measureLatency(key: string, pool: pg.Pool, structures: ReturnType<typeof benchStructures>): Promise<void> {
  for (let i = 0; i < LATENCY_RUNS; i++) {
    const structure = { ...structures[i]!, lattice: structures[i]!.lattice.map((row) => row.map((x) => x * 0.99)) }; // not among the throughput set
    const started = performance.now();
    const { predictSpectrum } = await graphql(key, `mutation($s: StructureInput!) { predictSpectrum(input: { structure: $s, absorbingElement: "Cu" }) { id } }`, { s: structure });
    for (;;) {
      const { predictionJob } = await graphql(null, `query($id: ID!) { predictionJob(id: $id) { state error } }`, { id: predictSpectrum.id });
      if (predictionJob.state === 'COMPLETED') break;
      if (predictionJob.state === 'FAILED') throw new Error(`latency job failed: ${predictionJob.error}`);
      await sleep(20);
    }
    latency.clientMs.push(performance.now() - started);
    const { rows } = await pool.query(
      `SELECT extract(epoch FROM finished_at - created_at) * 1000 AS total, extract(epoch FROM started_at - created_at) * 1000 AS wait,
              extract(epoch FROM finished_at - started_at) * 1000 AS run FROM prediction_job WHERE id = $1`,
      [predictSpectrum.id],
    );
    latency.serverMs.push(Number(rows[0].total));
    latency.waitMs.push(Number(rows[0].wait));
    latency.runMs.push(Number(rows[0].run));
    await sleep(300); // idle between jobs
  }
}

async function measureThroughput(key: string, pool: pg.Pool, structures: ReturnType<typeof benchStructures>, count: number): Promise<Throughput> {
  await pool.query(`DELETE FROM material WHERE id LIKE 'hyp-%'`);
  await pool.query(`DELETE FROM prediction_job`);
  await pool.query(`DELETE FROM pgboss.job WHERE name LIKE 'predict-spectrum%'`);
  const logFiles = Array.from({ length: count }, (_, i) => path.join(dataDir, `worker-${count}-${i}.log`));
  for (const file of logFiles) await startWorker(file);
  const started = performance.now();
  for (let i = 0; i < structures.length; i += CHUNK) {
    const inputs = structures.slice(i, i + CHUNK).map((s) => ({ structure: s, absorbingElement: 'Cu' }));
    await graphql(key, `mutation($inputs: [PredictionInput!]!) { predictSpectra(inputs: $inputs) { id } }`, { inputs });
  }
  const submitSeconds = (performance.now() - started) / 1000;
  for (;;) {
    const { rows } = await pool.query(`SELECT count(*)::int AS open FROM prediction_job WHERE state IN ('QUEUED', 'RUNNING')`);
    if (rows[0].open === 0) break;
    await sleep(250);
  }
  const wallSeconds = (performance.now() - started) / 1000;
  await stopWorkers();
  const { rows } = await pool.query(
    `SELECT extract(epoch FROM started_at - created_at) * 1000 AS wait, extract(epoch FROM finished_at - started_at) * 1000 AS run, state::text AS state
     FROM prediction_job`,
  );
  const { rows: siteRows } = await pool.query(`SELECT count(*)::int AS n FROM spectrum WHERE material_id LIKE 'hyp-%' AND site_index IS NOT NULL`);
  return {
    workers: count,
    jobs: rows.length,
    failed: rows.filter((r) => r.state === 'FAILED').length,
    sites: siteRows[0].n,
    submitSeconds,
    wallSeconds,
    waitMs: rows.map((r) => Number(r.wait)),
    runMs: rows.map((r) => Number(r.run)),
    ...batchStats(logFiles),
  };
}

await withCleanup(
  async () => {
    await stopWorkers();
    if (service) notes.push(...(await service.stop()));
    if (!keepDataDir) removeDir(dataDir);
  },
  async () => {
    console.log(`xasgraph prediction jobs benchmark — ${machineSummary()}`);
    console.log(`data in ${dataDir}${keepDataDir ? ' (kept)' : ''}; ${LATENCY_RUNS} latency runs; ${fmt(JOBS)} jobs through ${WORKER_COUNTS.join(' and ')} worker process(es)\n`);
    const structures = benchStructures(JOBS);

    let t = performance.now();
    service = await startBenchService(PROJECT_ROOT, dataDir, { ...SERVICE_ENV, START_WORKER: 'true' });
    notes.push(`service ready after ${((performance.now() - t) / 1000).toFixed(1)} s (a first start creates the cluster and seeds the catalogue)`);
    const key = await newKey();
    const pool = new pg.Pool({ connectionString: runningEmbeddedUrl(dataDir)!, max: 2 });
    try {
      await measureLatency(key, pool, structures);
    } finally {
      await pool.end();
    }
    notes.push(...(await service.stop()));

    t = performance.now();
    service = await startBenchService(PROJECT_ROOT, dataDir, { ...SERVICE_ENV, START_WORKER: 'false' });
    notes.push(`service restarted without its worker after ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const pool2 = new pg.Pool({ connectionString: runningEmbeddedUrl(dataDir)!, max: 2 });
    try {
      for (const count of WORKER_COUNTS) {
        throughput.push(await measureThroughput(key, pool2, structures, count));
        const last = throughput.at(-1)!;
        console.error(`  ${count} worker(s): ${fmt(last.jobs)} jobs in ${last.wallSeconds.toFixed(1)} s`);
      }
    } finally {
      await pool2.end();
    }
  },
);

console.log('One job on an idle system (service with its in-process worker), ms');
const row = (name: string, values: number[]) => [name, fmt(median(values), 0), fmt(quantile(values, 0.95), 0), fmt(Math.min(...values), 0), fmt(Math.max(...values), 0)];
printTable(
  ['', 'median', 'p95', 'min', 'max'],
  [
    row('queue wait (created → started)', latency.waitMs),
    row('run (started → finished: predict + write)', latency.runMs),
    row('submit → completed (job timestamps)', latency.serverMs),
    row('submit → COMPLETED seen by the client (HTTP, polled every 20 ms)', latency.clientMs),
  ],
);
console.log(`\n${fmt(JOBS)} structures (seed structures, cycled with synthetic strain) through CPU worker processes`);
printTable(
  ['workers', 'jobs', 'failed', 'sites', 'submit s', 'wall s', 'jobs/s', 'sites/s', 'wait p50 s', 'wait p95 s', 'run p50 ms', 'batches', 'compute s', 'write s', 'compute share'],
  throughput.map((r) => [
    r.workers,
    fmt(r.jobs),
    r.failed,
    fmt(r.sites),
    r.submitSeconds.toFixed(1),
    r.wallSeconds.toFixed(1),
    fmt(r.jobs / r.wallSeconds, 1),
    fmt(r.sites / r.wallSeconds, 1),
    (median(r.waitMs) / 1000).toFixed(1),
    (quantile(r.waitMs, 0.95) / 1000).toFixed(1),
    fmt(median(r.runMs), 0),
    r.batches,
    (r.computeMs / 1000).toFixed(1),
    (r.writeMs / 1000).toFixed(1),
    `${((100 * r.computeMs) / 1000 / (r.wallSeconds * r.workers)).toFixed(0)} %`,
  ]),
);
console.log(
  '\nqueue wait: a job waits for the jobs before it (all are submitted at once); run: its whole batch (up to 64 jobs) on the worker.' +
    '\ncompute: featurisation (symmetry, descriptors) + ONNX on the inference threads, summed over batches; write: the result transactions;' +
    '\ncompute share: compute / (wall × workers).',
);
for (const note of notes) console.log(`- ${note}`);
