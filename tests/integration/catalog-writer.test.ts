// The bulk writer (src/catalog/sql.ts) on a scratch database: idempotent, all-or-nothing per batch,
// duplicate keys inside one batch resolved like one row at a time, doubles stored bit for bit.
import pg from 'pg';
import { type CatalogBatch, type MaterialRecord, type SpectrumRecord } from '../../src/catalog/records.ts';
import { writeCatalogBatch } from '../../src/catalog/sql.ts';
import { type ScratchDatabase, createScratchDatabase } from '../support/scratch-db.ts';

let database: ScratchDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  database = await createScratchDatabase();
  pool = new pg.Pool({ connectionString: database.url, max: 3 });
});

afterAll(async () => {
  await pool.end();
  await database.drop();
});

const material = (id: string): MaterialRecord => ({
  id, formula: 'CuO', compositionKey: 'Cu1O1', elements: ['Cu', 'O'], chemsys: 'Cu-O', nsites: 2,
  lattice: [3, 0, 0, 0, 3, 0, 0, 0, 3], species: ['Cu', 'O'], fracCoords: [0, 0, 0, 0.5, 0.5, 0.5], volume: 27,
  spacegroupSymbol: 'Pm-3m', spacegroupNumber: 221, split: null, siteAverageNote: null,
  provenanceSource: 'test rows written by tests/integration/catalog-writer.test.ts', provenanceLicense: 'none', provenanceUrl: null,
});

const spectrum = (materialId: string, siteIndex: number, mu: number[]): SpectrumRecord => ({
  id: `${materialId}-XANES-Cu-K-site${siteIndex}`, materialId, absorbingElement: 'Cu', edge: 'K', spectrumType: 'XANES',
  method: 'FEFF', siteIndex, energies: mu.map((_, i) => 8980 + i), mu, uncertainty: [], e0: null, averagedSites: null, modelVersion: null,
});

const batch = (parts: Partial<CatalogBatch>): CatalogBatch => ({ materials: [], sites: [], spectra: [], ...parts });

const count = async (table: string) => Number((await pool.query(`SELECT count(*) FROM "${table}"`)).rows[0].count);

test('writing the same batch twice inserts once', async () => {
  const rows = batch({ materials: [material('w-1')], spectra: [spectrum('w-1', 0, [0.1, 0.2]), spectrum('w-1', 1, [0.3, 0.4])] });
  expect(await writeCatalogBatch(pool, rows)).toEqual({ materials: 1, sites: 0, spectra: 2 });
  expect(await writeCatalogBatch(pool, rows)).toEqual({ materials: 0, sites: 0, spectra: 0 });
  expect(await count('spectrum')).toBe(2);
});

test('a key twice in one batch, and a batch partly present, count each new row once', async () => {
  const twice = spectrum('w-1', 2, [1, 2]);
  const result = await writeCatalogBatch(pool, batch({ materials: [material('w-1'), material('w-2')], spectra: [spectrum('w-1', 0, [9, 9]), twice, twice, spectrum('w-2', 0, [5, 6])] }));
  expect(result).toEqual({ materials: 1, sites: 0, spectra: 2 });
  const { rows } = await pool.query(`SELECT id, mu FROM "spectrum" WHERE id IN ('w-1-XANES-Cu-K-site0', 'w-1-XANES-Cu-K-site2') ORDER BY id`);
  expect(rows).toEqual([
    { id: 'w-1-XANES-Cu-K-site0', mu: [0.1, 0.2] }, // existing rows are never overwritten
    { id: 'w-1-XANES-Cu-K-site2', mu: [1, 2] },
  ]);
});

test('a failing batch leaves nothing of itself behind', async () => {
  const before = { materials: await count('material'), spectra: await count('spectrum') };
  const broken = batch({ materials: [material('w-3')], spectra: [spectrum('w-3', 0, [1, 2]), spectrum('w-missing', 0, [1, 2])] });
  await expect(writeCatalogBatch(pool, broken)).rejects.toThrow(/foreign key/);
  expect({ materials: await count('material'), spectra: await count('spectrum') }).toEqual(before);
});

test('doubles are stored bit for bit', async () => {
  const values = [0.1 + 0.2, -0, 1e-300, 5e-324, 123456.789012345, -8979.999999999998];
  await writeCatalogBatch(pool, batch({ materials: [material('w-4')], spectra: [spectrum('w-4', 0, values)] }));
  const { rows } = await pool.query(`SELECT mu::text[] AS mu FROM "spectrum" WHERE id = 'w-4-XANES-Cu-K-site0'`);
  expect(rows[0].mu.map(Number)).toEqual(values);
  expect(Object.is(Number(rows[0].mu[1]), -0)).toBe(true);
});
