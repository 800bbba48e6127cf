// Decomposition of an in-situ series (src/spectra/series/): PCA's component count, MCR-ALS profiles and spectra, on
// SYNTHETIC series mixed from REAL measured references of the bundled library (seed/measured-references/), each
// normalised like the service normalises a measurement and put on one grid; smooth concentration profiles, Gaussian
// noise of a fraction of the edge step. Nothing here is a stored answer: every expectation is against the truth the
// series was made from.
import fs from 'node:fs';
import path from 'node:path';
import { readManifest } from '../../src/catalog/measured-library.ts';
import type { LocatedEntry } from '../../src/catalog/measured-manifest.ts';
import { findRecord } from '../../src/catalog/measured-rows.ts';
import { InputError } from '../../src/errors.ts';
import { normalizeMeasured } from '../../src/spectra/ensemble/references.ts';
import { symmetricEigen as jacobiEigen } from '../../src/spectra/ensemble/linalg.ts';
import { interp, linspace } from '../../src/spectra/math.ts';
import { readSpectrumRecords } from '../../src/spectra/parse/records.ts';
import { symmetricEigen } from '../../src/spectra/series/eigen.ts';
import {
  batchNnls, decomposeSeriesMatrix, mcrAls, packRows, purestSpectra, seriesPca, type SeriesDecomposition,
} from '../../src/spectra/series/index.ts';
import { REPO_ROOT } from '../support/process.ts';

const SEED = path.join(REPO_ROOT, 'seed');
let manifest: LocatedEntry[] = [];
beforeAll(async () => {
  manifest = await readManifest(SEED);
});

/** A library reference (manifest id), normalised like a measured query, on `grid`. */
function reference(id: string, grid: Float64Array): Float64Array {
  const located = manifest.find((l) => l.entry.id === id);
  if (!located) throw new Error(`no manifest entry ${id}`);
  const { entry } = located;
  const records = readSpectrumRecords({ bytes: fs.readFileSync(path.join(SEED, 'measured-references', entry.file)) });
  const record = findRecord(records, entry);
  const normalised = normalizeMeasured(record.energies, record.mu);
  return interp(grid, normalised.energies, normalised.flat);
}

