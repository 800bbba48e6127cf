// fitMixture and decomposeSeries over GraphQL (issue 13), on SYNTHETIC mixtures of REAL measured Fe K references of
// the bundled library (XAS Data Library FeO and Fe2O3 at room temperature): the spectra are real, their mixing is ours.
import { normalizeMeasured } from '../../src/spectra/ensemble/index.ts';
import { interp } from '../../src/spectra/math.ts';
import { graphql, testEnvironment } from '../support/env.ts';

interface Reference {
  id: string;
  formula: string;
  recordId: string;
  energies: number[];
  mu: number[];
}

const FIT = `query($input: SpectrumInput!, $options: MixtureOptions) {
  fitMixture(input: $input, options: $options) {
    absorbingElement edge rankedBy fitFrom fitTo confident warnings
    candidates { score method spectrum { id } material { formula } }
    fits { rank weightSum rFactor chiSquare reducedChiSquare criterion illConditioned warnings
      components { weight weightUncertainty energyShift method material { formula } spectrum { id } }
      curve { energies mu fit residual } }
  }
}`;

const SERIES = `query($inputs: [SpectrumInput!]!, $options: SeriesOptions) {
  decomposeSeries(inputs: $inputs, options: $options) {
    absorbingElement edge spectra energies lackOfFit iterations converged warnings concentrations
    pca { eigenvalues explainedVariance ind components rule }
    components { index mu identification { matches { material { formula } } } }
  }
}`;

let refs: Map<string, Reference>;

beforeAll(async () => {
  const { body } = await graphql(`{
    spectra(filter: { method: EXPERIMENT, absorbingElement: "Fe" }, first: 100) {
      edges { node { id energies mu measured { recordId } material { formula } } }
    }
  }`);
  expect(body.errors).toBeUndefined();
  refs = new Map(
    body.data.spectra.edges.map(({ node }: { node: { id: string; energies: number[]; mu: number[]; measured: { recordId: string }; material: { formula: string } } }) => [
      node.measured.recordId,
      { id: node.id, formula: node.material.formula, recordId: node.measured.recordId, energies: node.energies, mu: node.mu },
    ]),
  );
});

/** Deterministic Gaussian noise (LCG + Box–Muller). */
function gaussian(seed: number): () => number {
  let state = seed;
  const uniform = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  return () => Math.sqrt(-2 * Math.log(uniform() + 1e-300)) * Math.cos(2 * Math.PI * uniform());
}

/**
 * A SYNTHETIC measurement Σ wᵢ·(normalised refᵢ) on the first reference's energies, with a raw-like background and
 * Gaussian noise of 0.3 % of the edge step.
 */
function mixture(parts: { record: string; weight: number }[]): { energies: number[]; mu: number[]; absorbingElement: string; edge: string } {
  const normalized = parts.map((p) => {
    const r = refs.get(p.record);
    if (!r) throw new Error(`the library has no record ${p.record}`);
    return normalizeMeasured(r.energies, r.mu);
  });
  const low = Math.max(...normalized.map((n) => n.energies[0]!));
  const high = Math.min(...normalized.map((n) => n.energies[n.energies.length - 1]!));
  const energies = normalized[0]!.energies.filter((e) => e >= low && e <= high);
  const sum = new Float64Array(energies.length);
  normalized.forEach((n, k) => interp(energies, n.energies, n.flat).forEach((y, i) => (sum[i] = sum[i]! + parts[k]!.weight * y)));
  const noise = gaussian(17);
  return { energies, mu: Array.from(sum, (y) => 0.1 + 1.5 * (y + 0.003 * noise())), absorbingElement: 'Fe', edge: 'K' };
}

const FEO = 'xdl-feo-rt-01';
const HEMATITE = 'xdl-fe2o3-rt-01';

describe('fitMixture', () => {
  test('a 60/40 FeO + Fe2O3 mixture is fitted by those two compounds with their weights, with curves to plot', async () => {
    const { body } = await graphql(FIT, { input: mixture([{ record: FEO, weight: 0.6 }, { record: HEMATITE, weight: 0.4 }]) });
    expect(body.errors).toBeUndefined();
    const r = body.data.fitMixture;
    expect(r).toMatchObject({ absorbingElement: 'Fe', edge: 'K', confident: true });
    expect(r.candidates.length).toBeGreaterThanOrEqual(2);
    expect(new Set(r.candidates.map((c: { material: { formula: string } }) => c.material.formula)).size).toBe(r.candidates.length);
    const best = r.fits[0];
    const weightOf = (formula: string) =>
      best.components.filter((c: { material: { formula: string } }) => c.material.formula === formula).reduce((s: number, c: { weight: number }) => s + c.weight, 0);
    expect(weightOf('FeO')).toBeCloseTo(0.6, 1);
    expect(weightOf('Fe2O3')).toBeCloseTo(0.4, 1);
    expect(best.weightSum).toBeCloseTo(1, 9);
    expect(best.rFactor).toBeLessThan(0.01);
    expect(best.illConditioned).toBe(false);
    for (const c of best.components) expect(c.weightUncertainty).toBeGreaterThanOrEqual(0);
    expect(best.curve.energies.length).toBeGreaterThan(50);
    expect(best.curve.fit).toHaveLength(best.curve.energies.length);
    best.curve.residual.forEach((d: number, i: number) => expect(d).toBeCloseTo(best.curve.mu[i] - best.curve.fit[i], 9));
    expect(best.curve.energies[0]).toBeGreaterThanOrEqual(r.fitFrom - 1e-9);
    // Ranked: the statistic never decreases down the list.
    for (let i = 1; i < r.fits.length; i++) expect(r.fits[i].criterion).toBeGreaterThanOrEqual(r.fits[i - 1].criterion);
  });

  test('named references are the only candidates (as one picks standards in Athena)', async () => {
    const names = [refs.get(FEO)!.id, refs.get(HEMATITE)!.id];
    const { body } = await graphql(FIT, { input: mixture([{ record: FEO, weight: 0.3 }, { record: HEMATITE, weight: 0.7 }]), options: { references: names, maxComponents: 2 } });
    expect(body.errors).toBeUndefined();
    const r = body.data.fitMixture;
    expect(r.candidates.map((c: { spectrum: { id: string } }) => c.spectrum.id).sort()).toEqual([...names].sort());
    expect(r.candidates.every((c: { score: number | null }) => c.score === null)).toBe(true);
    const best = r.fits[0];
    expect(best.components).toHaveLength(2);
    const hematite = best.components.find((c: { spectrum: { id: string } }) => c.spectrum.id === refs.get(HEMATITE)!.id);
    expect(hematite.weight).toBeCloseTo(0.7, 1);
  });

  test('bad options and references of another element are BAD_USER_INPUT with what to fix', async () => {
    const input = mixture([{ record: FEO, weight: 0.5 }, { record: HEMATITE, weight: 0.5 }]);
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ maxComponents: 6 }, /maxComponents must be a whole number from 1 to 5/],
      [{ references: ['mp-1005792-XANES-Cu-K'] }, /not a Fe K XANES reference/],
      [{ range: { from: 3000, to: 3100 } }, /range/],
      [{ maxShift: -1 }, /maxShift/],
    ];
    for (const [options, message] of cases) {
      const { body } = await graphql(FIT, { input, options });
      expect([options, body.errors?.[0]?.extensions?.code]).toEqual([options, 'BAD_USER_INPUT']);
      expect(body.errors![0]!.message).toMatch(message);
    }
  });
});

