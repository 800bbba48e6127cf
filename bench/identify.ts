// `npm run bench:identify`: speed of identification (issue 3, item 9). Prints tables; never passes or fails.
//
// 1. In process (no database): one identification = readInputSpectrum (parse the file, or clean the arrays)
//    + prepareQuery (normalise, align) + rankEnsemble (top 10), as src/identify/identify.ts runs it, for the
//    measured CuO XDI file and a perturbed catalogue spectrum, against (a) the seed's 2,523 site averages and
//    (b) SYNTHETIC Cu K catalogues (BENCH_SYNTHETIC_SIZES): perturbed copies of the seed's site averages
//    (±0.5 eV shift, 0.5–1.5 eV extra Gaussian broadening, ±5 % amplitude, 0.5 % noise; fixed random seed,
//    ids `synthetic-…`), made on demand so only the prepared catalogue stays in memory. prepareReferences time
//    and memory are shown for each. A size above BENCH_PREPARE_MAX is not prepared (≈0.8 ms a spectrum on
//    the 2-core machine: 800,000 would take ≈11 min alone): its prepared rows are the BENCH_PREPARE_MAX ones
//    repeated, which costs rankEnsemble the same work (the screen reads every row); the output says so.
// 2. A series of BENCH_SERIES (1,000) spectra — the CuO measurement with small shifts and noise, as an in-situ
//    run — in process against the seed: total time and throughput.
// 3. ELSIE_REFERENCE vs ENSEMBLE on the same 5 inputs against the seed (ms a query, ranking only).
// 4. Over HTTP: the service as `npm start` runs it (temporary data folder, free ports, /readyz), sequential
//    requests: `identifySpectrum` with the CuO file (POST /graphql), POST /identify (multipart upload), and
//    `identifySpectra` with BENCH_SERIES inputs in one request. SIGTERM afterwards; checks PostgreSQL is gone.
//
// Environment: BENCH_SYNTHETIC_SIZES (default 100000,800000; empty skips), BENCH_PREPARE_MAX (default
// 100000), BENCH_REPEATS (timed identifications per input and catalogue, default 50), BENCH_SERIES (default
// 1000), BENCH_HTTP_REQUESTS (default 100; 0 skips part 4), BENCH_DATA_DIR (reuse a seeded data folder; kept).
import fs from 'node:fs';
import path from 'node:path';
import { readOmnixasBatches, seedFile } from '../src/catalog/seed.ts';
import { PROJECT_ROOT } from '../src/config.ts';
import { readInputSpectrum, type SpectrumInput } from '../src/identify/input.ts';
import { IDENTIFY_QUERY } from '../src/identify/upload.ts';
import { elsieReferenceRank, type LabelledSpectrum } from '../src/spectra/elsie/index.ts';
import { prepareQuery, prepareReferences, rankEnsemble, type PreparedReferences } from '../src/spectra/ensemble/index.ts';
import { type BenchService, fmt, machineSummary, makeTempDir, printTable, quantile, removeDir, secondsSince, seededRandom, standardNormal, startBenchService, withCleanup } from './support.ts';

const envList = (name: string, fallback: string): number[] =>
  (process.env[name] ?? fallback).split(',').map((s) => s.trim()).filter(Boolean).map(Number);
const SYNTHETIC_SIZES = envList('BENCH_SYNTHETIC_SIZES', '100000,800000');
const PREPARE_MAX = Number(process.env.BENCH_PREPARE_MAX ?? 100_000);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 50);
const SERIES = Number(process.env.BENCH_SERIES ?? 1000);
const HTTP_REQUESTS = Number(process.env.BENCH_HTTP_REQUESTS ?? 100);
const WARMUP = 5;
const SYNTHETIC_SEED = 20250109;

const TARGET_SEED_P50_MS = 5;
const TARGET_100K_P50_MS = 30;
const TARGET_SERIES_S = 5;

const FIXTURES = path.join(PROJECT_ROOT, 'tests', 'fixtures', 'spectra');
const CUO_FILE = 'CuO_tenorite_13K_01.xdi';
const CU2S_FILE = 'Cu2S_13K_01.xdi';


