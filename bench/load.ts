// `npm run bench:load`: throughput and latency under load (autocannon, loopback only) for reads, identification
// and a mix of both, with the error count of each, and how long /healthz took meanwhile (the event loop's answer).
//
// Against BENCH_URL (a running service, e.g. http://127.0.0.1:4000), or a service it starts as bench:api does
// (embedded PostgreSQL in a temporary folder, or in BENCH_DATA_DIR to reuse a seeded one). Every request body is
// sent once first and must answer without errors; under load, errors are transport errors, timeouts, non-2xx
// answers. Prints a table; never passes or fails.
//
// Environment: BENCH_URL, BENCH_DURATION (s per scenario, default 10), BENCH_CONNECTIONS (default 10),
// BENCH_DATA_DIR (kept).
import path from 'node:path';
import autocannon from 'autocannon';
import { PROJECT_ROOT } from '../src/config.ts';
import { type BenchService, fmt, machineSummary, makeTempDir, printTable, removeDir, startBenchService, withCleanup } from './support.ts';

const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const WARMUP_S = Math.min(2, DURATION_S);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const HEALTH_POLL_MS = 200;

type Request = { method: 'POST'; path: string; headers: Record<string, string>; body: string };

const graphqlRequest = (query: string, variables: Record<string, unknown> = {}): Request => ({
  method: 'POST',
  path: '/graphql',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ query, variables }),
});

/** A measured-looking Cu K edge (a smooth step with a white line), on 0.5 eV steps. */
function copperEdge(): { energies: number[]; mu: number[] } {
  const energies = Array.from({ length: 300 }, (_, i) => 8900 + i * 0.5);
  const mu = energies.map((e) => 0.1 + 1 / (1 + Math.exp(-(e - 8985) / 1.5)) + 0.4 * Math.exp(-(((e - 8997) / 4) ** 2)));
  return { energies, mu };
}

const READS: Request[] = [
  graphqlRequest('{ material(id: "mp-1005792") { id formula spacegroupSymbol } }'),
  graphqlRequest('{ materials(first: 20, filter: { elements: ["Cu", "O"] }) { totalCount edges { node { id formula } } } }'),
  graphqlRequest('{ spectrum(id: "mp-1005792-XANES-Cu-K") { id energies mu } }'),
];
const IDENTIFY: Request[] = [
  graphqlRequest('query($i: SpectrumInput!) { identifySpectrum(input: $i, options: { top: 5 }) { confident matches { score material { id } } } }', {
    i: { ...copperEdge(), absorbingElement: 'Cu', edge: 'K' },
  }),
];
const SCENARIOS: { name: string; requests: Request[] }[] = [
  { name: 'reads (3 queries in turn)', requests: READS },
  { name: 'identification (ENSEMBLE, 300 points)', requests: IDENTIFY },
  { name: 'mix (3 reads : 1 identification)', requests: [...READS, ...IDENTIFY] },
];

interface Measured {
  name: string;
  requests: number;
  seconds: number;
  p50: number;
  p99: number;
  errors: number;
  healthMaxMs: number;
}

const external = process.env.BENCH_URL?.replace(/\/$/, '');
const keepDataDir = Boolean(process.env.BENCH_DATA_DIR);
const dataDir = external ? null : process.env.BENCH_DATA_DIR ? path.resolve(process.env.BENCH_DATA_DIR) : makeTempDir('xasgraph-bench-load');
let service: BenchService | null = null;
const results: Measured[] = [];
const notes: string[] = [];

await withCleanup(
  async () => {
    if (service) notes.push(...(await service.stop()));
    if (dataDir && !keepDataDir) removeDir(dataDir);
  },
  async () => {
    console.log(`xasgraph load benchmark — ${machineSummary()}`);
    console.log(`autocannon in this process: ${CONNECTIONS} connections, ${WARMUP_S} s warm-up + ${DURATION_S} s per scenario`);
    let base = external;
    if (!base) {
      const started = performance.now();
      service = await startBenchService(PROJECT_ROOT, dataDir!, {}, 180_000);
      base = service.base;
      notes.push(`service started in ${((performance.now() - started) / 1000).toFixed(1)} s, data in ${dataDir}${keepDataDir ? ' (kept)' : ''}`);
    } else notes.push(`against ${base}`);
    for (const request of [...READS, ...IDENTIFY]) await checkAnswers(base, request);
    for (const scenario of SCENARIOS) {
      await load(base, scenario.requests, WARMUP_S);
      results.push(await measure(base, scenario.name, scenario.requests));
    }
  },
);
report();

/** One request must answer 200 without GraphQL errors (else the load figures would measure errors). */
async function checkAnswers(base: string, request: Request): Promise<void> {
  const response = await fetch(`${base}${request.path}`, { method: request.method, headers: request.headers, body: request.body });
  const text = await response.text();
  if (response.status !== 200 || (JSON.parse(text) as { errors?: unknown }).errors) throw new Error(`${request.body.slice(0, 80)}: HTTP ${response.status}: ${text.slice(0, 400)}`);
}

async function measure(base: string, name: string, requests: Request[]): Promise<Measured> {
  const health: number[] = [];
  let polling = true;
  const poller = (async () => {
    while (polling) {
      const started = performance.now();
      await fetch(`${base}/healthz`).then((r) => r.text()).catch(() => '');
      health.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, HEALTH_POLL_MS));
    }
  })();
  const result = await load(base, requests, DURATION_S);
  polling = false;
  await poller;
  return {
    name,
    requests: result['2xx'],
    seconds: result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
    healthMaxMs: Math.max(0, ...health),
  };
}

function load(base: string, requests: Request[], seconds: number): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon({ url: base, requests, connections: CONNECTIONS, duration: seconds, timeout: 30 }, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

function report(): void {
  printTable(
    ['scenario', 'requests', 'req/s', 'p50 ms', 'p99 ms', 'errors', '/healthz max ms'],
    results.map((r) => [r.name, fmt(r.requests), fmt(r.requests / r.seconds, 1), fmt(r.p50, 1), fmt(r.p99, 1), fmt(r.errors), fmt(r.healthMaxMs, 1)]),
  );
  for (const note of notes) console.log(note);
}
