/** @jest-environment <rootDir>/tests/support/onnx-environment.mjs */
// The two-stage search (cheap screen over every reference, full ensemble on the finalists) returns the same top 10
// as the exhaustive search, on the whole seed catalogue (2,523 OmniXAS FEFF site averages) for SYNTHETIC
// measurements of 40 materials spread over it (issue 3: "tests prove it"). The screen itself runs as an ONNX graph.
import { omnixasToCatalog, parseOmnixasRecord } from '../../src/catalog/omnixas.ts';
import { prepareQuery, prepareReferences, rankEnsemble, type PreparedReferences } from '../../src/spectra/ensemble/index.ts';
import { correlateRows, screenReferences } from '../../src/spectra/ensemble/onnx-graphs.ts';
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

test('screen + ensemble equals the exhaustive ensemble, top 10, for 40 queries against the whole catalogue', async () => {
  expect(refs).toHaveLength(2523);
  const step = Math.floor(refs.length / 40);
  const differing: string[] = [];
  let selfFirst = 0;
  for (let q = 0; q < 40; q++) {
    const k = q * step;
    const m = measure(refs[k]!, ((q % 9) - 4) * 1.1, q + 1);
    const query = prepareQuery(m.energies, m.mu);
    const twoStage = (await rankEnsemble(query, prepared, { top: 10 })).matches.map((x) => x.index);
    const exhaustive = (await rankEnsemble(query, prepared, { top: 10, exhaustive: true })).matches.map((x) => x.index);
    if (twoStage.join() !== exhaustive.join()) differing.push(refs[k]!.id);
    if (exhaustive[0] === k) selfFirst++;
  }
  expect(differing).toEqual([]);
  expect(selfFirst).toBeGreaterThanOrEqual(36);
}, 120_000);

test('the graphs: the screen keeps the k best by max over shifts, skips references with bias −∞, and reports the best shift', async () => {
  const count = 500;
  const rank = 6;
  let s = 7;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  };
  const projected = Float32Array.from({ length: count * rank }, next);
  // The query side: basis (rank × width) times slice columns (width × 8), each scaled; columns 1, 3, 4, 6, 7 screened.
  const width = 9;
  const all = 8;
  const basis = Float32Array.from({ length: rank * width }, next);
  const slices = { width, count: all, values: Float32Array.from({ length: width * all }, next), scale: Float32Array.from({ length: all }, (_, c) => 0.5 + c / 4) };
  const columns = [1, 3, 4, 6, 7];
  const queries = columns.map((c) =>
    Array.from({ length: rank }, (_, r) => {
      let q = 0;
      for (let j = 0; j < width; j++) q += basis[r * width + j]! * slices.values[j * all + c]!;
      return q * slices.scale[c]!;
    }),
  );
  const bias = Float32Array.from({ length: count }, (_, n) => (n % 7 === 3 ? -Infinity : 0));
  const best = Array.from({ length: count }, (_, n) => {
    let value = -Infinity;
    let shift = 0;
    queries.forEach((q, c) => {
      let v = 0;
      for (let r = 0; r < rank; r++) v += projected[n * rank + r]! * q[r]!;
      if (v > value) [value, shift] = [v, c];
    });
    return { n, value: value + bias[n]!, shift };
  });
  const expected = best.filter((b) => b.value > -Infinity).sort((a, b) => b.value - a.value).slice(0, 25);
  const hits = await screenReferences(projected, count, rank, basis, slices, columns, bias, 25);
  // TopK is asked for no order: compare as sets, each with its best column.
  const got = Array.from(hits.indices, (n, k) => [n, hits.shiftIndices[k]!]).sort((x, y) => x[0]! - y[0]!);
  expect(got).toEqual(expected.map((b) => [b.n, b.shift]).sort((x, y) => x[0]! - y[0]!));
  await expect(screenReferences(projected, count, rank, basis.subarray(1), slices, columns, bias, 25)).rejects.toThrow(/shapes disagree/);

  // correlate: chosen rows (as windows of width `rank`) times the slices (columns), times each column's scale.
  const shifts = 5;
  const values = Float32Array.from({ length: rank * shifts }, next);
  const scale = Float32Array.from({ length: shifts }, (_, c) => c + 0.5);
  const chosen = [499, 0, 17, 17];
  const corr = await correlateRows(projected, chosen, { width: rank, count: shifts, values, scale });
  expect(corr).toHaveLength(chosen.length * shifts);
  chosen.forEach((n, f) => {
    for (let c = 0; c < shifts; c++) {
      let v = 0;
      for (let r = 0; r < rank; r++) v += projected[n * rank + r]! * values[r * shifts + c]!;
      expect(corr[f * shifts + c]).toBeCloseTo(v * scale[c]!, 5);
    }
  });
});
