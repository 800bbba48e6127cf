// identifySpectrum / identifySpectra over GraphQL against the seeded catalogue (2,523 Cu K-edge averages).
import fs from 'node:fs';
import path from 'node:path';
import { graphql } from '../support/env.ts';
import { REPO_ROOT } from '../support/service.ts';

const fixture = (name: string) => fs.readFileSync(path.join(REPO_ROOT, 'tests/fixtures/spectra', name));

const IDENTIFY = `query($input: SpectrumInput!, $options: IdentifyOptions) {
  identifySpectrum(input: $input, options: $options) {
    absorbingElement edge candidatesConsidered confident warnings
    oxidationState { value confidence distribution { value share } }
    oxidationStatePrior { value confidence distribution { value share } }
    coordinationNumber { value confidence distribution { value share } }
    matches { rank score votes energyShift energyScale material { id formula elements } spectrum { id siteIndex } }
    normalized { e0 edgeStep energies mu }
  }
}`;

async function identify(input: Record<string, unknown>, options: Record<string, unknown> = {}) {
  const { body } = await graphql(IDENTIFY, { input, options });
  return body;
}

async function catalogueSpectrum(id: string): Promise<{ energies: number[]; mu: number[] }> {
  const { body } = await graphql(`query($id: ID!) { spectrum(id: $id) { energies mu } }`, { id });
  return body.data.spectrum;
}

