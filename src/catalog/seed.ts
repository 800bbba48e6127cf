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

/** Materials written per transaction. */
const MATERIALS_PER_TRANSACTION = 250;
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

/** Load the seed catalogue; `onProgress` is called after each transaction. */
export async function seedCatalog(
  pool: pg.Pool,
  seedDir: string,
  onProgress: (progress: SeedProgress) => void = () => undefined,
): Promise<SeedProgress> {
  const progress: SeedProgress = { materialsRead: 0, inserted: { materials: 0, sites: 0, spectra: 0 } };
  for await (const batch of readOmnixasBatches(seedFile(seedDir))) {
    const counts = await writeCatalogBatch(pool, batch);
    progress.materialsRead += batch.materials.length;
    progress.inserted.materials += counts.materials;
    progress.inserted.sites += counts.sites;
    progress.inserted.spectra += counts.spectra;
    onProgress(progress);
  }
  return progress;
}
