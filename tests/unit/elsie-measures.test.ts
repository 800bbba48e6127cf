// Hand-checkable unit tests for the pieces of the reference ELSIE reproduction (src/spectra/elsie/).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { absorptionOnset, alignPair, padLowerEnd } from '../../src/spectra/elsie/grid.ts';
import { elsieReferenceRank } from '../../src/spectra/elsie/index.ts';
import { interp1dLinear, linspace, pairwiseSum, trapz } from '../../src/spectra/elsie/numeric.ts';
import { cosineSimilarity, euclideanSimilarity, ruzickaSimilarity } from '../../src/spectra/elsie/similarity.ts';
import {
  areaNormalize,
  derivative,
  intensityNormalize,
  maximumIntensityNorm,
  sigmoidSquashing,
  snvNorm,
  squareRootSquashing,
  vectorNormNormalize,
} from '../../src/spectra/elsie/transforms.ts';
import { bordaPoints, numpyArgsortQuicksort, poolByLabel, rankLabels } from '../../src/spectra/elsie/vote.ts';

// Outputs of NumPy 1.24.2 itself (see the file's "provenance").
const numpyValues = JSON.parse(
  readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../fixtures/elsie-reference/numpy_reference_values.json'), 'utf8'),
) as {
  argsort: { values: number[]; order: number[] };
  sum: { x: number[]; sum: number; sum_first_137: number; trapz_reversed_over_cumsum: number };
};

const close = (got: ArrayLike<number>, want: number[]): void => {
  expect(got.length).toBe(want.length);
  want.forEach((w, i) => expect(got[i]).toBeCloseTo(w, 12));
};

describe('similarity measures (vectors summing to 1)', () => {
  const a = [0.5, 0.5, 0];
  const b = [0, 0.5, 0.5];
  const c = [0.25, 0.25, 0.5];

  test('identical spectra score 1 on every measure', () => {
    expect(cosineSimilarity(c, c)).toBeCloseTo(1, 15);
    expect(euclideanSimilarity(c, c)).toBe(1);
    expect(ruzickaSimilarity(c, c)).toBe(1);
  });

  test('Cosine: a·b/(‖a‖‖b‖)', () => {
    expect(cosineSimilarity(a, b)).toBeCloseTo(0.25 / 0.5, 15); // ‖a‖² = ‖b‖² = 0.5
    expect(cosineSimilarity([1, 0], [0, 1])).toBe(0);
  });

  test('Euclidean: 1 − ‖a−b‖/√2, 0 for disjoint unit masses', () => {
    expect(euclideanSimilarity(a, b)).toBeCloseTo(1 - Math.sqrt(0.5) / Math.SQRT2, 15); // = 0.5
    expect(euclideanSimilarity([1, 0], [0, 1])).toBeCloseTo(0, 15);
  });

  test('Ruzicka: Σmin/Σmax', () => {
    expect(ruzickaSimilarity(a, b)).toBeCloseTo(0.5 / 1.5, 15);
    expect(ruzickaSimilarity(a, c)).toBeCloseTo((0.25 + 0.25 + 0) / (0.5 + 0.5 + 0.5), 15);
  });

  test('refuse vectors of different lengths', () => {
    expect(() => cosineSimilarity([1], [0.5, 0.5])).toThrow(/different lengths/);
  });
});

describe('preprocessing steps', () => {
  const x = Float64Array.from([0, 1, 2, 3]);
  const y = Float64Array.from([1, 2, 3, 2]);
  test('sum, max, vector and area normalisation', () => {
    close(intensityNormalize(y), [1 / 8, 2 / 8, 3 / 8, 2 / 8]);
    close(maximumIntensityNorm(y), [1 / 3, 2 / 3, 1, 2 / 3]);
    close(vectorNormNormalize(y), [1, 2, 3, 2].map((v) => v / Math.sqrt(18)));
    close(areaNormalize(y, x), [1, 2, 3, 2].map((v) => v / 6.5)); // trapz = 1.5 + 2.5 + 2.5
  });
  test('snvnorm keeps the reference’s bug: divides by the mean, then lifts the minimum to 0', () => {
    // mean 2: (y − 2)/2 = [−0.5, 0, 0.5, 0] → + 0.5
    close(snvNorm(y), [0, 0.5, 1, 0.5]);
  });
  test('sigmoid is (1 − cos πy)/2 and "square" is a square root', () => {
    close(sigmoidSquashing([0, 0.5, 1, 2]), [0, 0.5, 1, 0]);
    close(squareRootSquashing([4, -9, 0.25]), [2, 3, 0.5]);
  });
  test('derivative drops the last point', () => {
    const d = derivative({ x, y }, 1);
    close(d.x, [0, 1, 2]);
    close(d.y, [1, 1, -1]);
  });
});