interface Reference {
  id: string;
  energies: number[];
  mu: number[];
}

async function loadSeedAverages(): Promise<Reference[]> {
  const refs: Reference[] = [];
  for await (const batch of readOmnixasBatches(seedFile(path.join(PROJECT_ROOT, 'seed')))) {
    for (const s of batch.spectra) if (s.siteIndex === null) refs.push({ id: s.id, energies: s.energies, mu: s.mu });
  }
  return refs;
}

/** Gaussian broadening (FWHM eV) of a spectrum on its own, possibly uneven, energies (direct quadrature). */
function broaden(energies: readonly number[], mu: readonly number[], fwhm: number): number[] {
  const sigma = fwhm / 2.3548;
  const out = new Array<number>(mu.length);
  let lo = 0;
  for (let i = 0; i < energies.length; i++) {
    const e = energies[i]!;
    while (energies[lo]! < e - 3 * sigma) lo++;
    let s = 0;
    let w = 0;
    for (let j = lo; j < energies.length && energies[j]! <= e + 3 * sigma; j++) {
      const g = Math.exp(-0.5 * ((energies[j]! - e) / sigma) ** 2);
      s += g * mu[j]!;
      w += g;
    }
    out[i] = s / w;
  }
  return out;
}

/** SYNTHETIC catalogue spectrum `i`: a perturbed copy of seed site average i mod N, the same for the same i. */
function syntheticSpectrum(seed: readonly Reference[], i: number): { energies: number[]; mu: number[] } {
  const src = seed[i % seed.length]!;
  const r = seededRandom(SYNTHETIC_SEED ^ Math.imul(i + 1, 0x9e3779b1));
  const shift = (r() * 2 - 1) * 0.5;
  const fwhm = 0.5 + r();
  const amplitude = 1 + (r() * 2 - 1) * 0.05;
  const broadened = broaden(src.energies, src.mu, fwhm);
  const top = Math.max(...src.mu);
  return {
    energies: src.energies.map((e) => e + shift),
    mu: broadened.map((m) => amplitude * m + 0.005 * top * standardNormal(r)),
  };
}

/** Synthetic references built lazily: prepareReferences reads each one's energies and mu once. */
function syntheticReferences(seed: readonly Reference[], count: number): { id: string; energies: number[]; mu: number[] }[] {
  let cached: { i: number; spectrum: { energies: number[]; mu: number[] } } | null = null;
  const get = (i: number) => {
    if (cached?.i !== i) cached = { i, spectrum: syntheticSpectrum(seed, i) };
    return cached.spectrum;
  };
  return Array.from({ length: count }, (_, i) => ({
    id: `synthetic-${i}`,
    get energies() {
      return get(i).energies;
    },
    get mu() {
      return get(i).mu;
    },
  }));
}

/** `prepared` with its rows repeated to `count` references (same per-row work for rankEnsemble). */
function repeatPrepared(prepared: PreparedReferences, count: number): PreparedReferences {
  const n = prepared.count;
  const tile = <T extends Float32Array | Float64Array | Uint8Array>(src: T, width: number, make: (len: number) => T): T => {
    const out = make(count * width);
    for (let start = 0; start < count; start += n) {
      const rows = Math.min(n, count - start);
      out.set(src.subarray(0, rows * width), start * width);
    }
    return out;
  };
  const gridWidth = prepared.grid.length / Math.max(1, n);
  return {
    ...prepared,
    ids: Array.from({ length: count }, (_, i) => `synthetic-${i}`),
    count,
    halfStep: tile(prepared.halfStep, 1, (l) => new Float64Array(l)),
    grid: tile(prepared.grid, gridWidth, (l) => new Float32Array(l)),
    windows: prepared.windows.map((w) => ({ width: w.width, rows: tile(w.rows, w.width, (l) => new Float32Array(l)) })),
    usable: tile(prepared.usable, 1, (l) => new Uint8Array(l)),
    usableIndices: Uint32Array.from({ length: count }, (_, i) => i).filter((i) => prepared.usable[i % n] === 1),
    projected: tile(prepared.projected, prepared.rank, (l) => new Float32Array(l)),
    screenBias: tile(prepared.screenBias, 1, (l) => new Float32Array(l)),
  };
}