/** Deterministic Gaussian noise (LCG + Box–Muller), so a failure can be rerun. */
function gaussian(seed: number): () => number {
  let state = seed;
  const uniform = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  return () => Math.sqrt(-2 * Math.log(uniform() + 1e-300)) * Math.cos(2 * Math.PI * uniform());
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
/** A → B, a sigmoid through the middle of the run. */
const reaction = (t: number) => {
  const b = sigmoid((t - 0.5) / 0.08);
  return [1 - b, b];
};
/** A → B → C: B an intermediate between two sigmoids. */
const withIntermediate = (t: number) => {
  const a = 1 - sigmoid((t - 0.3) / 0.05);
  const c = sigmoid((t - 0.7) / 0.05);
  return [a, 1 - a - c, c];
};
/** A → B → C → D: three steps. */
const threeSteps = (t: number) => {
  const s = [0.22, 0.5, 0.78].map((at) => sigmoid((t - at) / 0.04));
  return [1 - s[0]!, s[0]! - s[1]!, s[1]! - s[2]!, s[2]!];
};

interface SyntheticSeries {
  rows: Float64Array[];
  /** True fractions, N × k. */
  truth: number[][];
}

/** SYNTHETIC series: N mixtures of `references` along `profile` (t from 0 to 1), plus noise of σ `noise` edge steps. */
function syntheticSeries(references: Float64Array[], profile: (t: number) => number[], n: number, noise: number, seed = 7): SyntheticSeries {
  const next = gaussian(seed);
  const m = references[0]!.length;
  const truth: number[][] = [];
  const rows = Array.from({ length: n }, (_, i) => {
    const fractions = profile(i / (n - 1));
    truth.push(fractions);
    const row = new Float64Array(m);
    for (let e = 0; e < m; e++) {
      let mu = 0;
      fractions.forEach((w, j) => (mu += w * references[j]![e]!));
      row[e] = mu + noise * next();
    }
    return row;
  });
  return { rows, truth };
}

function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]! / n;
    mb += b[i]! / n;
  }
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < n; i++) {
    ab += (a[i]! - ma) * (b[i]! - mb);
    aa += (a[i]! - ma) ** 2;
    bb += (b[i]! - mb) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

/** Each true component matched to the resolved one whose spectrum correlates best: correlation and profile RMS error. */
function matchToTruth(result: SeriesDecomposition, references: Float64Array[], truth: number[][]) {
  return references.map((ref, j) => {
    const scored = result.components.map((c, q) => ({ q, r: correlation(c.spectrum, ref) }));
    const best = scored.reduce((x, y) => (y.r > x.r ? y : x));
    const profile = result.components[best.q]!.concentration;
    const rms = Math.sqrt(profile.reduce((s, c, i) => s + (c - truth[i]![j]!) ** 2, 0) / profile.length);
    return { component: best.q, correlation: best.r, rms };
  });
}

function expectRecovered(result: SeriesDecomposition, references: Float64Array[], truth: number[][]): void {
  const matches = matchToTruth(result, references, truth);
  expect(new Set(matches.map((m) => m.component)).size).toBe(references.length); // one resolved component per true one
  for (const m of matches) {
    expect(m.correlation).toBeGreaterThan(0.99);
    expect(m.rms).toBeLessThan(0.05);
  }
  for (const row of result.concentrations) {
    expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    for (const c of row) expect(c).toBeGreaterThanOrEqual(0);
  }
  for (const c of result.components) {
    expect(Math.abs(c.edgeStep - result.seriesEdgeStep)).toBeLessThan(0.1);
    for (const mu of c.spectrum) expect(mu).toBeGreaterThanOrEqual(0);
  }
  expect(result.converged).toBe(true);
  // MCR's constraints cost little fit against PCA's unconstrained best with as many components.
  expect(result.lackOfFit).toBeLessThan(result.lackOfFitPca * 1.05 + 0.01);
}

const cuGrid = linspace(8960, 9060, 251);
const feGrid = linspace(7092, 7192, 251);
const mnGrid = linspace(6520, 6620, 251);

describe('decomposeSeriesMatrix on SYNTHETIC series of measured references', () => {
  test('two components (Cu foil → CuO, 200 spectra, 0.75 % noise): IND picks 2, profiles and spectra recovered', () => {
    const refs = ['larch-cuk-foil-10k', 'xdl-cuo-tenorite-13k-01'].map((id) => reference(id, cuGrid));
    const series = syntheticSeries(refs, reaction, 200, 0.0075);
    const result = decomposeSeriesMatrix(cuGrid, series.rows);
    expect(result.componentCount).toBe(2);
    expect(result.chosenBy).toBe('IND');
    expect(result.pca.noiseCount).toBe(2);
    expect(result.pca.reason).toMatch(/2 components by Malinowski's IND.*the noise check agrees/);
    expect(result.pca.noiseSigma).toBeGreaterThan(0.0075 * 0.9);
    expect(result.pca.noiseSigma).toBeLessThan(0.0075 * 1.1);
    expectRecovered(result, refs, series.truth);
    // The first component is the starting state: it starts from a spectrum early in the series.
    expect(result.components[0]!.startedFrom).toBeLessThan(50);
    expect(result.warnings).toEqual([]);
  });

  test('three components with an intermediate (Fe2O3 → FeO → Fe foil, 300 spectra, 0.75 % noise)', () => {
    const refs = ['xdl-fe2o3-rt-01', 'xdl-feo-rt-01', 'xdl-fe-metal-rt-01'].map((id) => reference(id, feGrid));
    const series = syntheticSeries(refs, withIntermediate, 300, 0.0075);
    const result = decomposeSeriesMatrix(feGrid, series.rows);
    expect(result.componentCount).toBe(3);
    expect(result.pca.noiseCount).toBe(3);
    expectRecovered(result, refs, series.truth);
    // Components come in series order: the intermediate's concentration peaks in the middle.
    const peak = result.components[1]!.concentration.indexOf(Math.max(...result.components[1]!.concentration));
    expect(peak).toBeGreaterThan(100);
    expect(peak).toBeLessThan(200);
  });

  test('three components of another element (Cu foil → CuO → Cu2S, 300 spectra)', () => {
    const refs = ['larch-cuk-foil-10k', 'xdl-cuo-tenorite-13k-01', 'xdl-cu2s-13k-01'].map((id) => reference(id, cuGrid));
    const series = syntheticSeries(refs, withIntermediate, 300, 0.0075, 11);
    const result = decomposeSeriesMatrix(cuGrid, series.rows);
    expect(result.componentCount).toBe(3);
    expectRecovered(result, refs, series.truth);
  });

  test('four components (MnO2 → Mn2O3 → Mn3O4 → MnO, 400 spectra, 0.5 % noise)', () => {
    const refs = ['xdl-mno2-rt-01', 'xdl-mn2o3-rt-01', 'xdl-mn3o4-rt-01', 'xdl-mno-rt-01'].map((id) => reference(id, mnGrid));
    const series = syntheticSeries(refs, threeSteps, 400, 0.005);
    const result = decomposeSeriesMatrix(mnGrid, series.rows);
    expect(result.componentCount).toBe(4);
    expect(result.pca.noiseCount).toBe(4);
    expectRecovered(result, refs, series.truth);
  });

  test('each spectrum\'s own normalisation offset (0.3 %, 500 spectra) is not counted as a component', () => {
    // A spectrum normalised on its own noise is left a constant offset (its extrapolated pre-edge line): over 500 spectra
    // that is a direction with far more variance than the noise. The count is made on offset-free spectra.
    const refs = ['xdl-fe2o3-rt-01', 'xdl-feo-rt-01'].map((id) => reference(id, feGrid));
    const { rows, truth } = syntheticSeries(refs, reaction, 500, 0.005, 11);
    const offset = gaussian(5);
    for (const row of rows) {
      const shift = 0.003 * offset();
      for (let e = 0; e < row.length; e++) row[e] = row[e]! + shift;
    }
    const result = decomposeSeriesMatrix(feGrid, rows);
    expect(result.componentCount).toBe(2);
    // The offsets stay in the data MCR fits (closure cannot absorb them), so its lack of fit is not PCA's: profiles only.
    for (const m of matchToTruth(result, refs, truth)) {
      expect(m.correlation).toBeGreaterThan(0.99);
      expect(m.rms).toBeLessThan(0.05);
    }
    // Counted on the spectra as they are, the offsets are a third component: what the offset-free count prevents.
    expect(seriesPca(packRows(rows), { maxComponents: 6 }).components).toBe(3);
  });

  test('the user may set the number of components; PCA still reports its own and the difference is said', () => {
    const refs = ['larch-cuk-foil-10k', 'xdl-cuo-tenorite-13k-01'].map((id) => reference(id, cuGrid));
    const series = syntheticSeries(refs, reaction, 100, 0.0075);
    const result = decomposeSeriesMatrix(cuGrid, series.rows, { components: 3 });
    expect(result.componentCount).toBe(3);
    expect(result.chosenBy).toBe('user');
    expect(result.pca.suggestedComponents).toBe(2);
    expect(result.warnings.join(' ')).toMatch(/3 components as asked; PCA suggests 2/);
    for (const row of result.concentrations) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
  });

  test('maxComponents caps PCA\'s choice', () => {
    const refs = ['xdl-fe2o3-rt-01', 'xdl-feo-rt-01', 'xdl-fe-metal-rt-01'].map((id) => reference(id, feGrid));
    const series = syntheticSeries(refs, withIntermediate, 150, 0.0075);
    const result = decomposeSeriesMatrix(feGrid, series.rows, { maxComponents: 2 });
    expect(result.componentCount).toBe(2);
    expect(result.pca.indicator.length).toBe(150 - 1);
    expect(result.warnings.join(' ')).toMatch(/IND is smallest at 3 components, beyond maxComponents/);
  });

  test('two spectra: the noise rule decides (IND needs three) and the answer says what two spectra can tell', () => {
    const refs = ['larch-cuk-foil-10k', 'xdl-cuo-tenorite-13k-01'].map((id) => reference(id, cuGrid));
    const result = decomposeSeriesMatrix(cuGrid, [refs[0]!, refs[1]!]);
    expect(result.pca.rule).toBe('noise');
    expect(result.pca.indicatorCount).toBeNull();
    expect(result.componentCount).toBe(2);
    expect(result.warnings.join(' ')).toMatch(/only two spectra/);
    expect(result.warnings.join(' ')).toMatch(/as many components as spectra/);
    // Two components of two pure spectra: each spectrum is its own component.
    expect(result.concentrations[0]![0]).toBeCloseTo(1, 3);
    expect(result.concentrations[1]![1]).toBeCloseTo(1, 3);
  });
});

describe('seriesPca', () => {
  const m = 60;
  const basis = [0, 1, 2].map((j) => Float64Array.from({ length: m }, (_, e) => sigmoid((e - 20 - 5 * j) / 2) + 0.3 * Math.exp(-(((e - 28 - 6 * j) / 3) ** 2))));
  const mix = (n: number, noise: number) => syntheticSeries(basis, withIntermediate, n, noise, 3).rows;

  test('eigenvalues are the squared singular values whichever Gram matrix is used (N < M and N > M)', () => {
    const rows = mix(40, 0.002); // N < M
    const small = seriesPca(packRows(rows));
    const wide = mix(200, 0.002); // N > M
    const large = seriesPca(packRows(wide));
    for (const pca of [small, large]) {
      const total = pca.eigenvalues.reduce((a, b) => a + b, 0);
      const squares = packRows(pca === small ? rows : wide).values.reduce((a, b) => a + b * b, 0);
      expect(total).toBeCloseTo(squares, 6);
      expect(pca.eigenvalues.length).toBe(Math.min(pca.spectrumCount, m));
      for (let j = 1; j < pca.eigenvalues.length; j++) expect(pca.eigenvalues[j]!).toBeLessThanOrEqual(pca.eigenvalues[j - 1]! + 1e-9);
      expect(pca.components).toBe(3);
      // Scores × loadings of the kept components reproduce the data to the noise.
      const d = packRows(pca === small ? rows : wide);
      let residual = 0;
      for (let i = 0; i < d.spectrumCount; i++) {
        for (let e = 0; e < m; e++) {
          let fit = 0;
          for (let j = 0; j < 3; j++) fit += pca.scores[i * pca.keptVectors + j]! * pca.loadings[j * m + e]!;
          residual += (d.values[i * m + e]! - fit) ** 2;
        }
      }
      expect(Math.sqrt(residual / (d.spectrumCount * m))).toBeLessThan(0.003);
    }
  });

  test('a rank-deficient series (repeated spectra, no noise) has its numerical rank and that many components', () => {
    const rows = [basis[0]!, basis[1]!, basis[0]!, basis[1]!, basis[0]!, Float64Array.from(basis[0]!, (x, e) => 0.5 * x + 0.5 * basis[1]![e]!)];
    const pca = seriesPca(packRows(rows));
    expect(pca.numericalRank).toBe(2);
    expect(pca.components).toBe(2);
    expect(pca.eigenvalues[2]).toBe(0);
    const result = decomposeSeriesMatrix(linspace(0, m - 1, m), rows, { components: 3 });
    expect(result.warnings.join(' ')).toMatch(/only 2 linearly independent spectra/);
    for (const row of result.concentrations) for (const c of row) expect(Number.isFinite(c)).toBe(true);
  });

  test('the noise estimate follows the noise put in', () => {
    for (const sigma of [0.002, 0.01]) {
      const pca = seriesPca(packRows(mix(300, sigma)));
      expect(pca.noise.sigma).toBeGreaterThan(sigma * 0.85);
      expect(pca.noise.sigma).toBeLessThan(sigma * 1.15);
    }
  });
});

describe('the numerical kernels', () => {
  test('symmetricEigen agrees with the cyclic Jacobi solver and reproduces A v = λ v', () => {
    const next = gaussian(5);
    for (const n of [1, 2, 5, 30]) {
      const a = new Float64Array(n * n);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j <= i; j++) {
          const x = next();
          a[i * n + j] = x;
          a[j * n + i] = x;
        }
      }
      const ours = symmetricEigen(a, n);
      const jacobi = jacobiEigen(a, n);
      for (let i = 0; i < n; i++) expect(ours.values[i]).toBeCloseTo(jacobi.values[i]!, 10);
      for (let k = 0; k < n; k++) {
        for (let i = 0; i < n; i++) {
          let av = 0;
          for (let j = 0; j < n; j++) av += a[i * n + j]! * ours.vectors[k * n + j]!;
          expect(av).toBeCloseTo(ours.values[k]! * ours.vectors[k * n + i]!, 10);
        }
      }
    }
  });

  test('batchNnls meets the Karush–Kuhn–Tucker conditions, with and without Σx = 1, on random problems', () => {
    const next = gaussian(9);
    for (let trial = 0; trial < 200; trial++) {
      const k = 1 + (trial % 6);
      const sumToOne = trial % 2 === 1;
      const rows = 12;
      const x = Array.from({ length: rows * k }, () => next());
      const a = new Float64Array(k * k);
      for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) for (let r = 0; r < rows; r++) a[i * k + j] = a[i * k + j]! + x[r * k + i]! * x[r * k + j]!;
      const solve = batchNnls(a, k, { sumToOne });
      for (let rhs = 0; rhs < 5; rhs++) {
        const y = Array.from({ length: rows }, () => next() + 0.5);
        const b = new Float64Array(k);
        for (let i = 0; i < k; i++) for (let r = 0; r < rows; r++) b[i] = b[i]! + x[r * k + i]! * y[r]!;
        const solution = solve(b, new Float64Array(k));
        // g = A x − b; the multiplier of Σx = 1 is −g on the passive set (0 without the equality).
        const g = Array.from({ length: k }, (_, i) => a.subarray(i * k, i * k + k).reduce((s, v, j) => s + v * solution[j]!, 0) - b[i]!);
        const passive = g.filter((_, i) => solution[i]! > 0);
        const level = sumToOne && passive.length ? passive.reduce((s, v) => s + v, 0) / passive.length : 0;
        if (sumToOne) expect(solution.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 10);
        for (let i = 0; i < k; i++) {
          expect(solution[i]).toBeGreaterThanOrEqual(0);
          if (solution[i]! > 0) expect(Math.abs(g[i]! - level)).toBeLessThan(1e-8);
          else expect(g[i]! - level).toBeGreaterThan(-1e-8);
        }
      }
    }
  });

  test('batchNnls on a singular system (two identical columns) returns finite weights', () => {
    const a = Float64Array.from([2, 2, 2, 2]);
    const solution = batchNnls(a, 2)(Float64Array.from([2, 2]), new Float64Array(2));
    expect(solution.every(Number.isFinite)).toBe(true);
    expect(solution[0]! + solution[1]!).toBeCloseTo(1, 6);
  });

  test('purestSpectra finds the corners of a simplex of mixtures', () => {
    // Scores of mixtures of three corners (closure), corners at indices 3, 50 and 97.
    const corners = [[1, 0], [0, 1], [-1, -1]];
    const n = 100;
    const scores = new Float64Array(n * 2);
    const next = gaussian(1);
    for (let i = 0; i < n; i++) {
      const w = [next() ** 2, next() ** 2, next() ** 2];
      if (i === 3) w.splice(0, 3, 1, 0, 0);
      if (i === 50) w.splice(0, 3, 0, 1, 0);
      if (i === 97) w.splice(0, 3, 0, 0, 1);
      const s = w[0]! + w[1]! + w[2]!;
      for (let d = 0; d < 2; d++) scores[i * 2 + d] = corners.reduce((acc, c, j) => acc + (w[j]! / s) * c[d]!, 0);
    }
    // A third, constant score column (the mean level every normalised spectrum shares) changes nothing.
    const withLevel = new Float64Array(n * 3);
    for (let i = 0; i < n; i++) withLevel.set([10, scores[i * 2]!, scores[i * 2 + 1]!], i * 3);
    expect(purestSpectra(withLevel, n, 3, 3)).toEqual([3, 50, 97]);
  });

  test('mcrAls on the data itself (no low-rank filter) recovers a two-component series', () => {
    const refs = ['larch-cuk-foil-10k', 'xdl-cuo-tenorite-13k-01'].map((id) => reference(id, cuGrid));
    const series = syntheticSeries(refs, reaction, 100, 0.0075);
    const d = packRows(series.rows);
    const initial = new Float64Array(2 * 251);
    initial.set(series.rows[0]!, 0);
    initial.set(series.rows[99]!, 251);
    const result = mcrAls(d, initial, 2);
    expect(result.converged).toBe(true);
    expect(result.lackOfFit).toBeLessThan(1.2); // noise is ~0.8 % of ‖D‖ here
    expect(result.explainedVariance).toBeGreaterThan(0.999);
    for (let i = 0; i < 100; i++) {
      expect(result.concentrations[i * 2]! + result.concentrations[i * 2 + 1]!).toBeCloseTo(1, 12);
      expect(Math.abs(result.concentrations[i * 2 + 1]! - series.truth[i]![1]!)).toBeLessThan(0.05);
    }
  });
});

