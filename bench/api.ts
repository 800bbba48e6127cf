// `npm run bench:api`: GraphQL throughput and latency of the real service.
//
// Starts `node --import tsx src/main.ts` (embedded PostgreSQL in a temporary folder, or in BENCH_DATA_DIR to
// reuse a seeded one; free ports), waits for /readyz (a first start creates the cluster and seeds the
// catalogue), then loads POST /graphql with autocannon from this process (127.0.0.1 only) for each query:
// a page of 20 materials with their spectra (energies, mu) and absorbing sites, and a cheap one-material
// lookup. Prints requests/s, latency median/p95/p99 and the SQL statements per request (from the service's
// xasgraph_sql_queries_total at /metrics, read before and after). Stops the service with SIGTERM and checks
// that its PostgreSQL is gone. Prints a table; never passes or fails.
//
// Environment: BENCH_DURATION (s, default 10), BENCH_CONNECTIONS (default 10), BENCH_DATA_DIR (kept),
// NODE_ENV and LOG_LEVEL of the service (default production and info, as deployed; its log goes to a file in
// the data folder),
// BENCH_SERVICE_NODE_ARGS (extra node flags for the service, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`).
import fs from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import { PROJECT_ROOT } from '../src/config.ts';
import { type BenchService, fmt, machineSummary, makeTempDir, printTable, quantile, removeDir, startBenchService, withCleanup } from './support.ts';

const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const WARMUP_S = Math.min(3, DURATION_S);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
/** As deployed (docker/Dockerfile.api); graphql-js and others run slower checks otherwise. */
const SERVICE_NODE_ENV = process.env.NODE_ENV ?? 'production';
/** How long a first start may take (cluster creation + seeding). */
const READY_TIMEOUT_MS = 180_000;

const QUERIES: { name: string; query: string }[] = [
  {
    name: 'materials(first: 20) + spectra + sites',
    query:
      '{ materials(first: 20) { edges { node { id formula spectra { id energies mu } absorbingSites { siteIndex oxidationState } } } } }',
  },
  { name: 'material(id) { id formula }', query: '{ material(id: "mp-1005792") { id formula } }' },
];

interface Measured {
  name: string;
  requests: number;
  seconds: number;
  latenciesMs: number[];
  sqlPerRequest: number;
  non2xx: number;
  errors: number;
  bytesPerResponse: number;
}

const keepDataDir = Boolean(process.env.BENCH_DATA_DIR);
const dataDir = process.env.BENCH_DATA_DIR ? path.resolve(process.env.BENCH_DATA_DIR) : makeTempDir('xasgraph-bench-api');
let service: BenchService | null = null;
const results: Measured[] = [];
const notes: string[] = [];

await withCleanup(
  async () => {
    if (service) notes.push(...(await service.stop()));
    if (!keepDataDir) removeDir(dataDir);
  },
  async () => {
    console.log(`xasgraph API benchmark — ${machineSummary()}`);
    console.log(`data in ${dataDir}${keepDataDir ? ' (kept)' : ''}`);
    console.log(`service NODE_ENV=${SERVICE_NODE_ENV}; autocannon in this process: ${CONNECTIONS} connections, ${WARMUP_S} s warm-up + ${DURATION_S} s per query\n`);
    fs.mkdirSync(dataDir, { recursive: true });
    const started = performance.now();
    const nodeArgs = (process.env.BENCH_SERVICE_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
    service = await startBenchService(PROJECT_ROOT, dataDir, { NODE_ENV: SERVICE_NODE_ENV }, READY_TIMEOUT_MS, nodeArgs);
    notes.push(`service ready after ${((performance.now() - started) / 1000).toFixed(1)} s (a first start creates the cluster and seeds the catalogue)`);
    for (const { name, query } of QUERIES) results.push(await measure(service.base, name, query));
  },
);
report();

async function measure(base: string, name: string, query: string): Promise<Measured> {
  const body = JSON.stringify({ query });
  // One request first: it must succeed, and its size is worth knowing.
  const res = await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const text = await res.text();
  const parsed = JSON.parse(text) as { errors?: { message: string }[] };
  if (res.status !== 200 || parsed.errors) throw new Error(`${name}: HTTP ${res.status}: ${text.slice(0, 500)}`);

  await load(base, body, WARMUP_S, name);
  const before = await sqlQueriesTotal(base);
  const latenciesMs: number[] = [];
  const result = await load(base, body, DURATION_S, name, latenciesMs);
  const after = await sqlQueriesTotal(base);
  const requests = result['2xx'];
  return {
    name,
    requests,
    seconds: result.duration,
    latenciesMs,
    sqlPerRequest: (after - before) / requests,
    non2xx: result.non2xx,
    errors: result.errors,
    bytesPerResponse: Buffer.byteLength(text),
  };
}

function load(base: string, body: string, seconds: number, title: string, latencies?: number[]): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${base}/graphql`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        connections: CONNECTIONS,
        duration: seconds,
        timeout: 30,
        title,
      },
      (err, result) => (err ? reject(err) : resolve(result)),
    );
    if (latencies) {
      instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTimeMs: number) => {
        if (statusCode >= 200 && statusCode < 300) latencies.push(responseTimeMs);
      });
    }
  });
}

async function sqlQueriesTotal(base: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const match = /^xasgraph_sql_queries_total(?:\{[^}]*\})? (\S+)$/m.exec(text);
  if (!match) throw new Error('xasgraph_sql_queries_total is not in /metrics');
  return Number(match[1]);
}

function report(): void {
  printTable(
    ['query', 'requests', 'req/s', 'median ms', 'p95 ms', 'p99 ms', 'SQL/request', 'response bytes', 'non-2xx', 'errors'],
    results.map((r) => [
      r.name,
      fmt(r.requests),
      fmt(r.requests / r.seconds, 1),
      quantile(r.latenciesMs, 0.5).toFixed(1),
      quantile(r.latenciesMs, 0.95).toFixed(1),
      quantile(r.latenciesMs, 0.99).toFixed(1),
      r.sqlPerRequest.toFixed(2),
      fmt(r.bytesPerResponse),
      r.non2xx,
      r.errors,
    ]),
  );
  console.log('');
  for (const note of notes) console.log(`- ${note}`);
}
