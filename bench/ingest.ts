// `npm run bench:ingest`: how fast the catalogue's bulk writer (src/catalog/sql.ts) loads spectra.
//
// Starts a fresh embedded PostgreSQL in a temporary folder on a free port, applies the migrations, then
// measures
//   (a) the bundled seed (seed/omnixas-cu-feff/materials.jsonl.gz: 2,697 materials, 7,822 spectra), end to
//       end (seedCatalog) and split into parse (gunzip + JSON + zod + site averaging) and write;
//   (b) a SYNTHETIC catalogue of 100,000 site spectra, perturbed copies of the seed's site spectra (fixed
//       random seed; ids `synthetic-000123-<source material id>`, provenance says synthetic), written into
//       the seeded database;
//   (c) seeding again when everything is there already (idempotent: 0 inserted).
// It checks on the way that what was written reads back exactly (counts, every spectrum's floats).
// Prints a table; never passes or fails. The server, its folder and its port are removed at the end, also
// on error or Ctrl-C.
import type pg from 'pg';
import { MATERIALS_PER_TRANSACTION, readOmnixasBatches, seedCatalog, seedFile } from '../src/catalog/seed.ts';
import { type CatalogBatch, type MaterialRecord, type SpectrumRecord, emptyBatch, spectrumId } from '../src/catalog/records.ts';
import { type WriteCounts, writeCatalogBatch } from '../src/catalog/sql.ts';
import { PROJECT_ROOT } from '../src/config.ts';
import { type Database, connectDatabase } from '../src/db/client.ts';
import { type EmbeddedDatabase, startEmbeddedPostgres } from '../src/db/embedded.ts';
import { applyMigrations } from '../src/db/migrate.ts';
import { MIGRATIONS_DIR } from '../src/db/open.ts';
import { logger } from '../src/logger.ts';
import { fmt, freePort, machineSummary, makeTempDir, median, printTable, removeDir, secondsSince, seededRandom, standardNormal, withCleanup } from './support.ts';
import path from 'node:path';

/** Repeats of the cheap measurements (the median is reported). */
const REPEATS = Number(process.env.BENCH_REPEATS ?? 5);
/** Site spectra in the synthetic catalogue. */
const SYNTHETIC_SPECTRA = Number(process.env.BENCH_SYNTHETIC_SPECTRA ?? 100_000);
/** Seed of the synthetic catalogue's random numbers, so every run writes the same rows. */
const SYNTHETIC_RANDOM_SEED = 20_261_126;
/** Largest energy shift of a synthetic spectrum (uniform in ±this, eV) and relative mu noise (1 σ). */
const SYNTHETIC_MAX_SHIFT_EV = 0.5;
const SYNTHETIC_MU_NOISE = 0.01;
/** The throughput the writer should reach (spectra per second). */
const TARGET_SPECTRA_PER_S = 5000;

const SEED_DIR = path.join(PROJECT_ROOT, 'seed');
const SYNTHETIC_PROVENANCE = {
  source:
    'SYNTHETIC benchmark data from bench/ingest.ts: a perturbed copy (random energy shift, noise on mu) of an OmniXAS Cu K-edge FEFF material; not a real material, not a real spectrum',
  license: 'BSD-3-Clause (derived from OmniXAS, Brookhaven Science Associates); Materials Project structures CC-BY-4.0',
};

interface Row {
  case: string;
  spectra: number;
  repeats: number;
  seconds: number[];
  inserted: number;
}

const log = logger.child({ bench: 'ingest' }, { level: process.env.LOG_LEVEL ?? 'warn' });
const rows: Row[] = [];
const checks: string[] = [];

const tempDir = makeTempDir('xasgraph-bench-ingest');
let server: EmbeddedDatabase | null = null;
let db: Database | null = null;

await withCleanup(
  async () => {
    await db?.close().catch(() => undefined);
    await server?.stop().catch((err: unknown) => console.error(`could not stop PostgreSQL: ${(err as Error).message}`));
    removeDir(tempDir);
  },
  async () => {
    const port = await freePort();
    console.log(`xasgraph ingest benchmark — ${machineSummary()}`);
    console.log(`embedded PostgreSQL in ${tempDir} on port ${port}; median of ${REPEATS} repeats where repeated\n`);
    server = await startEmbeddedPostgres(tempDir, port, log);
    db = connectDatabase(server.url);
    await applyMigrations(db.pool, MIGRATIONS_DIR);
    await run(db.pool);
  },
);
report();