/** Bytes held by the prepared catalogue's typed arrays. */
function preparedBytes(p: PreparedReferences): number {
  return p.halfStep.byteLength + p.grid.byteLength + p.usable.byteLength + p.basis.byteLength + p.projected.byteLength +
    p.windows.reduce((s, w) => s + w.rows.byteLength, 0);
}

const MB = 2 ** 20;
const rssMB = (): number => process.memoryUsage().rss / MB;

/** One identification as the service runs it (without the database and the consensus vote). */
async function identifyOnce(input: SpectrumInput, prepared: PreparedReferences): Promise<number> {
  const spectrum = readInputSpectrum(input);
  const query = prepareQuery(spectrum.energies, spectrum.mu, { computed: spectrum.computed });
  return (await rankEnsemble(query, prepared, { top: 10 })).matches.length;
}

async function timeIdentify(input: SpectrumInput, prepared: PreparedReferences, repeats: number): Promise<number[]> {
  for (let k = 0; k < WARMUP; k++) await identifyOnce(input, prepared);
  const times: number[] = [];
  for (let k = 0; k < repeats; k++) {
    const start = performance.now();
    await identifyOnce(input, prepared);
    times.push(performance.now() - start);
  }
  return times;
}

/** A measured-like version of a computed spectrum: 50 eV of pre-edge, 0.5-eV steps, +2.7 eV, scaled, 1 % noise. */
function measuredLike(ref: Reference, seed: number): { energies: number[]; mu: number[] } {
  const r = seededRandom(seed);
  const broadened = broaden(ref.energies, ref.mu, 1.5);
  const start = ref.energies[0]! - 50;
  const end = ref.energies[ref.energies.length - 1]!;
  const energies: number[] = [];
  const mu: number[] = [];
  let j = 0;
  for (let e = start; e <= end; e += 0.5) {
    let m = 0;
    if (e >= ref.energies[0]!) {
      while (ref.energies[j + 1]! < e) j++;
      const t = (e - ref.energies[j]!) / (ref.energies[j + 1]! - ref.energies[j]!);
      m = broadened[j]! + t * (broadened[j + 1]! - broadened[j]!);
    }
    energies.push(e + 2.7);
    mu.push(0.8 * m + 0.3 - 2e-4 * (e - start) + 0.01 * standardNormal(r));
  }
  return { energies, mu };
}

/** The CuO measurement, as an in-situ series: spectrum k shifted by up to ±0.3 eV, with 0.3 % noise. */
function series(parsed: { energies: number[]; mu: number[] }, count: number): SpectrumInput[] {
  const r = seededRandom(SYNTHETIC_SEED + 1);
  const top = Math.max(...parsed.mu.map(Math.abs));
  return Array.from({ length: count }, () => {
    const shift = (r() * 2 - 1) * 0.3;
    return {
      energies: parsed.energies.map((e) => Math.round((e + shift) * 1000) / 1000),
      mu: parsed.mu.map((m) => Number((m + 0.003 * top * standardNormal(r)).toPrecision(6))),
      absorbingElement: 'Cu',
      edge: 'K',
    };
  });
}

interface Row {
  catalogue: string;
  input: string;
  times: number[];
  target: number | null;
}

const latencyRows: Row[] = [];
const prepareRows: (string | number)[][] = [];
const notes: string[] = [];

console.log(`xasgraph identification speed benchmark — ${machineSummary()}`);
const tSeed = performance.now();
const seed = await loadSeedAverages();
console.log(`seed: ${fmt(seed.length)} site-averaged spectra (${fmt(secondsSince(tSeed), 1)} s to read)\n`);

