// The measured reference library over GraphQL (issue 10): seeded at start beside the FEFF catalogue, filterable,
// with provenance on every measured spectrum and on each match; identification for an element that has only
// measured references; a lab's own standard added by `npm run add-reference` (checked, one transaction, idempotent).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { graphql, testEnvironment } from '../support/env.ts';
import { npmRun } from '../support/process.ts';
import { REPO_ROOT } from '../support/service.ts';

const env = testEnvironment();
const fixture = (name: string) => fs.readFileSync(path.join(REPO_ROOT, 'tests/fixtures/spectra', name), 'utf8');
const libraryFile = (name: string) => fs.readFileSync(path.join(REPO_ROOT, 'seed/measured-references', name), 'utf8');
const manifestEntries = () =>
  fs.readdirSync(path.join(REPO_ROOT, 'seed/measured-references/manifest')).filter((n) => n.endsWith('.jsonl'))
    .flatMap((n) => fs.readFileSync(path.join(REPO_ROOT, 'seed/measured-references/manifest', n), 'utf8').split('\n').filter((l) => l.trim()));

const IDENTIFY = `query($input: SpectrumInput!, $options: IdentifyOptions) {
  identifySpectrum(input: $input, options: $options) {
    absorbingElement edge candidatesConsidered referenceMethods rankedBy confident warnings queryHalfStep
    oxidationState { value confidence }
    normalized { energies mu }
    matches { rank score correlation votes method energyShift referenceHalfStep curve { energies mu }
      material { id formula structure { cif } }
      spectrum { id method measured { recordId compound source sourceFile credit license mode beamline oxidationStates } } }
  }
}`;

describe('the measured reference library', () => {
  test('every manifest entry is stored as an EXPERIMENT spectrum with provenance; formula-only materials have no structure', async () => {
    const { body } = await graphql(`{
      all: spectra(filter: { method: EXPERIMENT }) { totalCount }
      fe: spectra(filter: { method: EXPERIMENT, absorbingElement: "Fe", formula: "Fe2O3" }, first: 50) {
        totalCount edges { node { id method measured { compound source credit license sampleGroup } material { id formula structure { cif } } } }
      }
    }`);
    expect(body.errors).toBeUndefined();
    expect(body.data.all.totalCount).toBe(manifestEntries().length);
    expect(body.data.fe.totalCount).toBeGreaterThanOrEqual(3);
    for (const { node } of body.data.fe.edges) {
      expect(node.method).toBe('EXPERIMENT');
      expect(node.material.formula).toBe('Fe2O3');
      expect(node.material.structure).toBeNull();
      expect(node.measured.credit.length).toBeGreaterThan(0);
      expect(node.measured.license.length).toBeGreaterThan(0);
    }
  });

  test('an Fe K XDI file from the XAS Data Library is identified against measured Fe references, with provenance', async () => {
    const file = libraryFile('xas-data-library/data/Fe/Fe2O3_rt_01.xdi');
    const { body } = await graphql(IDENTIFY, { input: { file }, options: { top: 5 } });
    expect(body.errors).toBeUndefined();
    const r = body.data.identifySpectrum;
    expect(r).toMatchObject({ absorbingElement: 'Fe', edge: 'K', referenceMethods: ['EXPERIMENT'] });
    expect(r.rankedBy).toMatch(/Borda vote/);
    // The file is itself a reference: it comes first, the same data, with where it comes from.
    const first = r.matches[0];
    expect(first.method).toBe('EXPERIMENT');
    expect(first.material.formula).toBe('Fe2O3');
    expect(first.correlation).toBeGreaterThan(0.9999);
    expect(first.spectrum.measured).toMatchObject({ source: 'xas-data-library', sourceFile: 'xas-data-library/data/Fe/Fe2O3_rt_01.xdi', mode: 'transmission' });
    expect(first.spectrum.measured.oxidationStates).toEqual([3]);
    expect(r.oxidationState.value).toBe(3);
    expect(r.confident).toBe(true);
    // Its curve as compared lies on the query's own normalised curve.
    expect(first.referenceHalfStep).toBeCloseTo(r.queryHalfStep, 1);
    const at = (energies: number[], mu: number[], e: number) => {
      const i = energies.findIndex((x) => x >= e);
      return mu[i - 1]! + ((mu[i]! - mu[i - 1]!) * (e - energies[i - 1]!)) / (energies[i]! - energies[i - 1]!);
    };
    for (const de of [-5, 0, 10, 30]) {
      expect(at(first.curve.energies, first.curve.mu, r.queryHalfStep + de)).toBeCloseTo(at(r.normalized.energies, r.normalized.mu, r.queryHalfStep + de), 1);
    }
    // Other Fe(III) oxides of other sources follow (excluding the same file, hematite ranks high).
    const others = await graphql(IDENTIFY, { input: { file }, options: { top: 10, groupByFormula: true } });
    expect(others.body.data.identifySpectrum.matches.every((m: any) => m.method === 'EXPERIMENT')).toBe(true);
  });

  test('Cu: FEFF and measured references in one ranking; the measured Cu2S file finds its own record, the FEFF-only ranking does not', async () => {
    const input = { file: fixture('Cu2S_13K_01.xdi') };
    const both = (await graphql(IDENTIFY, { input, options: { top: 3 } })).body.data.identifySpectrum;
    expect(both.referenceMethods).toEqual(['FEFF', 'EXPERIMENT']);
    expect(both.matches[0]).toMatchObject({ method: 'EXPERIMENT', material: { formula: 'Cu2S' } });
    expect(both.matches[0].spectrum.measured.recordId).toBe('xdl-cu2s-13k-01');
    const feff = (await graphql(IDENTIFY, { input, options: { top: 3, referenceMethods: ['FEFF'] } })).body.data.identifySpectrum;
    expect(feff.matches.every((m: any) => m.method === 'FEFF')).toBe(true);
    expect(feff.confident).toBe(false);
  });

  test('restrictElements keeps references made of the absorber and the given elements only', async () => {
    const file = libraryFile('xas-data-library/data/Fe/Fe2O3_rt_01.xdi');
    const { body } = await graphql(IDENTIFY, { input: { file }, options: { top: 20, restrictElements: ['O'] } });
    expect(body.errors).toBeUndefined();
    for (const m of body.data.identifySpectrum.matches) {
      const elements = new Set(m.material.formula.match(/[A-Z][a-z]?/g));
      for (const el of elements) expect(['Fe', 'O']).toContain(el);
    }
  });
});