async function run(pool: pg.Pool): Promise<void> {
  const file = seedFile(SEED_DIR);

  // (a) parse only: everything up to the rows, nothing written.
  let batches: CatalogBatch[] = [];
  const parseSeconds: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const start = performance.now();
    batches = [];
    for await (const batch of readOmnixasBatches(file)) batches.push(batch);
    parseSeconds.push(secondsSince(start));
  }
  const seedSpectra = batches.reduce((n, b) => n + b.spectra.length, 0);
  rows.push({ case: 'seed: parse only (gunzip, JSON, zod, averaging)', spectra: seedSpectra, repeats: REPEATS, seconds: parseSeconds, inserted: 0 });

  // (a) write only: the parsed batches into empty tables.
  const writeSeconds: number[] = [];
  let writeInserted = 0;
  for (let i = 0; i < REPEATS; i++) {
    await emptyCatalog(pool);
    const start = performance.now();
    let inserted = 0;
    for (const batch of batches) inserted += (await writeCatalogBatch(pool, batch)).spectra;
    writeSeconds.push(secondsSince(start));
    writeInserted = inserted;
  }
  rows.push({ case: 'seed: write only (writeCatalogBatch)', spectra: seedSpectra, repeats: REPEATS, seconds: writeSeconds, inserted: writeInserted });

  // (a) end to end, as `npm run seed` and the first start do.
  const seedSeconds: number[] = [];
  let seedInserted = 0;
  for (let i = 0; i < REPEATS; i++) {
    await emptyCatalog(pool);
    const start = performance.now();
    const result = await seedCatalog(pool, SEED_DIR);
    seedSeconds.push(secondsSince(start));
    seedInserted = result.inserted.spectra;
  }
  rows.push({ case: 'seed: end to end (seedCatalog)', spectra: seedSpectra, repeats: REPEATS, seconds: seedSeconds, inserted: seedInserted });
  await checkSeeded(pool, batches);

  // (c) seeding again: every row is there, nothing may change.
  const againSeconds: number[] = [];
  let againInserted: WriteCounts = { materials: 0, sites: 0, spectra: 0 };
  for (let i = 0; i < REPEATS; i++) {
    const start = performance.now();
    againInserted = (await seedCatalog(pool, SEED_DIR)).inserted;
    againSeconds.push(secondsSince(start));
  }
  rows.push({ case: 'seed again (idempotent, into the seeded DB)', spectra: seedSpectra, repeats: REPEATS, seconds: againSeconds, inserted: againInserted.spectra });
  checks.push(
    `second seed inserted ${againInserted.materials} materials, ${againInserted.sites} sites, ${againInserted.spectra} spectra` +
      (againInserted.materials + againInserted.sites + againInserted.spectra === 0 ? ' (idempotent: ok)' : ' (NOT idempotent)'),
  );

  // (b) synthetic catalogue, written into the seeded database; generation is timed apart from writing.
  let generateSeconds = 0;
  let syntheticWriteSeconds = 0;
  let syntheticInserted = 0;
  let syntheticSpectra = 0;
  let syntheticMaterials = 0;
  const generator = syntheticBatches(batches, SYNTHETIC_SPECTRA);
  for (;;) {
    let start = performance.now();
    const next = generator.next();
    generateSeconds += secondsSince(start);
    if (next.done) break;
    start = performance.now();
    const counts = await writeCatalogBatch(pool, next.value);
    syntheticWriteSeconds += secondsSince(start);
    syntheticInserted += counts.spectra;
    syntheticSpectra += next.value.spectra.length;
    syntheticMaterials += next.value.materials.length;
  }
  rows.push({
    case: `synthetic: ${fmt(syntheticMaterials)} materials, site spectra only (write)`,
    spectra: syntheticSpectra,
    repeats: 1,
    seconds: [syntheticWriteSeconds],
    inserted: syntheticInserted,
  });
  checks.push(`synthetic catalogue generated in ${generateSeconds.toFixed(2)} s (not counted above)`);
  const counts = await countRows(pool);
  checks.push(`after all: ${fmt(counts.materials)} materials, ${fmt(counts.sites)} absorbing sites, ${fmt(counts.spectra)} spectra; database ${counts.size}`);
}

function report(): void {
  printTable(
    ['case', 'spectra', 'repeats', 'median s', 'min s', 'max s', 'spectra/s', `vs ${fmt(TARGET_SPECTRA_PER_S)}/s`, 'inserted'],
    rows.map((r) => {
      const m = median(r.seconds);
      return [
        r.case,
        fmt(r.spectra),
        r.repeats,
        m.toFixed(3),
        Math.min(...r.seconds).toFixed(3),
        Math.max(...r.seconds).toFixed(3),
        fmt(r.spectra / m),
        `${(r.spectra / m / TARGET_SPECTRA_PER_S).toFixed(2)}×`,
        fmt(r.inserted),
      ];
    }),
  );
  console.log('');
  for (const check of checks) console.log(`- ${check}`);
}

/** Remove every catalogue row (between repeats). */
async function emptyCatalog(pool: pg.Pool): Promise<void> {
  await pool.query('TRUNCATE "spectrum", "absorbing_site", "material"');
}

async function countRows(pool: pg.Pool): Promise<{ materials: number; sites: number; spectra: number; size: string }> {
  const { rows } = await pool.query<{ materials: string; sites: string; spectra: string; size: string }>(
    `SELECT (SELECT count(*) FROM "material")::text AS materials, (SELECT count(*) FROM "absorbing_site")::text AS sites,
            (SELECT count(*) FROM "spectrum")::text AS spectra, pg_size_pretty(pg_database_size(current_database())) AS size`,
  );
  const r = rows[0]!;
  return { materials: Number(r.materials), sites: Number(r.sites), spectra: Number(r.spectra), size: r.size };
}