const cuoText = fs.readFileSync(path.join(FIXTURES, CUO_FILE), 'utf8');
const cu2sText = fs.readFileSync(path.join(FIXTURES, CU2S_FILE), 'utf8');
const perturbedIndex = Math.floor(seed.length / 2);
const perturbed = measuredLike(seed[perturbedIndex]!, 7);
const INPUTS: { name: string; input: SpectrumInput }[] = [
  { name: `${CUO_FILE} (measured, parsed each time)`, input: { file: cuoText } },
  { name: `perturbed ${seed[perturbedIndex]!.id} (arrays)`, input: { ...perturbed, absorbingElement: 'Cu', edge: 'K' } },
];

// ---- 1a. the seed ----
{
  const rss0 = rssMB();
  const start = performance.now();
  const prepared = prepareReferences(seed);
  prepareRows.push(['seed site averages', fmt(seed.length), fmt(secondsSince(start), 2), fmt(preparedBytes(prepared) / MB, 1), fmt(rssMB() - rss0, 0), 'prepared']);
  for (const { name, input } of INPUTS) latencyRows.push({ catalogue: `seed (${fmt(seed.length)})`, input: name, times: await timeIdentify(input, prepared, Math.max(REPEATS, 100)), target: TARGET_SEED_P50_MS });

  // ---- 2. a series against the seed ----
  const cuo = readInputSpectrum({ file: cuoText });
  const inputs = series(cuo, SERIES);
  await identifyOnce(inputs[0]!, prepared);
  const t = performance.now();
  for (const input of inputs) await identifyOnce(input, prepared);
  const seriesS = secondsSince(t);
  console.log(`series of ${fmt(SERIES)} spectra (${CUO_FILE} ±0.3 eV, 0.3 % noise; arrays) against the seed, in process:`);
  printTable(
    ['spectra', 'total s', 'spectra/s', 'ms/spectrum', `target (1,000 in ≤ ${TARGET_SERIES_S} s)`, 'total / target'],
    [[fmt(SERIES), fmt(seriesS, 2), fmt(SERIES / seriesS, 0), fmt((seriesS * 1000) / SERIES, 2), `≤ ${fmt((TARGET_SERIES_S * SERIES) / 1000, 1)} s`, `${fmt(seriesS / ((TARGET_SERIES_S * SERIES) / 1000), 2)}×`]],
  );
  console.log('');

  // ---- 3. ELSIE_REFERENCE vs ENSEMBLE, same inputs ----
  const labelled: LabelledSpectrum[] = seed.map((s) => ({ label: s.id, energies: s.energies, mu: s.mu }));
  const five: { name: string; spectrum: { energies: number[]; mu: number[]; computed: boolean } }[] = [
    { name: CUO_FILE, spectrum: cuo },
    { name: CU2S_FILE, spectrum: readInputSpectrum({ file: cu2sText }) },
    ...[0.2, 0.5, 0.8].map((f, k) => {
      const i = Math.floor(f * seed.length);
      return { name: `perturbed ${seed[i]!.id}`, spectrum: { ...measuredLike(seed[i]!, 100 + k), computed: false } };
    }),
  ];
  const rows: (string | number)[][] = [];
  for (const { name, spectrum } of five) {
    const ens: number[] = [];
    for (let k = 0; k < WARMUP + 20; k++) {
      const s0 = performance.now();
      await rankEnsemble(prepareQuery(spectrum.energies, spectrum.mu, { computed: spectrum.computed }), prepared, { top: 10 });
      if (k >= WARMUP) ens.push(performance.now() - s0);
    }
    const s1 = performance.now();
    elsieReferenceRank({ energies: spectrum.energies, mu: spectrum.mu }, labelled);
    const elsieMs = performance.now() - s1;
    const ensMs = quantile(ens, 0.5);
    rows.push([name, fmt(ensMs, 2), fmt(elsieMs, 0), `${fmt(elsieMs / ensMs, 0)}×`]);
  }
  console.log(`ELSIE_REFERENCE vs ENSEMBLE against the seed (${fmt(seed.length)}), ranking only (ENSEMBLE: prepareQuery + rankEnsemble, median of 20; ELSIE: one run):`);
  printTable(['input', 'ENSEMBLE ms', 'ELSIE_REFERENCE ms', 'ELSIE / ENSEMBLE'], rows);
  console.log('');
}