describe('NumPy arithmetic', () => {
  test('pairwise sum matches a plain sum on small integers, any length', () => {
    for (const n of [0, 1, 7, 8, 9, 128, 129, 200, 1000]) {
      const v = Array.from({ length: n }, (_, i) => i + 1);
      expect(pairwiseSum(v)).toBe((n * (n + 1)) / 2);
    }
  });
  test('linspace hits both ends', () => {
    close(linspace(1, 2, 5), [1, 1.25, 1.5, 1.75, 2]);
  });
  test('interp1d linear, and no extrapolation', () => {
    close(interp1dLinear([0, 1, 3], [0, 10, 30], [0, 0.5, 1, 2, 3]), [0, 5, 10, 20, 30]);
    expect(() => interp1dLinear([0, 1], [0, 1], [1.5])).toThrow(/outside/);
  });
  test('trapz', () => {
    expect(trapz([1, 2, 3], [0, 1, 3])).toBe(1.5 + 5);
  });
  test('argsort quicksort orders like a sort, including past the insertion-sort size', () => {
    const v = Array.from({ length: 300 }, (_, i) => Math.sin(i * 12.9898) * 43758.5453 % 1);
    const order = [...numpyArgsortQuicksort(v)];
    const sorted = [...v].sort((p, q) => p - q);
    expect(order.map((i) => v[i])).toEqual(sorted);
    expect(new Set(order).size).toBe(300);
  });
  test('argsort quicksort breaks ties exactly like NumPy 1.24 (unstable), the reference’s tie rule', () => {
    // np.argsort(np.array([1.0]*20), kind='quicksort') and a small mixed case, NumPy 1.24.2
    expect([...numpyArgsortQuicksort(new Array<number>(20).fill(1))]).toEqual([0, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 18, 19]);
    expect([...numpyArgsortQuicksort([3, 1, 2, 1, 3, 2, 1, 1, 2, 3, 3, 1, 2, 2, 1, 3, 1, 2, 3, 1, 2, 1, 1, 3])]).toEqual([
      11, 1, 14, 3, 21, 6, 7, 16, 19, 22, 13, 12, 8, 5, 2, 20, 17, 18, 0, 10, 9, 4, 15, 23,
    ]);
    // 300 values drawn from {0..4}: many partitions full of ties
    expect([...numpyArgsortQuicksort(numpyValues.argsort.values)]).toEqual(numpyValues.argsort.order);
  });
  test('np.sum and np.trapz are reproduced bit for bit', () => {
    const { x } = numpyValues.sum;
    expect(pairwiseSum(x)).toBe(numpyValues.sum.sum);
    expect(pairwiseSum(x, 0, 137)).toBe(numpyValues.sum.sum_first_137);
    const cumsum: number[] = [];
    x.reduce((acc, v) => (cumsum.push(acc + v), acc + v), 0);
    expect(trapz([...x].reverse(), cumsum)).toBe(numpyValues.sum.trapz_reversed_over_cumsum);
  });
});

describe('alignment', () => {
  test('onset is the first point above 6 % of the maximum', () => {
    expect(absorptionOnset([1, 2, 3, 4], [0.01, 0.05, 0.5, 1])).toBe(3);
    expect(absorptionOnset([1, 2, 3], [0.07, 0.5, 1])).toBe(1);
  });
  test('padding is always 49 points at μ[0], whatever the spacing', () => {
    const p = padLowerEnd({ energies: [10, 11], mu: [0.3, 0.4] }, 0);
    expect(p.energies.length).toBe(51);
    expect(p.energies[0]).toBe(0);
    expect(p.mu[48]).toBe(0.3);
    expect(p.energies[49]).toBe(10);
  });
  test('the reference is shifted onto the target by onset, on a 200-point overlap grid', () => {
    const e = Array.from({ length: 50 }, (_, i) => 100 + i);
    const step = (e0: number): number[] => e.map((v) => (v >= e0 ? 1 : 0.01));
    const pair = alignPair({ energies: e, mu: step(120) }, { energies: e, mu: step(125) });
    expect(pair.energyShift).toBe(5);
    expect(pair.grid.length).toBe(200);
    // both start at 100 (no padding); the shifted reference spans 95…144, so the overlap is 100…144
    expect(pair.grid[0]).toBe(100);
    expect(pair.grid[199]).toBe(144);
  });
  test('disjoint energy ranges are invalid and get no vote', () => {
    const a = { energies: [1, 2, 3], mu: [0, 1, 1] };
    const far = { label: 'far', energies: [100, 101, 102], mu: [0, 1, 1] };
    const near = { label: 'near', energies: [1, 2, 3], mu: [0, 1, 1] };
    const res = elsieReferenceRank(a, [far, near]);
    expect(res.valid).toEqual([false, true]);
    expect(res.ranking).toEqual([{ label: 'near', borda: 33 }]);
  });
});

describe('Borda vote', () => {
  test('n points to the most similar of n voters, none to a zero', () => {
    expect([...bordaPoints([0.2, 0, 0.9, 0.5])]).toEqual([1, 0, 3, 2]);
  });
  test('points pool per label; ties keep first-vote order', () => {
    const pool = poolByLabel(['x', 'y', 'x', 'z'], [Int32Array.from([1, 3, 2, 4]), Int32Array.from([4, 2, 1, 3])]);
    expect(Object.fromEntries(pool)).toEqual({ x: 8, y: 5, z: 7 });
    // equal totals: first-voted label first
    expect(rankLabels(new Map([['b', 2], ['a', 5], ['c', 2]]))).toEqual([
      { label: 'a', borda: 5 },
      { label: 'b', borda: 2 },
      { label: 'c', borda: 2 },
    ]);
  });
});
