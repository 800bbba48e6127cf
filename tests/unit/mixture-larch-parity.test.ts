// Parity of lincomboFit with Larch 0.9.58's lincombo_fit on the committed fixture tests/fixtures/larch-lincombo/
// (measured Fe K references of the XAS Data Library and SYNTHETIC mixtures of them, all on one grid; written by
// make_reference.py, which tests/python/larch-lincombo.test.ts re-runs so the JSON cannot go stale).
// Fixed shifts: the definitions are the same (χ², reduced χ², R-factor, lmfit's scaled standard errors, AIC, BIC), so
// the numbers must agree to rounding; the bar is 1e-3 on weights and 1 % on R-factors.
// Larch's vary_e0 shifts the data, extrapolating it past the fit range; ours shifts the references (commonShift):
// those cases are checked against the synthetic truth, and for a fit no worse than Larch's (see make_reference.py).
import fs from 'node:fs';
import path from 'node:path';
import { lincomboFit } from '../../src/spectra/mixture/index.ts';
import { REPO_ROOT } from '../support/process.ts';

const FIXTURE = path.join(REPO_ROOT, 'tests/fixtures/larch-lincombo');

interface LarchFit {
  name: string;
  mixture: string;
  components: string[];
  sumToOne: boolean;
  varyE0: boolean;
  weights: number[];
  weightStderr: (number | null)[];
  e0Shift: number;
  chiSquare: number;
  reducedChiSquare: number;
  rFactor: number;
  points: number;
  varied: number;
  aic: number;
  bic: number;
}
interface Inputs {
  energies: number[];
  range: [number, number];
  references: Record<string, number[]>;
  mixtures: Record<string, number[]>;
  mixtureRecipes: Record<string, { weights: Record<string, number>; scale: number; shift: number }>;
}

const inputs = JSON.parse(fs.readFileSync(path.join(FIXTURE, 'inputs.json'), 'utf8')) as Inputs;
const reference = JSON.parse(fs.readFileSync(path.join(FIXTURE, 'reference.json'), 'utf8')) as { larch: string; fits: LarchFit[] };

function ours(c: LarchFit) {
  return lincomboFit(
    { energies: inputs.energies, mu: inputs.mixtures[c.mixture]! },
    c.components.map((id) => ({ id, energies: inputs.energies, mu: inputs.references[id]! })),
    { range: inputs.range, sumToOne: c.sumToOne, maxShift: c.varyE0 ? 3 : 0, commonShift: true },
  );
}

test('the fixture is Larch 0.9.58 and covers both sums, 2 and 3 components, with and without e0', () => {
  expect(reference.larch).toMatch(/^0\.9\.58/);
  expect(reference.fits.filter((c) => !c.varyE0).length).toBeGreaterThanOrEqual(6);
  expect(new Set(reference.fits.map((c) => `${c.sumToOne}/${c.varyE0}/${c.components.length}`)).size).toBeGreaterThanOrEqual(5);
});

describe.each(reference.fits.filter((c) => !c.varyE0).map((c) => [c.name, c] as const))('fixed shifts: %s', (_name, c) => {
  const fit = ours(c);
  test('weights within 1e-3 of Larch (to rounding in fact), summing to 1 when asked', () => {
    fit.components.forEach((component, j) => {
      expect(component.id).toBe(c.components[j]);
      expect(Math.abs(component.weight - c.weights[j]!)).toBeLessThan(1e-6);
    });
    if (c.sumToOne) expect(Math.abs(fit.weightSum - 1)).toBeLessThan(1e-9);
  });
  test('R-factor within 1 %, χ², reduced χ², AIC, BIC and the point and parameter counts as Larch/lmfit', () => {
    expect(Math.abs(fit.rFactor / c.rFactor - 1)).toBeLessThan(1e-6);
    expect(Math.abs(fit.chiSquare / c.chiSquare - 1)).toBeLessThan(1e-6);
    expect(Math.abs(fit.reducedChiSquare / c.reducedChiSquare - 1)).toBeLessThan(1e-6);
    expect(fit.points).toBe(c.points);
    expect(fit.variables).toBe(c.varied);
    expect(Math.abs(fit.aic - c.aic)).toBeLessThan(1e-6);
    expect(Math.abs(fit.bic - c.bic)).toBeLessThan(1e-6);
  });
  test("weight uncertainties as lmfit's (covariance scaled by reduced χ²)", () => {
    fit.components.forEach((component, j) => {
      expect(component.weightUncertainty).not.toBeNull();
      expect(Math.abs(component.weightUncertainty! / c.weightStderr[j]! - 1)).toBeLessThan(1e-3);
    });
  });
});

describe.each(reference.fits.filter((c) => c.varyE0).map((c) => [c.name, c] as const))('a common shift against Larch vary_e0: %s', (_name, c) => {
  const fit = ours(c);
  const recipe = inputs.mixtureRecipes[c.mixture]!;
  test('our shift and weights recover the synthetic truth; Larch lands within 0.25 eV and 0.05 of it', () => {
    for (const component of fit.components) {
      expect(Math.abs(component.shift - recipe.shift)).toBeLessThan(0.03);
      expect(Math.abs(component.weight - recipe.scale * recipe.weights[component.id]!)).toBeLessThan(0.01);
    }
    expect(Math.abs(c.e0Shift - recipe.shift)).toBeLessThan(0.25);
    c.components.forEach((id, j) => expect(Math.abs(c.weights[j]! - fit.components[j]!.weight)).toBeLessThan(0.05));
  });
  test('our R-factor is no worse than Larch’s', () => {
    expect(fit.rFactor).toBeLessThanOrEqual(c.rFactor * 1.01);
    expect(fit.variables).toBe(c.varied);
    expect(fit.points).toBe(c.points);
  });
});
