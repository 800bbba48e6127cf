// Linear-combination fitting (src/spectra/mixture/) on REAL measured Fe K references of the library (XAS Data Library,
// public domain: seed/measured-references/), normalised as the service normalises measurements, and SYNTHETIC
// mixtures of them with known weights, shifts and noise. The mixtures are made by linear interpolation of the
// references (not the fit's cubic spline), so the fit never sees its own model.
import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../../src/errors.ts';
import { normalizeMeasured } from '../../src/spectra/ensemble/references.ts';
import {
  fitAllCombinations,
  lincomboFit,
  nnls,
  nnlsColumns,
  type MixtureReference,
  type MixtureSpectrum,
} from '../../src/spectra/mixture/index.ts';
import { readSpectrumRecords } from '../../src/spectra/parse/records.ts';
import { REPO_ROOT } from '../support/process.ts';

const FE = path.join(REPO_ROOT, 'seed/measured-references/xas-data-library/data/Fe');
const FILES: Record<string, string> = {
  FeO: 'FeO_rt_01.xdi',
  Fe2O3: 'Fe2O3_rt_01.xdi',
  Fe3O4: 'Fe3O4_rt_01.xdi',
  Fe: 'Fe_metal_rt_01.xdi',
  'Fe (second measurement)': 'Fe_metal_rt_02.xdi',
  Fe3C: 'Fe3C_rt_01.xdi',
  FeS2: 'FeS2_rt_01.xdi',
  goethite: 'Hansel2001_goethite_xanes_003.xdi',
  siderite: 'Hansel2001_siderite_xanes_001.xdi',
};
const REF: Record<string, MixtureReference> = {};
for (const [id, file] of Object.entries(FILES)) {
  const record = readSpectrumRecords({ bytes: fs.readFileSync(path.join(FE, file)) })[0]!;
  const m = normalizeMeasured(record.energies, record.mu);
  REF[id] = { id, energies: m.energies, mu: m.flat };
}
const refs = (...ids: string[]): MixtureReference[] => ids.map((id) => REF[id]!);

/** The synthetic measurement's grid (0.5 eV) and the fit range (−12…+68 eV about the Fe K edge). */
const GRID = Array.from({ length: 201 }, (_, i) => 7095 + 0.5 * i);
const RANGE: [number, number] = [7100, 7180];

