// ELSIE_REFERENCE parity: our reproduction of the reference ELSIE (veidt/elsie) must give exactly the Borda counts,
// energy shifts and top-10 order that the reference itself computed on real inputs
// (tests/fixtures/elsie-reference/README.md: 5 queries × 120 FEFF Cu K-edge references × 33 learners).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { ELSIE_LEARNERS, elsieReferenceRank, type LabelledSpectrum, type XySpectrum } from '../../src/spectra/elsie/index.ts';

interface ReferenceFile {
  learners: [string[], string][];
  references: LabelledSpectrum[];
  queries: (XySpectrum & { name: string; how: string })[];
  results: { query: string; borda: Record<string, number>; energy_shift: Record<string, number>; top10_by_borda: string[] }[];
}

const here = dirname(fileURLToPath(import.meta.url));
const data = JSON.parse(
  gunzipSync(readFileSync(join(here, '../fixtures/elsie-reference/elsie_reference.json.gz'))).toString('utf8'),
) as ReferenceFile;
const results = data.queries.map((q) => elsieReferenceRank(q, data.references));

describe('ELSIE_REFERENCE reproduces the reference implementation', () => {
  test('the fixture is what its README says', () => {
    expect(data.references).toHaveLength(120);
    expect(data.queries).toHaveLength(5);
    expect(data.results.map((r) => r.query)).toEqual(data.queries.map((q) => q.name));
  });

  test('the 33 learners are the reference’s, in its order', () => {
    expect(ELSIE_LEARNERS.map((l) => [[...l.chain], l.metric])).toEqual(data.learners);
  });

  describe.each(data.queries.map((q, i) => [q.name, i] as const))('query %s', (_name, qi) => {
    const expected = data.results[qi]!;
    const result = results[qi]!;

    test('every Borda count equals the reference’s exactly', () => {
      expect(Object.fromEntries(result.borda)).toEqual(expected.borda);
    });

    test('the ranking starts with the reference’s top 10, in order', () => {
      expect(result.ranking.slice(0, 10).map((r) => r.label)).toEqual(expected.top10_by_borda);
      expect(result.ranking).toHaveLength(data.references.length);
      for (let k = 1; k < result.ranking.length; k++) {
        expect(result.ranking[k]!.borda).toBeLessThanOrEqual(result.ranking[k - 1]!.borda);
      }
    });

    test('every energy shift equals the reference’s bit for bit', () => {
      data.references.forEach((r, i) => {
        expect(result.energyShifts[i]).toBe(expected.energy_shift[r.label]);
      });
      expect(result.valid.every(Boolean)).toBe(true);
    });
  });

  // Why exact equality is a fair bar here: our dot products run in a different order from BLAS, so similarities
  // can differ from the reference's in the last bits. That could only move a point where two candidates' similarities
  // under one learner are within rounding of each other. On this data the closest such pair is far apart.
  test('no learner sees two candidates within rounding of each other (exactness is not luck at a tie)', () => {
    let closest = Infinity;
    for (const result of results) {
      expect(result.similarities).toHaveLength(ELSIE_LEARNERS.length);
      for (const learnerSims of result.similarities) {
        const sims = [...learnerSims].sort((a, b) => a - b);
        for (let k = 1; k < sims.length; k++) closest = Math.min(closest, (sims[k]! - sims[k - 1]!) / Math.abs(sims[k]!));
      }
    }
    expect(closest).toBeGreaterThan(1e-12);
  });
});