describe('identifySpectrum', () => {
  test('a measured CuO (tenorite) XDI file: Cu K edge, ten ranked matches, Cu(II) by consensus', async () => {
    // Against the computed catalogue only: the measured library holds this very file (see the measured tests).
    const body = await identify({ file: fixture('CuO_tenorite_13K_01.xdi').toString('utf8') }, { referenceMethods: ['FEFF'] });
    expect(body.errors).toBeUndefined();
    const r = body.data.identifySpectrum;
    expect(r).toMatchObject({ absorbingElement: 'Cu', edge: 'K', candidatesConsidered: 2523 });
    expect(r.matches.map((m: any) => m.rank)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    for (const m of r.matches) {
      expect(m.score).toBeGreaterThanOrEqual(0);
      expect(m.score).toBeLessThanOrEqual(1);
      expect(m.spectrum.siteIndex).toBeNull();
      expect(m.spectrum.id).toBe(`${m.material.id}-XANES-Cu-K`);
    }
    const votes = r.matches.map((m: any) => m.votes);
    expect([...votes].sort((a, b) => b - a)).toEqual(votes);
    expect(r.oxidationState.value).toBe(2);
    // The learned prior's own view: a distribution over +1, +2, +3 (blended into oxidationState for measured spectra).
    expect(r.oxidationStatePrior.distribution.map((d: any) => d.value).sort()).toEqual([1, 2, 3]);
    expect(r.oxidationStatePrior.distribution.reduce((s: number, d: any) => s + d.share, 0)).toBeCloseTo(1, 5);
    // Its top matches agree on Cu(II) and correlate well: a confident answer about the chemistry.
    expect(r.oxidationState.confidence).toBeGreaterThanOrEqual(0.8);
    expect(r.confident).toBe(true);
    expect(r.warnings.filter((w: string) => w.startsWith('no confident match'))).toEqual([]);
    expect(r.oxidationState.distribution.reduce((s: number, d: any) => s + d.share, 0)).toBeCloseTo(1, 9);
    expect(r.normalized.e0).toBeGreaterThan(8975);
    expect(r.normalized.e0).toBeLessThan(9000);
    expect(r.normalized.energies.length).toBe(r.normalized.mu.length);
  });

  test.each(['ENSEMBLE', 'ELSIE_REFERENCE'])('%s: a catalogue spectrum sent back (computed) finds its own material first', async (method) => {
    const own = await catalogueSpectrum('mp-1005792-XANES-Cu-K');
    const body = await identify({ ...own, absorbingElement: 'Cu', edge: 'K', computed: true }, { method, top: 3 });
    expect(body.errors).toBeUndefined();
    const first = body.data.identifySpectrum.matches[0];
    expect(first.material.id).toBe('mp-1005792');
    expect(Math.abs(first.energyShift)).toBeLessThan(0.5);
    expect(first.energyScale).toBe(1);
    // Only ENSEMBLE consults the oxidation-state prior; a computed input's oxidationState is the matches' vote alone.
    const r = body.data.identifySpectrum;
    if (method === 'ELSIE_REFERENCE') expect(r.oxidationStatePrior).toBeNull();
    else expect(r.oxidationStatePrior.distribution.length).toBe(3);
  });

  test('a known energy shift of the input comes back as the match’s energyShift', async () => {
    const own = await catalogueSpectrum('mp-1005792-XANES-Cu-K');
    const shifted = { energies: own.energies.map((e) => e + 4), mu: own.mu, absorbingElement: 'Cu', edge: 'K', computed: true };
    const first = (await identify(shifted, { top: 1 })).data.identifySpectrum.matches[0];
    expect(first.material.id).toBe('mp-1005792');
    expect(first.energyShift).toBeCloseTo(4, 0);
  });

  test('Cu2S is not in the computed catalogue: no confident match against FEFF', async () => {
    const r = (await identify({ file: fixture('Cu2S_13K_01.xdi').toString('utf8') }, { referenceMethods: ['FEFF'] })).data.identifySpectrum;
    expect(r.confident).toBe(false);
    expect(r.warnings).toContainEqual(expect.stringMatching(/^no confident match: /));
    expect(r.matches.length).toBe(10);
  });

  test('restrictElements and groupByFormula', async () => {
    const file = fixture('CuO_tenorite_13K_01.xdi').toString('utf8');
    const r = (await identify({ file }, { restrictElements: ['O'], groupByFormula: true, top: 20 })).data.identifySpectrum;
    expect(r.candidatesConsidered).toBeGreaterThan(0);
    expect(r.candidatesConsidered).toBeLessThan(100);
    for (const m of r.matches) for (const el of m.material.elements) expect(['Cu', 'O']).toContain(el);
    const formulas = r.matches.map((m: any) => m.material.formula);
    expect(new Set(formulas).size).toBe(formulas.length);
    expect(formulas).toContain('CuO');
  });

  test('plain columns: a measured Cu foil (no Cu metal in the catalogue) is not a confident match', async () => {
    const r = await identify({ file: fixture('cu.xmu').toString('utf8'), format: 'COLUMNS', absorbingElement: 'Cu' }, { referenceMethods: ['FEFF'] });
    expect(r.errors).toBeUndefined();
    expect(r.data.identifySpectrum).toMatchObject({ absorbingElement: 'Cu', edge: 'K', confident: false });
    // The measured library has Cu foils: against measured references the foil is named.
    const measured = await identify({ file: fixture('cu.xmu').toString('utf8'), format: 'COLUMNS', absorbingElement: 'Cu' }, { referenceMethods: ['EXPERIMENT'], top: 1 });
    expect(measured.data.identifySpectrum.matches[0].material.formula).toBe('Cu');
  });

  test('pymatgen XAS JSON is read; a Co K-edge spectrum has only measured references, and asking for FEFF ones is refused', async () => {
    // A FEFF spectrum whose JSON does not name its code: sent with computed: true.
    const r = await identify({ file: fixture('LiCoO2_k_xanes.json').toString('utf8'), format: 'AUTO', computed: true });
    expect(r.errors).toBeUndefined();
    expect(r.data.identifySpectrum).toMatchObject({ absorbingElement: 'Co', edge: 'K' });
    const feff = await identify({ file: fixture('LiCoO2_k_xanes.json').toString('utf8'), format: 'AUTO', computed: true }, { referenceMethods: ['FEFF'] });
    expect(feff.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(feff.errors?.[0]?.message).toMatch(/no FEFF references for the Co K edge \(it has EXPERIMENT\): change referenceMethods/);
  });

  test('a gzipped Athena project sent as base64', async () => {
    const r = await identify({ file: fixture('cu-generated.prj.gz').toString('base64'), format: 'ATHENA_PRJ' }, { top: 3 });
    expect(r.errors).toBeUndefined();
    expect(r.data.identifySpectrum).toMatchObject({ absorbingElement: 'Cu', edge: 'K' });
    expect(r.data.identifySpectrum.matches).toHaveLength(3);
  });
});

describe('identifySpectra', () => {
  test('answers a series in input order', async () => {
    const own = await catalogueSpectrum('mp-1005792-XANES-Cu-K');
    const { body } = await graphql(
      `query($inputs: [SpectrumInput!]!) { identifySpectra(inputs: $inputs, options: { top: 1 }) { matches { material { id } } } }`,
      { inputs: [{ file: fixture('CuO_tenorite_13K_01.xdi').toString('utf8') }, { ...own, absorbingElement: 'Cu', computed: true }] },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.identifySpectra).toHaveLength(2);
    expect(body.data.identifySpectra[1].matches[0].material.id).toBe('mp-1005792');
  });

  test('a long series is split across the identification threads and comes back whole, in order', async () => {
    const ids = ['mp-1005792', 'mp-1212085', 'mp-555515'];
    const spectra = await Promise.all(ids.map((id) => catalogueSpectrum(`${id}-XANES-Cu-K`)));
    const inputs = Array.from({ length: 120 }, (_, k) => ({ ...spectra[k % 3]!, absorbingElement: 'Cu', edge: 'K', computed: true }));
    const query = `query($inputs: [SpectrumInput!]!) { identifySpectra(inputs: $inputs, options: { top: 1 }) { matches { material { id } } } }`;
    const { body } = await graphql(query, { inputs });
    expect(body.errors).toBeUndefined();
    expect(body.data.identifySpectra.map((r: any) => r.matches[0].material.id)).toEqual(inputs.map((_, k) => ids[k % 3]));
    // Bad inputs in both halves: the earliest one is reported, numbered in the whole series.
    const bad = { energies: [8980, 8990, 9000], mu: [0, 1, 1], absorbingElement: 'Cu' };
    const broken = inputs.map((input, k) => (k === 37 || k === 101 ? bad : input));
    const failed = (await graphql(query, { inputs: broken })).body;
    expect(failed.errors![0].extensions.code).toBe('BAD_USER_INPUT');
    expect(failed.errors![0].message).toMatch(/^inputs\[37\]: .*at least 20/);
    const late = (await graphql(query, { inputs: inputs.map((input, k) => (k === 101 ? bad : input)) })).body;
    expect(late.errors![0].message).toMatch(/^inputs\[101\]: /);
  });
});

describe('bad input', () => {
  const codeAndMessage = (body: any) => [body.errors?.[0]?.extensions?.code, body.errors?.[0]?.message];

  test.each([
    ['no spectrum at all', {}, {}, /give the spectrum as energies and mu/],
    ['both arrays and a file', { energies: [1], mu: [1], file: 'x' }, {}, /either energies and mu, or a file/],
    ['too few points', { energies: [8980, 8990, 9000], mu: [0, 1, 1], absorbingElement: 'Cu' }, {}, /at least 20/],
    ['a negative energy', { energies: Array.from({ length: 30 }, (_, i) => i - 5), mu: Array.from({ length: 30 }, () => 1), absorbingElement: 'Cu' }, {}, /energy must be positive/],
    ['top too large', { file: 'placeholder' }, { top: 101 }, /top must be between 1 and 100/],
    ['an unknown element in restrictElements', { file: 'placeholder' }, { restrictElements: ['Qq'] }, /"Qq" is not an element symbol/],
  ])('%s', async (_name, input, options, message) => {
    const realFile = fixture('CuO_tenorite_13K_01.xdi').toString('utf8');
    const body = await identify((input as any).file === 'placeholder' ? { file: realFile } : input, options);
    const [code, text] = codeAndMessage(body);
    expect(code).toBe('BAD_USER_INPUT');
    expect(text).toMatch(message);
  });

  test('an element the catalogue has no spectra for lists what it has', async () => {
    // SYNTHETIC: a smooth step at the Ga K edge (10,367 eV), where neither catalogue nor library has references.
    const energies = Array.from({ length: 300 }, (_, i) => 10267 + i);
    const mu = energies.map((e) => 0.5 * (1 + Math.tanh((e - 10367) / 3)));
    const body = await identify({ energies, mu, absorbingElement: 'Ga', edge: 'K' });
    const [code, text] = codeAndMessage(body);
    expect(code).toBe('BAD_USER_INPUT');
    expect(text).toMatch(/no XANES spectra for the Ga K edge; it has: .*Cu K XANES \(\d+ spectra\).*Fe K XAFS/);
  });

  test('a batch over 1,000 spectra', async () => {
    const input = { energies: [1, 2], mu: [1, 2] };
    const { body } = await graphql(`query($inputs: [SpectrumInput!]!) { identifySpectra(inputs: $inputs) { confident } }`, {
      inputs: Array.from({ length: 1001 }, () => input),
    });
    expect(codeAndMessage(body)).toEqual(['BAD_USER_INPUT', expect.stringMatching(/at most 1000 spectra per call \(got 1001\)/)]);
  });
});

describe('POST /identify (multipart upload)', () => {
  const { baseUrl } = JSON.parse(process.env.XASGRAPH_TEST_ENV!);

  test('a file upload answers the same JSON as identifySpectrum', async () => {
    const form = new FormData();
    form.append('file', new Blob([fixture('CuO_tenorite_13K_01.xdi')]), 'CuO_tenorite_13K_01.xdi');
    const response = await fetch(`${baseUrl}/identify?top=3&groupByFormula=true`, { method: 'POST', body: form });
    expect(response.status).toBe(200);
    const upload = (await response.json()) as any;
    const viaGraphql = await identify({ file: fixture('CuO_tenorite_13K_01.xdi').toString('utf8') }, { top: 3, groupByFormula: true });
    const ids = (r: any) => r.matches.map((m: any) => m.material.id);
    expect(ids(upload.data.identifySpectrum)).toEqual(ids(viaGraphql.data.identifySpectrum));
    expect(upload.data.identifySpectrum.matches[0].score).toBe(viaGraphql.data.identifySpectrum.matches[0].score);
  });

  test('a gzipped file, and bad uploads', async () => {
    const gz = new FormData();
    gz.append('file', new Blob([fixture('cu-generated.prj.gz')]), 'cu.prj.gz');
    const ok = await fetch(`${baseUrl}/identify?top=1`, { method: 'POST', body: gz });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as any).data.identifySpectrum.absorbingElement).toBe('Cu');

    const empty = new FormData();
    empty.append('note', 'no file here');
    const noFile = await fetch(`${baseUrl}/identify`, { method: 'POST', body: empty });
    expect(noFile.status).toBe(400);
    expect(((await noFile.json()) as any).errors[0].message).toMatch(/no file: send it as the multipart form field "file"/);

    const tooFew = new FormData();
    tooFew.append('file', new Blob(['8980 0\n8990 1\n9000 1\n']), 'short.txt');
    const bad = await fetch(`${baseUrl}/identify?absorbingElement=Cu`, { method: 'POST', body: tooFew });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });
});

describe('off the event loop', () => {
  test('a slow identification (ELSIE_REFERENCE, ~1 s) does not hold up other requests', async () => {
    const { baseUrl } = JSON.parse(process.env.XASGRAPH_TEST_ENV!);
    const finished: string[] = [];
    const slow = identify({ file: fixture('CuO_tenorite_13K_01.xdi').toString('utf8') }, { method: 'ELSIE_REFERENCE', top: 1 }).then((body) => {
      expect(body.errors).toBeUndefined();
      finished.push('identify');
    });
    await new Promise((r) => setTimeout(r, 150)); // the identification is under way in a worker thread
    const health = fetch(`${baseUrl}/healthz`).then((r) => {
      expect(r.status).toBe(200);
      finished.push('healthz');
    });
    await Promise.all([slow, health]);
    expect(finished).toEqual(['healthz', 'identify']);
  });
});
