// Loads the bundled seed catalogue (seed/omnixas-cu-feff/materials.jsonl.gz) into the database.
// Idempotent: rows already present are left as they are, so a second run inserts nothing.
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import zlib from 'node:zlib';
import type pg from 'pg';
import { omnixasToCatalog, parseOmnixasRecord } from './omnixas.ts';
import { type CatalogBatch, emptyBatch } from './records.ts';
import { type WriteCounts, writeCatalogBatch } from './sql.ts';

/** Materials written per transaction (~2,900 spectra, ~8 MB of COPY data): fewer, bigger transactions load
 * faster (measured on 2 cores: 1,000 beat 100, 250 and 600; 2,000 leaves too little to overlap with parsing). */
export const MATERIALS_PER_TRANSACTION = 1000;
/** Materials in the bundled file (seed/omnixas-cu-feff/README.md), for progress before the end is known. */
export const SEED_MATERIAL_COUNT = 2697;

export const seedFile = (seedDir: string) => path.join(seedDir, 'omnixas-cu-feff', 'materials.jsonl.gz');

export interface SeedProgress {
  materialsRead: number;
  inserted: WriteCounts;
}

/** Read the OmniXAS JSON lines of `file` (gzip), batch by batch. */
export async function* readOmnixasBatches(file: string, materialsPerBatch = MATERIALS_PER_TRANSACTION): AsyncGenerator<CatalogBatch> {
  const lines = readline.createInterface({ input: fs.createReadStream(file).pipe(zlib.createGunzip()), crlfDelay: Infinity });
  let batch = emptyBatch();
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber++;
    if (!line.trim()) continue;
    let rows: CatalogBatch;
    try {
      rows = omnixasToCatalog(parseOmnixasRecord(JSON.parse(line)));
    } catch (err) {
      throw new Error(`${file}:${lineNumber}: ${(err as Error).message}`);
    }
    batch.materials.push(...rows.materials);
    batch.sites.push(...rows.sites);
    batch.spectra.push(...rows.spectra);
    if (batch.materials.length >= materialsPerBatch) {
      yield batch;
      batch = emptyBatch();
    }
  }
  if (batch.materials.length > 0) yield batch;
}

/** Load the seed catalogue; `onProgress` is called after each transaction. Reading and writing overlap:
 * the next batch is parsed (CPU here) while the previous one is written (mostly work in PostgreSQL), one
 * transaction at a time, in file order. */
export async function seedCatalog(
  pool: pg.Pool,
  seedDir: string,
  onProgress: (progress: SeedProgress) => void = () => undefined,
): Promise<SeedProgress> {
  const progress: SeedProgress = { materialsRead: 0, inserted: { materials: 0, sites: 0, spectra: 0 } };
  const write = async (batch: CatalogBatch) => {
    const counts = await writeCatalogBatch(pool, batch);
    progress.materialsRead += batch.materials.length;
    progress.inserted.materials += counts.materials;
    progress.inserted.sites += counts.sites;
    progress.inserted.spectra += counts.spectra;
    onProgress(progress);
  };
  // The write in flight, settled into a result so that a failure waits for us rather than going unhandled.
  let writing: Promise<{ error: unknown } | null> = Promise.resolve(null);
  const settled = (batch: CatalogBatch) => write(batch).then(() => null, (error: unknown) => ({ error }));
  let failure: { error: unknown } | null = null;
  try {
    for await (const batch of readOmnixasBatches(seedFile(seedDir))) {
      failure = await writing;
      if (failure) break;
      writing = settled(batch);
    }
  } catch (error) {
    failure = { error }; // a read error: the write in flight still finishes before we report it
  }
  const last = await writing;
  failure ??= last;
  if (failure) throw failure.error;
  return progress;
}