// ---- 1b/1c. synthetic catalogues ----
let preparedMax: PreparedReferences | null = null;
async function measureSynthetic(size: number): Promise<void> {
  const label = `SYNTHETIC ${fmt(size)}`;
  let prepared: PreparedReferences;
  const rss0 = rssMB();
  if (size <= PREPARE_MAX) {
    const start = performance.now();
    prepared = prepareReferences(syntheticReferences(seed, size));
    const seconds = secondsSince(start);
    prepareRows.push([label, fmt(size), fmt(seconds, 1), fmt(preparedBytes(prepared) / MB, 0), fmt(rssMB() - rss0, 0), 'prepared']);
    if (size === PREPARE_MAX) preparedMax = prepared;
  } else {
    if (!preparedMax) {
      const start = performance.now();
      preparedMax = prepareReferences(syntheticReferences(seed, PREPARE_MAX));
      notes.push(`prepared ${fmt(PREPARE_MAX)} synthetic spectra in ${fmt(secondsSince(start), 1)} s to repeat them`);
    }
    const start = performance.now();
    prepared = repeatPrepared(preparedMax, size);
    const perSpectrum = (Number(prepareRows.find((r) => r[0] === `SYNTHETIC ${fmt(PREPARE_MAX)}`)?.[2] ?? Number.NaN) / PREPARE_MAX) * size;
    prepareRows.push([
      label, fmt(size), `(≈${fmt(perSpectrum, 0)}, extrapolated)`, fmt(preparedBytes(prepared) / MB, 0), fmt(rssMB() - rss0, 0),
      `rows of the ${fmt(PREPARE_MAX)} repeated (${fmt(secondsSince(start), 1)} s); not prepareReferences`,
    ]);
  }
  for (const { name, input } of INPUTS) {
    latencyRows.push({ catalogue: label, input: name, times: await timeIdentify(input, prepared, REPEATS), target: size === 100_000 ? TARGET_100K_P50_MS : null });
  }
}
// One size at a time, so a large prepared catalogue can go before the next one is built.
for (const size of SYNTHETIC_SIZES) await measureSynthetic(size);
preparedMax = null;

console.log('prepareReferences (once per catalogue; memory = its typed arrays, and the process RSS growth):');
printTable(['catalogue', 'spectra', 'prepare s', 'prepared MB', 'RSS +MB', 'how'], prepareRows);
console.log('');
console.log(`one identification in process (readInputSpectrum + prepareQuery + rankEnsemble top 10; ${WARMUP} warm-up runs):`);
printTable(
  ['catalogue', 'input', 'runs', 'p50 ms', 'p95 ms', 'target p50', 'p50 / target'],
  latencyRows.map((r) => {
    const p50 = quantile(r.times, 0.5);
    return [r.catalogue, r.input, r.times.length, fmt(p50, 2), fmt(quantile(r.times, 0.95), 2), r.target === null ? '–' : `≤ ${r.target} ms`, r.target === null ? '–' : `${fmt(p50 / r.target, 2)}×`];
  }),
);
console.log('');