describe('npm run add-reference', () => {
  const addReference = (...args: string[]) => npmRun('add-reference', args, env.databaseUrl);
  const count = async () => {
    const pool = new pg.Pool({ connectionString: env.databaseUrl, max: 1 });
    try {
      return (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM "measured_reference" WHERE source = 'user'`)).rows[0]!.n;
    } finally {
      await pool.end();
    }
  };

  test('refuses without a formula, an oxidation state, or at the wrong edge (nothing written); adds once; the same file again changes nothing', async () => {
    // A real measurement: the XAS Data Library's upload test (FeO, Fe K, stored as mutrans; no Sample.formula).
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'add-reference-'));
    const file = path.join(dir, 'uploadtest.xdi');
    fs.writeFileSync(file, fixture('uploadtest.xdi'));
    const before = await count();

    const noFormula = await addReference(file, '--oxidation-state', '2');
    expect(noFormula.status).toBe(1);
    expect(noFormula.stderr).toMatch(/no formula: give --formula/);
    const noState = await addReference(file, '--formula', 'FeO');
    expect(noState.status).toBe(1);
    expect(noState.stderr).toMatch(/no oxidation state: give --oxidation-state/);
    const wrongEdge = await addReference(file, '--formula', 'MnO', '--oxidation-state', '2', '--element', 'Mn', '--edge', 'K');
    expect(wrongEdge.status).toBe(1);
    expect(wrongEdge.stderr).toMatch(/is not at the Mn K edge/);
    expect(await count()).toBe(before);

    const added = await addReference(file, '--formula', 'FeO', '--oxidation-state', '2', '--compound', 'wüstite', '--id', 'user-test-feo');
    expect(added.status).toBe(0);
    expect(added.stdout).toMatch(/added exp-FeO-\S+-user-test-feo/);
    expect(await count()).toBe(before + 1);
    const again = await addReference(file, '--formula', 'FeO', '--oxidation-state', '2', '--id', 'user-test-feo');
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/already stored as user-test-feo; nothing changed/);
    expect(await count()).toBe(before + 1);
    const { body } = await graphql(`{ spectra(filter: { method: EXPERIMENT, formula: "FeO", absorbingElement: "Fe" }, first: 50) { edges { node { measured { recordId compound source } } } } }`);
    expect(body.data.spectra.edges.map((e: any) => e.node.measured)).toContainEqual({ recordId: 'user-test-feo', compound: 'wüstite', source: 'user' });
  });
});