describe('bad input', () => {
  const grid = linspace(0, 9, 10);
  const row = () => Float64Array.from({ length: 10 }, (_, i) => sigmoid(i - 5));
  const refuses = (fn: () => unknown, message: RegExp) => {
    expect(fn).toThrow(InputError);
    expect(fn).toThrow(message);
  };

  test('one spectrum, or none, cannot be decomposed', () => {
    refuses(() => decomposeSeriesMatrix(grid, [row()]), /one spectrum cannot be decomposed.*send at least two spectra/);
    refuses(() => decomposeSeriesMatrix(grid, []), /the series is empty/);
  });

  test('rows of another length than the grid, non-finite values and a bad grid are refused, saying where', () => {
    refuses(() => decomposeSeriesMatrix(grid, [row(), row().slice(0, 9)]), /spectrum 1 has 9 values but the energy grid has 10/);
    const withNaN = row();
    withNaN[4] = Number.NaN;
    refuses(() => decomposeSeriesMatrix(grid, [row(), withNaN]), /spectrum 1 has a non-finite value \(NaN\) at point 4/);
    const withInf = row();
    withInf[2] = Infinity;
    refuses(() => decomposeSeriesMatrix(grid, [withInf, row()]), /spectrum 0 has a non-finite value \(Infinity\) at point 2/);
    refuses(() => decomposeSeriesMatrix([0, 1, 3, 2, 4, 5, 6, 7, 8, 9], [row(), row()]), /energies must increase; found 2 after 3 at point 3/);
    refuses(() => decomposeSeriesMatrix([0, 1, 2], [[0, 1, 1], [0, 1, 1]]), /at least 5/);
    refuses(() => decomposeSeriesMatrix(grid, [new Float64Array(10), new Float64Array(10)]), /every spectrum of the series is zero/);
  });

  test('component counts out of range are refused', () => {
    refuses(() => decomposeSeriesMatrix(grid, [row(), row()], { components: 0 }), /components must be a whole number from 1 to 8; got 0/);
    refuses(() => decomposeSeriesMatrix(grid, [row(), row()], { components: 2.5 }), /components must be a whole number/);
    refuses(() => decomposeSeriesMatrix(grid, [row(), row()], { components: 9 }), /from 1 to 8; got 9/);
    refuses(() => decomposeSeriesMatrix(grid, [row(), row()], { maxComponents: 9 }), /maxComponents must be a whole number/);
    refuses(() => decomposeSeriesMatrix(grid, [row(), row()], { components: 3 }), /components \(3\) cannot exceed the number of spectra \(2\)/);
  });
});
