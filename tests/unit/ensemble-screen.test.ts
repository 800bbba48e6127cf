// The two-stage search (cheap screen over every reference, full ensemble on the finalists) returns the same top 10
// as the exhaustive search, on the whole seed catalogue (2,523 OmniXAS FEFF site averages) for SYNTHETIC
// measurements of 40 materials spread over it (issue 3: "tests prove it").
import { omnixasToCatalog, parseOmnixasRecord } from '../../src/catalog/omnixas.ts';
import { prepareQuery, prepareReferences, rankEnsemble, type PreparedReferences } from '../../src/spectra/ensemble/index.ts';
import { seedRecords } from '../support/seed.ts';
import { measure } from '../support/synthetic-measurement.ts';

let refs: { id: string; energies: number[]; mu: number[] }[];
let prepared: PreparedReferences;

beforeAll(() => {
  refs = seedRecords().flatMap((record) => {
    const avg = omnixasToCatalog(parseOmnixasRecord(record)).spectra.find((s) => s.siteIndex === null);
    return avg ? [{ id: avg.materialId, energies: avg.energies, mu: avg.mu }] : [];
  });
  prepared = prepareReferences(refs);
}, 120_000);

test('screen + ensemble equals the exhaustive ensemble, top 10, for 40 queries against the whole catalogue', () => {
  expect(refs).toHaveLength(2523);
  const step = Math.floor(refs.length / 40);
  const differing: string[] = [];
  let selfFirst = 0;
  for (let q = 0; q < 40; q++) {
    const k = q * step;
    const m = measure(refs[k]!, ((q % 9) - 4) * 1.1, q + 1);
    const query = prepareQuery(m.energies, m.mu);
    const twoStage = rankEnsemble(query, prepared, { top: 10 }).matches.map((x) => x.index);
    const exhaustive = rankEnsemble(query, prepared, { top: 10, exhaustive: true }).matches.map((x) => x.index);
    if (twoStage.join() !== exhaustive.join()) differing.push(refs[k]!.id);
    if (exhaustive[0] === k) selfFirst++;
  }
  expect(differing).toEqual([]);
  expect(selfFirst).toBeGreaterThanOrEqual(36);
}, 120_000);