// ---- 4. over HTTP ----
if (HTTP_REQUESTS > 0) {
  const keepDataDir = Boolean(process.env.BENCH_DATA_DIR);
  const dataDir = process.env.BENCH_DATA_DIR ? path.resolve(process.env.BENCH_DATA_DIR) : makeTempDir('xasgraph-bench-identify');
  let service: BenchService | null = null;
  const httpRows: (string | number)[][] = [];
  try {
    await withCleanup(
      async () => {
        if (service) notes.push(...(await service.stop()));
        if (!keepDataDir) removeDir(dataDir);
      },
      async () => {
        fs.mkdirSync(dataDir, { recursive: true });
        const started = performance.now();
        const bodyLimit = 10 * 2 ** 20;
        const seriesInputs = series(readInputSpectrum({ file: cuoText }), SERIES);
        const seriesBody = JSON.stringify({
          query: 'query Series($inputs: [SpectrumInput!]!) { identifySpectra(inputs: $inputs, options: { top: 5 }) { confident matches { rank score material { id formula } } oxidationState { value confidence } } }',
          variables: { inputs: seriesInputs },
        });
        // The deployed default body limit is 10 MiB; a larger series body gets a larger limit (said below).
        const env: Record<string, string> = Buffer.byteLength(seriesBody) > bodyLimit ? { MAX_BODY_BYTES: String(2 * Buffer.byteLength(seriesBody)) } : {};
        if (env.MAX_BODY_BYTES) notes.push(`the identifySpectra body (${fmt(Buffer.byteLength(seriesBody) / MB, 1)} MB) is over the 10 MiB default: MAX_BODY_BYTES=${env.MAX_BODY_BYTES}`);
        service = await startBenchService(PROJECT_ROOT, dataDir, env);
        notes.push(`service ready after ${fmt(secondsSince(started), 1)} s (a first start creates the cluster and seeds the catalogue); data in ${dataDir}${keepDataDir ? ' (kept)' : ''}`);
        const base = service.base;

        const graphqlBody = JSON.stringify({ query: IDENTIFY_QUERY, variables: { input: { file: cuoText } } });
        const postGraphql = async (body: string): Promise<number> => {
          const start = performance.now();
          const res = await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
          const text = await res.text();
          const ms = performance.now() - start;
          const parsed = JSON.parse(text) as { errors?: { message: string }[] };
          if (res.status !== 200 || parsed.errors) throw new Error(`POST /graphql: HTTP ${res.status}: ${text.slice(0, 500)}`);
          return ms;
        };
        const postUpload = async (): Promise<number> => {
          const form = new FormData();
          form.append('file', new Blob([cuoText]), CUO_FILE);
          const start = performance.now();
          const res = await fetch(`${base}/identify`, { method: 'POST', body: form });
          const text = await res.text();
          const ms = performance.now() - start;
          const parsed = JSON.parse(text) as { errors?: { message: string }[] };
          if (res.status !== 200 || parsed.errors) throw new Error(`POST /identify: HTTP ${res.status}: ${text.slice(0, 500)}`);
          return ms;
        };
        const sequential = async (fn: () => Promise<number>): Promise<number[]> => {
          for (let k = 0; k < Math.min(10, HTTP_REQUESTS); k++) await fn(); // warm-up (the first builds the prepared catalogue)
          const times: number[] = [];
          for (let k = 0; k < HTTP_REQUESTS; k++) times.push(await fn());
          return times;
        };
        const gq = await sequential(() => postGraphql(graphqlBody));
        httpRows.push([`identifySpectrum, ${CUO_FILE} (POST /graphql)`, gq.length, fmt(quantile(gq, 0.5), 1), fmt(quantile(gq, 0.95), 1), fmt(gq.length / (gq.reduce((a, b) => a + b, 0) / 1000), 1)]);
        const up = await sequential(postUpload);
        httpRows.push([`POST /identify, ${CUO_FILE} (multipart)`, up.length, fmt(quantile(up, 0.5), 1), fmt(quantile(up, 0.95), 1), fmt(up.length / (up.reduce((a, b) => a + b, 0) / 1000), 1)]);
        const ms = await postGraphql(seriesBody);
        httpRows.push([`identifySpectra, ${fmt(SERIES)} inputs in one request (${fmt(Buffer.byteLength(seriesBody) / MB, 1)} MB body)`, 1, fmt(ms, 0), '–', `${fmt(SERIES / (ms / 1000), 0)} spectra/s`]);
      },
    );
  } catch (err) {
    notes.push(`HTTP part failed: ${(err as Error).message}`);
  }
  if (httpRows.length > 0) {
    console.log(`over HTTP (service NODE_ENV=${process.env.NODE_ENV ?? 'production'}, sequential requests from this process, ${fmt(Math.min(10, HTTP_REQUESTS))} warm-up):`);
    printTable(['request', 'requests', 'p50 ms', 'p95 ms', 'requests/s'], httpRows);
    console.log('');
  }
}

console.log(`SYNTHETIC catalogues are perturbed copies of the seed's site averages (seed ${SYNTHETIC_SEED}); they say nothing about accuracy.`);
for (const note of notes) console.log(`- ${note}`);