describe('POST /identify?mixture=true', () => {
  test('a two-column file of a SYNTHETIC 50/50 mixture is fitted like fitMixture; a bad number is a 400 naming it', async () => {
    const { energies, mu } = mixture([{ record: FEO, weight: 0.5 }, { record: HEMATITE, weight: 0.5 }]);
    const form = new FormData();
    form.set('file', new Blob([energies.map((e, i) => `${e} ${mu[i]}`).join('\n')]), 'mixture.txt');
    const url = `${testEnvironment().baseUrl}/identify?mixture=true&absorbingElement=Fe&edge=K&maxComponents=2&rangeFrom=-20&rangeTo=60`;
    const response = await fetch(url, { method: 'POST', body: form });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { data: { fitMixture: { fitFrom: number; fitTo: number; fits: { components: { weight: number; material: { formula: string } }[] }[] } } };
    const best = body.data.fitMixture.fits[0]!;
    expect(best.components.map((c) => c.material.formula).sort()).toEqual(['Fe2O3', 'FeO']);
    for (const c of best.components) expect(c.weight).toBeCloseTo(0.5, 1);
    expect(body.data.fitMixture.fitTo - body.data.fitMixture.fitFrom).toBeGreaterThan(70);

    const bad = await fetch(`${testEnvironment().baseUrl}/identify?mixture=true&maxShift=lots`, { method: 'POST', body: form });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: { message: string }[] }).errors[0]!.message).toMatch(/maxShift must be a number/);
  });
});

describe('decomposeSeries', () => {
  test('a SYNTHETIC reduction Fe2O3 → FeO over 40 spectra: 2 components, the profile, both identified', async () => {
    const n = 40;
    const truth = Array.from({ length: n }, (_, i) => 1 / (1 + Math.exp(-(i / (n - 1) - 0.5) * 12)));
    const inputs = truth.map((x) => mixture([{ record: HEMATITE, weight: 1 - x }, { record: FEO, weight: x }]));
    const { body } = await graphql(SERIES, { inputs, options: { referenceMethods: ['EXPERIMENT'] } });
    expect(body.errors).toBeUndefined();
    const d = body.data.decomposeSeries;
    expect(d).toMatchObject({ absorbingElement: 'Fe', edge: 'K', spectra: n });
    expect(d.pca.components).toBe(2);
    expect(d.pca.rule.length).toBeGreaterThan(10);
    expect(d.components).toHaveLength(2);
    expect(d.concentrations).toHaveLength(n);
    for (const row of d.concentrations) expect(row.reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 6);
    // Which component is FeO: the one identified as FeO; its concentration follows the truth.
    const formulas = d.components.map((c: { identification: { matches: { material: { formula: string } }[] } }) => c.identification.matches[0]!.material.formula);
    expect([...formulas].sort()).toEqual(['Fe2O3', 'FeO']);
    const feo = formulas.indexOf('FeO');
    const rms = Math.sqrt(truth.reduce((s, x, i) => s + (x - d.concentrations[i][feo]) ** 2, 0) / n);
    expect(rms).toBeLessThan(0.05);
  });

  test('a series of one, or of two elements, is BAD_USER_INPUT', async () => {
    const fe = mixture([{ record: FEO, weight: 1 }]);
    const one = await graphql(SERIES, { inputs: [fe] });
    expect(one.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(one.body.errors![0]!.message).toMatch(/at least 2 spectra/);
    const cu = await graphql(`{ spectrum(id: "mp-1005792-XANES-Cu-K") { energies mu } }`);
    const mixed = await graphql(SERIES, { inputs: [fe, { ...cu.body.data.spectrum, computed: true }] });
    expect(mixed.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(mixed.body.errors![0]!.message).toMatch(/inputs\[1\] is a Cu K spectrum but inputs\[0\] is Fe K/);
  });
});