/** Seeded standard normal deviates (mulberry32 + Box–Muller). */
function gaussian(seed: number): () => number {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** μ of a reference at energy e by linear interpolation. */
function linear(r: MixtureReference, e: number): number {
  let j = 0;
  while (j < r.energies.length - 2 && r.energies[j + 1]! < e) j++;
  const t = (e - r.energies[j]!) / (r.energies[j + 1]! - r.energies[j]!);
  return r.mu[j]! + t * (r.mu[j + 1]! - r.mu[j]!);
}

/** A SYNTHETIC measurement: scale · Σ w·ref(E − shift) + Gaussian noise of σ `noise`. */
function syntheticMixture(recipe: { id: string; weight: number; shift?: number }[], noise: number, seed: number, scale = 1): MixtureSpectrum {
  const normal = gaussian(seed);
  return {
    energies: GRID,
    mu: GRID.map((e) => scale * recipe.reduce((s, c) => s + c.weight * linear(REF[c.id]!, e - (c.shift ?? 0)), 0) + noise * normal()),
  };
}

const weightOf = (fit: { components: { id: string; weight: number }[] }, id: string): number => fit.components.find((c) => c.id === id)!.weight;

describe('nnls (Lawson–Hanson)', () => {
  /** Brute force: least squares on every subset of columns (with Σx = 1 when asked); the best feasible one. */
  function exhaustive(a: number[][], b: number[], sumToOne: boolean): number[] {
    const k = a.length;
    let best: { x: number[]; r: number } | null = null;
    for (let mask = sumToOne ? 1 : 0; mask < 1 << k; mask++) {
      const set = [...Array(k).keys()].filter((j) => mask & (1 << j));
      const n = set.length + (sumToOne ? 1 : 0);
      // Normal equations, bordered by the constraint row when Σx = 1 (Lagrange multiplier last).
      const m = Array.from({ length: n }, () => new Array<number>(n + 1).fill(0));
      set.forEach((p, r) => {
        set.forEach((q, c) => (m[r]![c] = a[p]!.reduce((s, v, i) => s + v * a[q]![i]!, 0)));
        m[r]![n] = a[p]!.reduce((s, v, i) => s + v * b[i]!, 0);
        if (sumToOne) m[r]![n - 1] = m[n - 1]![r] = 1;
      });
      if (sumToOne) m[n - 1]![n] = 1;
      for (let c = 0; c < n; c++) {
        const pivot = m.slice(c).reduce((bestRow, row, i) => (Math.abs(row[c]!) > Math.abs(m[bestRow]![c]!) ? c + i : bestRow), c);
        [m[c], m[pivot]] = [m[pivot]!, m[c]!];
        for (let r = 0; r < n; r++) {
          if (r === c) continue;
          const f = m[r]![c]! / m[c]![c]!;
          for (let t = c; t <= n; t++) m[r]![t] = m[r]![t]! - f * m[c]![t]!;
        }
      }
      const x = new Array<number>(k).fill(0);
      set.forEach((p, r) => (x[p] = m[r]![n]! / m[r]![r]!));
      if (x.some((v) => v < -1e-12)) continue;
      const r = b.reduce((s, v, i) => s + (v - a.reduce((t, col, j) => t + x[j]! * col[i]!, 0)) ** 2, 0);
      if (!best || r < best.r) best = { x, r };
    }
    return best!.x;
  }

  test('finds the exact constrained optimum of random problems, with and without Σx = 1', () => {
    const normal = gaussian(11);
    for (let trial = 0; trial < 40; trial++) {
      const k = 2 + (trial % 5);
      const a = Array.from({ length: k }, () => Array.from({ length: 30 }, () => normal()));
      const b = Array.from({ length: 30 }, () => normal());
      for (const sumToOne of [false, true]) {
        const { weights, converged } = nnlsColumns(a, b, { sumToOne });
        expect(converged).toBe(true);
        const expected = exhaustive(a, b, sumToOne);
        weights.forEach((w, j) => expect(w).toBeCloseTo(expected[j]!, 9));
        expect(Math.min(...weights)).toBeGreaterThanOrEqual(0);
        if (sumToOne) expect(Math.abs(weights.reduce((s, w) => s + w, 0) - 1)).toBeLessThan(1e-12);
      }
    }
  });

  test('identical and zero columns give finite weights, never NaN', () => {
    const col = [1, 2, 3, 4, 5];
    for (const sumToOne of [false, true]) {
      const { weights } = nnlsColumns([col, col, [0, 0, 0, 0, 0]], [2, 4, 6, 8, 10], { sumToOne });
      expect(weights.every(Number.isFinite)).toBe(true);
      expect(weights[0]! + weights[1]!).toBeCloseTo(sumToOne ? 1 : 2, 12);
    }
    expect(Array.from(nnls(new Float64Array(4), new Float64Array(2), 2).weights)).toEqual([0, 0]);
  });
});

describe('lincomboFit on SYNTHETIC mixtures of measured Fe K references', () => {
  test('recovers known weights of a noisy two-component mixture, summing to 1', () => {
    const spectrum = syntheticMixture([{ id: 'FeO', weight: 0.6 }, { id: 'Fe2O3', weight: 0.4 }], 0.005, 1);
    const fit = lincomboFit(spectrum, refs('FeO', 'Fe2O3'), { range: RANGE });
    expect(Math.abs(weightOf(fit, 'FeO') - 0.6)).toBeLessThan(0.02);
    expect(Math.abs(weightOf(fit, 'Fe2O3') - 0.4)).toBeLessThan(0.02);
    expect(Math.abs(fit.weightSum - 1)).toBeLessThan(1e-9);
    expect(fit.points).toBe(161);
    expect(fit.variables).toBe(1);
    expect(fit.rFactor).toBeLessThan(1e-4);
    expect(fit.reducedChiSquare).toBeCloseTo(fit.chiSquare / 160, 15);
    // Noise 0.005 on 161 points: the weights are known to ~0.003.
    for (const c of fit.components) {
      expect(c.weightUncertainty).toBeGreaterThan(0.0005);
      expect(c.weightUncertainty).toBeLessThan(0.01);
      expect(c.significant).toBe(true);
    }
    expect(fit.illConditioned).toBe(false);
    fit.residual.forEach((r, i) => expect(r).toBeCloseTo(fit.data[i]! - fit.fitted[i]!, 12));
    expect(fit.energies[0]).toBe(7100);
    expect(fit.energies.at(-1)).toBe(7180);
  });

  test('recovers a three-component mixture', () => {
    const spectrum = syntheticMixture([{ id: 'Fe', weight: 0.25 }, { id: 'Fe3O4', weight: 0.45 }, { id: 'Fe2O3', weight: 0.3 }], 0.003, 2);
    const fit = lincomboFit(spectrum, refs('Fe', 'Fe3O4', 'Fe2O3'), { range: RANGE });
    expect(Math.abs(weightOf(fit, 'Fe') - 0.25)).toBeLessThan(0.02);
    expect(Math.abs(weightOf(fit, 'Fe3O4') - 0.45)).toBeLessThan(0.02);
    expect(Math.abs(weightOf(fit, 'Fe2O3') - 0.3)).toBeLessThan(0.02);
    expect(Math.abs(fit.weightSum - 1)).toBeLessThan(1e-9);
  });

  test('a free sum recovers the scale of a mixture (a thickness or normalisation error)', () => {
    const spectrum = syntheticMixture([{ id: 'FeO', weight: 0.5 }, { id: 'Fe', weight: 0.5 }], 0.003, 3, 0.8);
    const free = lincomboFit(spectrum, refs('FeO', 'Fe'), { range: RANGE, sumToOne: false });
    expect(Math.abs(free.weightSum - 0.8)).toBeLessThan(0.02);
    expect(Math.abs(weightOf(free, 'FeO') - 0.4)).toBeLessThan(0.02);
    expect(Math.abs(weightOf(free, 'Fe') - 0.4)).toBeLessThan(0.02);
    expect(free.variables).toBe(2);
    // Forcing Σw = 1 on it fits far worse.
    const forced = lincomboFit(spectrum, refs('FeO', 'Fe'), { range: RANGE });
    expect(forced.rFactor).toBeGreaterThan(20 * free.rFactor);
  });

  test("recovers one component's energy shift, and its weights are wrong without it", () => {
    const spectrum = syntheticMixture([{ id: 'FeO', weight: 0.3 }, { id: 'Fe2O3', weight: 0.4, shift: 1.5 }, { id: 'Fe', weight: 0.3 }], 0.003, 4);
    const fit = lincomboFit(spectrum, refs('FeO', 'Fe2O3', 'Fe'), { range: RANGE, maxShift: 3 });
    const shiftOf = (id: string) => fit.components.find((c) => c.id === id)!;
    expect(Math.abs(shiftOf('Fe2O3').shift - 1.5)).toBeLessThan(0.1);
    expect(Math.abs(shiftOf('FeO').shift)).toBeLessThan(0.2);
    expect(Math.abs(shiftOf('Fe').shift)).toBeLessThan(0.2);
    expect(shiftOf('Fe2O3').shiftUncertainty).toBeGreaterThan(0);
    expect(shiftOf('Fe2O3').shiftUncertainty).toBeLessThan(0.1);
    expect(Math.abs(weightOf(fit, 'FeO') - 0.3)).toBeLessThan(0.02);
    expect(Math.abs(weightOf(fit, 'Fe2O3') - 0.4)).toBeLessThan(0.02);
    expect(Math.abs(weightOf(fit, 'Fe') - 0.3)).toBeLessThan(0.02);
    expect(fit.variables).toBe(2 + 3);
    const unshifted = lincomboFit(spectrum, refs('FeO', 'Fe2O3', 'Fe'), { range: RANGE });
    expect(unshifted.rFactor).toBeGreaterThan(5 * fit.rFactor);
    // A caller's starting shift centres the bounds: a 1-eV window around 1.2 eV still finds 1.5 eV.
    const started = lincomboFit(spectrum, refs('FeO', 'Fe2O3', 'Fe'), { range: RANGE, maxShift: 1, shiftStart: [0, 1.2, 0] });
    expect(Math.abs(started.components[1]!.shift - 1.5)).toBeLessThan(0.1);
  });

  test('a common shift is the calibration offset of the whole measurement (Larch vary_e0)', () => {
    const spectrum = syntheticMixture([{ id: 'Fe2O3', weight: 0.7, shift: -1 }, { id: 'FeO', weight: 0.3, shift: -1 }], 0.003, 5);
    const fit = lincomboFit(spectrum, refs('Fe2O3', 'FeO'), { range: RANGE, maxShift: 2, commonShift: true });
    for (const c of fit.components) expect(Math.abs(c.shift + 1)).toBeLessThan(0.05);
    expect(fit.components[0]!.shiftUncertainty).toBe(fit.components[1]!.shiftUncertainty);
    expect(Math.abs(weightOf(fit, 'Fe2O3') - 0.7)).toBeLessThan(0.02);
    expect(fit.variables).toBe(2);
  });

  test('two identical references are reported ill-conditioned, with finite weights', () => {
    const spectrum = syntheticMixture([{ id: 'FeO', weight: 0.6 }, { id: 'Fe2O3', weight: 0.4 }], 0.005, 6);
    const twin = { ...REF.Fe2O3!, id: 'Fe2O3 (copy)' };
    for (const sumToOne of [true, false]) {
      const fit = lincomboFit(spectrum, [REF.FeO!, REF.Fe2O3!, twin], { range: RANGE, sumToOne });
      expect(fit.illConditioned).toBe(true);
      expect(fit.components.every((c) => Number.isFinite(c.weight) && c.weight >= 0)).toBe(true);
      expect(Number.isFinite(fit.conditionNumber)).toBe(true);
      expect(fit.conditionNumber).toBeGreaterThan(1e10);
      // The pair shares Fe2O3's weight; FeO keeps its own.
      expect(Math.abs(weightOf(fit, 'Fe2O3') + weightOf(fit, 'Fe2O3 (copy)') - 0.4)).toBeLessThan(0.02);
      expect(Math.abs(weightOf(fit, 'FeO') - 0.6)).toBeLessThan(0.02);
      expect(fit.components.every((c) => c.weightUncertainty === null)).toBe(true);
      expect(fit.warnings.join('\n')).toMatch(/ill-conditioned.*"Fe2O3" and "Fe2O3 \(copy\)"/);
      expect(JSON.stringify(fit)).not.toMatch(/NaN|null,"significant":true/);
    }
  });

  test('two measurements of one compound are told apart only by clean data: ill-conditioned when the noise hides them', () => {
    // Two Fe foils of two beamlines differ by their calibration (E0 7111.0 vs 7111.7 eV) and little else.
    const pair = refs('Fe', 'Fe (second measurement)');
    const recipe = [{ id: 'Fe', weight: 0.5 }, { id: 'Fe (second measurement)', weight: 0.5 }];
    const clean = lincomboFit(syntheticMixture(recipe, 0.005, 7), pair, { range: RANGE });
    const distinct = lincomboFit(syntheticMixture([{ id: 'Fe', weight: 0.5 }, { id: 'Fe2O3', weight: 0.5 }], 0.005, 7), refs('Fe', 'Fe2O3'), { range: RANGE });
    expect(clean.conditionNumber).toBeGreaterThan(10 * distinct.conditionNumber);
    expect(clean.components[0]!.weightUncertainty!).toBeGreaterThan(5 * distinct.components[0]!.weightUncertainty!);
    expect(clean.illConditioned).toBe(false);
    expect(distinct.illConditioned).toBe(false);
    const noisy = lincomboFit(syntheticMixture(recipe, 0.08, 7), pair, { range: RANGE });
    expect(noisy.illConditioned).toBe(true);
    expect(noisy.components[0]!.weightUncertainty).toBeGreaterThan(0.25);
    expect(noisy.warnings.join('\n')).toMatch(/ill-conditioned: the weights are uncertain to ±0\.\d+/);
  });
});

describe('fitAllCombinations (Larch lincombo_fitall, ranked by BIC on independent points)', () => {
  const candidates = refs('FeO', 'Fe2O3', 'Fe3O4', 'Fe', 'Fe3C', 'FeS2', 'goethite', 'siderite');

  test('puts the true two-component combination first and adds no false third component', () => {
    const spectrum = syntheticMixture([{ id: 'Fe', weight: 0.3 }, { id: 'Fe2O3', weight: 0.7 }], 0.004, 8);
    const result = fitAllCombinations(spectrum, candidates, { range: RANGE });
    expect(result.combinations).toBe(8 + 28 + 56);
    const best = result.fits[0]!;
    expect(best.components.map((c) => c.id).sort()).toEqual(['Fe', 'Fe2O3']);
    expect(Math.abs(weightOf(best, 'Fe') - 0.3)).toBeLessThan(0.02);
    expect(best.rank).toBe(1);
    expect(best.deltaCriterion).toBe(0);
    expect(best.allSignificant).toBe(true);
    // Ranked by the criterion; every kept fit gives each component at least 1 % of the weight.
    for (let i = 1; i < result.fits.length; i++) expect(result.fits[i]!.criterion).toBeGreaterThanOrEqual(result.fits[i - 1]!.criterion);
    for (const fit of result.fits) for (const c of fit.components) expect(c.weight).toBeGreaterThanOrEqual(0.01 * fit.weightSum);
    expect(result.dropped).toBeGreaterThan(0);
    expect(result.fits.length).toBe(result.combinations - result.dropped);
    const bestThree = result.fits.find((f) => f.components.length === 3)!;
    expect(bestThree.deltaCriterion).toBeGreaterThan(0);
  });

  test('finds a three-component mixture, with shifts fitted', () => {
    const spectrum = syntheticMixture([{ id: 'Fe', weight: 0.3 }, { id: 'goethite', weight: 0.4, shift: 1 }, { id: 'FeS2', weight: 0.3 }], 0.004, 9);
    const result = fitAllCombinations(spectrum, candidates, { range: RANGE, maxShift: 2, top: 5 });
    expect(result.fits).toHaveLength(5);
    const best = result.fits[0]!;
    expect(best.components.map((c) => c.id).sort()).toEqual(['Fe', 'FeS2', 'goethite']);
    for (const [id, w] of [['Fe', 0.3], ['goethite', 0.4], ['FeS2', 0.3]] as const) expect(Math.abs(weightOf(best, id) - w)).toBeLessThan(0.02);
    expect(Math.abs(best.components.find((c) => c.id === 'goethite')!.shift - 1)).toBeLessThan(0.15);
    expect(result.fits[1]!.deltaCriterion).toBeGreaterThan(10);
  });
});

describe('bad input is an InputError that says what to fix', () => {
  const spectrum = syntheticMixture([{ id: 'FeO', weight: 1 }], 0.002, 10);
  const expectInputError = (run: () => unknown, message: RegExp) => {
    expect(run).toThrow(InputError);
    expect(run).toThrow(message);
  };

  test('a range with too few points of the spectrum, or none', () => {
    expectInputError(() => lincomboFit(spectrum, refs('FeO'), { range: [7100, 7103] }), /holds 7 point\(s\).*at least 10: widen range/);
    expectInputError(() => lincomboFit(spectrum, refs('FeO'), { range: [8000, 8100] }), /holds 0 point\(s\)/);
    expectInputError(() => lincomboFit(spectrum, refs('FeO'), { range: [7180, 7100] }), /emin < emax/);
  });

  test('references that do not cover the range', () => {
    // The Hansel goethite record stops at 7247 eV.
    const wide = { energies: Array.from({ length: 401 }, (_, i) => 7100 + i), mu: new Array<number>(401).fill(1) };
    expectInputError(() => lincomboFit(wide, refs('FeO', 'goethite'), { range: [7100, 7400] }), /reference "goethite" covers 7062.*narrow range or leave the reference out/);
  });

  test('maxComponents outside 1…5, and no candidates', () => {
    for (const maxComponents of [0, 6, 2.5]) {
      expectInputError(() => fitAllCombinations(spectrum, refs('FeO', 'Fe'), { range: RANGE, maxComponents }), /maxComponents must be a whole number from 1 to 5/);
    }
    expectInputError(() => fitAllCombinations(spectrum, [], { range: RANGE }), /no candidate references/);
    expectInputError(() => lincomboFit(spectrum, [], { range: RANGE }), /no references given/);
  });

  test('bad shifts, duplicate ids and unordered energies', () => {
    expectInputError(() => lincomboFit(spectrum, refs('FeO'), { range: RANGE, maxShift: -1 }), /maxShift must be between 0 and 20 eV/);
    expectInputError(() => lincomboFit(spectrum, refs('FeO', 'Fe'), { range: RANGE, shiftStart: [0] }), /shiftStart has 1 shifts for 2 references/);
    expectInputError(() => lincomboFit(spectrum, [REF.FeO!, REF.FeO!], { range: RANGE }), /"FeO" is given twice/);
    const swapped = { energies: [...GRID], mu: [...spectrum.mu] };
    [swapped.energies[5], swapped.energies[6]] = [swapped.energies[6]!, swapped.energies[5]!];
    expectInputError(() => lincomboFit(swapped, refs('FeO'), { range: RANGE }), /energy must increase; found 7097.5 after 7098 at point 6/);
  });
});