/** The seeded database holds exactly the parsed rows: counts, and every spectrum's floats bit for bit. */
async function checkSeeded(pool: pg.Pool, batches: readonly CatalogBatch[]): Promise<void> {
  const expected = new Map<string, SpectrumRecord>();
  let materials = 0;
  let sites = 0;
  for (const batch of batches) {
    materials += batch.materials.length;
    sites += batch.sites.length;
    for (const spectrum of batch.spectra) expected.set(spectrum.id, spectrum);
  }
  const counts = await countRows(pool);
  const countsOk = counts.materials === materials && counts.sites === sites && counts.spectra === expected.size;
  checks.push(
    `seeded: ${fmt(counts.materials)} materials, ${fmt(counts.sites)} absorbing sites, ${fmt(counts.spectra)} spectra ` +
      `(expected ${fmt(materials)}, ${fmt(sites)}, ${fmt(expected.size)}: ${countsOk ? 'ok' : 'MISMATCH'})`,
  );
  const { rows } = await pool.query<{ id: string; energies: number[]; mu: number[]; e0: number | null }>(
    'SELECT id, energies, mu, e0 FROM "spectrum"',
  );
  const differing: string[] = [];
  for (const row of rows) {
    const want = expected.get(row.id);
    if (!want || !sameFloats(row.energies, want.energies) || !sameFloats(row.mu, want.mu) || !Object.is(row.e0, want.e0)) {
      differing.push(row.id);
    }
  }
  const values = rows.reduce((n, r) => n + r.energies.length + r.mu.length, 0);
  checks.push(
    `round trip: ${fmt(rows.length)} spectra, ${fmt(values)} floats read back; ` +
      (differing.length === 0 ? 'all bit-identical to the source' : `${differing.length} DIFFER, e.g. ${differing.slice(0, 3).join(', ')}`),
  );
}

function sameFloats(a: readonly number[] | null, b: readonly number[]): boolean {
  if (!a || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}



/**
 * Batches of synthetic materials until `spectraWanted` site spectra: copy n of a seed material (cycling
 * through those with site spectra) gets the id `synthetic-<n, 6 digits>-<source id>`, its structure and
 * absorbing sites unchanged, and each site spectrum shifted in energy by a uniform ±0.5 eV with 1 % gaussian
 * noise on mu. No site-averaged spectra (only site spectra are counted).
 */
function* syntheticBatches(seed: readonly CatalogBatch[], spectraWanted: number): Generator<CatalogBatch> {
  const random = seededRandom(SYNTHETIC_RANDOM_SEED);
  const normal = () => standardNormal(random);
  const sources: { material: MaterialRecord; sites: CatalogBatch['sites']; spectra: SpectrumRecord[] }[] = [];
  const byMaterial = new Map<string, (typeof sources)[number]>();
  for (const batch of seed) {
    for (const material of batch.materials) byMaterial.set(material.id, { material, sites: [], spectra: [] });
    for (const site of batch.sites) byMaterial.get(site.materialId)!.sites.push(site);
    for (const spectrum of batch.spectra) if (spectrum.siteIndex !== null) byMaterial.get(spectrum.materialId)!.spectra.push(spectrum);
  }
  for (const source of byMaterial.values()) if (source.spectra.length > 0) sources.push(source);

  let made = 0;
  let batch = emptyBatch();
  for (let n = 0; made < spectraWanted; n++) {
    const source = sources[n % sources.length]!;
    const materialId = `synthetic-${String(n).padStart(6, '0')}-${source.material.id}`;
    batch.materials.push({
      ...source.material,
      id: materialId,
      siteAverageNote: 'no site-averaged spectrum: synthetic benchmark material (site spectra only)',
      provenanceSource: SYNTHETIC_PROVENANCE.source,
      provenanceLicense: SYNTHETIC_PROVENANCE.license,
      provenanceUrl: null,
    });
    for (const site of source.sites) batch.sites.push({ ...site, materialId });
    for (const spectrum of source.spectra) {
      if (made >= spectraWanted) break;
      const shift = (2 * random() - 1) * SYNTHETIC_MAX_SHIFT_EV;
      batch.spectra.push({
        ...spectrum,
        id: spectrumId(materialId, spectrum.spectrumType, spectrum.absorbingElement, spectrum.edge, spectrum.siteIndex),
        materialId,
        energies: spectrum.energies.map((e) => e + shift),
        mu: spectrum.mu.map((m) => m * (1 + SYNTHETIC_MU_NOISE * normal())),
        e0: spectrum.e0 === null ? null : spectrum.e0 + shift,
      });
      made++;
    }
    if (batch.materials.length >= MATERIALS_PER_TRANSACTION) {
      yield batch;
      batch = emptyBatch();
    }
  }
  if (batch.materials.length > 0) yield batch;
}
