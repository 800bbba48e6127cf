import { INCOMPLETE_SITES_NOTE, NO_SPECTRA_NOTE, omnixasToCatalog, parseOmnixasRecord } from '../../src/catalog/omnixas.ts';
import { seedRecords } from '../support/seed.ts';

test('the seed converts to the counts its README gives', () => {
  const batches = seedRecords().map((r) => omnixasToCatalog(parseOmnixasRecord(r)));
  const materials = batches.flatMap((b) => b.materials);
  const spectra = batches.flatMap((b) => b.spectra);
  expect(materials).toHaveLength(2697);
  expect(batches.flatMap((b) => b.sites)).toHaveLength(5299);
  expect(spectra.filter((s) => s.siteIndex !== null)).toHaveLength(5299);
  // weights_symprec: 0.1 for 2,467 and 0.01 for 56 materials with spectra; null for 66.
  expect(spectra.filter((s) => s.siteIndex === null)).toHaveLength(2467 + 56);
  expect(materials.filter((m) => m.siteAverageNote === INCOMPLETE_SITES_NOTE)).toHaveLength(66);
  expect(materials.filter((m) => m.siteAverageNote === NO_SPECTRA_NOTE)).toHaveLength(108);
  expect(new Set(spectra.map((s) => s.id)).size).toBe(spectra.length);
});

test('spectrum ids follow the Materials Project form', () => {
  const record = seedRecords().find((r) => r.material_id === 'mp-1005792');
  const batch = omnixasToCatalog(parseOmnixasRecord(record));
  expect(batch.spectra.map((s) => s.id)).toEqual(['mp-1005792-XANES-Cu-K-site8', 'mp-1005792-XANES-Cu-K']);
  expect(batch.spectra[1]).toMatchObject({ averagedSites: 1, e0: 8996.412 });
});

test('a malformed record names the field at fault', () => {
  const record = structuredClone(seedRecords()[0]);
  record.absorbing_sites[0].spectrum.mu = 'none';
  expect(() => parseOmnixasRecord(record)).toThrow(/absorbing_sites\.0\.spectrum\.mu/);
});
