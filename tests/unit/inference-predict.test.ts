/** @jest-environment <rootDir>/tests/support/onnx-environment.mjs */
// Structure → spectrum orchestration: site classes and descriptors, site averaging, batching across structures,
// the errors a user can cause, and the choice of a model.
import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../../src/errors.ts';
import { chooseModel, compareVersionsDescending } from '../../src/inference/choose.ts';
import { type OpenModel, openModel, type SpectrumModel } from '../../src/inference/model.ts';
import { featurise, predictStructure, predictStructures, siteAveraged } from '../../src/inference/predict.ts';
import { type ModelFiles, readModelDir } from '../../src/inference/sidecar.ts';
import { structureDescriptors } from '../../src/structure/descriptor.ts';
import { resolveStructureInput } from '../../src/structure/input.ts';
import type { Molecule, Structure } from '../../src/structure/structure.ts';
import { sigmaAllowance } from '../support/model-parity.ts';
import { seedRecords } from '../support/seed.ts';
import { REPO_ROOT } from '../support/service.ts';

const FIXTURES = path.join(REPO_ROOT, 'tests/fixtures');
const fixtureFiles = readModelDir(path.join(FIXTURES, 'models')).models[0]!;
const read = (relative: string) => resolveStructureInput({ file: fs.readFileSync(path.join(FIXTURES, relative), 'utf8') });
const cuo = read('structures/poscar/mp-704645-vasp4-generated.vasp') as Structure; // CuO, C2/c: 2 Cu in one class
const seed = (id: string) => resolveStructureInput({ file: seedRecords().find((r) => r.material_id === id)!.poscar }) as Structure;

let model: OpenModel;
beforeAll(async () => {
  model = await openModel(fixtureFiles, { executionProvider: 'cpu' });
});
afterAll(() => model.session.release());

describe('siteAveraged', () => {
  test('weights each site class by its multiplicity: mean and σ alike', () => {
    // Two classes, 3 energies; multiplicities 1 and 3.
    const mean = Float32Array.from([1, 2, 3, 5, 6, 7]);
    const std = Float32Array.from([0.1, 0.2, 0.3, 0.5, 0.6, 0.7]);
    const out = siteAveraged(mean, std, [1, 3], 3);
    expect(Array.from(out.mean)).toEqual([(1 + 15) / 4, (2 + 18) / 4, (3 + 21) / 4]);
    [0.4, 0.5, 0.6].forEach((s, e) => expect(out.std[e]).toBeCloseTo(s, 6)); // (σ₁ + 3σ₂) / 4
  });

  test('one class gives its own spectrum back', () => {
    const out = siteAveraged(Float32Array.from([0.5, 0.25]), Float32Array.from([0.125, 0]), [4], 2);
    expect(Array.from(out.mean)).toEqual([0.5, 0.25]);
    expect(Array.from(out.std)).toEqual([0.125, 0]);
  });

  test('refuses arrays that do not match the multiplicities', () => {
    expect(() => siteAveraged(new Float32Array(5), new Float32Array(5), [1, 1], 3)).toThrow(/expected 2 rows of 3 values, got 5 means/);
    expect(() => siteAveraged(new Float32Array(3), new Float32Array(3), [0], 3)).toThrow(/add up to more than 0/);
  });
});

describe('featurise', () => {
  test('one descriptor row per class of equivalent absorbing sites, as float32', () => {
    const f = featurise(cuo, 'Cu', fixtureFiles.descriptor);
    expect(f.classes).toEqual([{ siteIndex: 0, multiplicity: 2, equivalentSiteIndices: [0, 1] }]);
    expect(f.spacegroupNumber).toBe(15);
    expect(f.warnings).toEqual([]);
    expect(Array.from(f.descriptors)).toEqual(Array.from(Float32Array.from(structureDescriptors(cuo, [0], fixtureFiles.descriptor))));
  });

  test('a structure without the element is an InputError that lists its elements', () => {
    expect(() => featurise(cuo, 'Fe', fixtureFiles.descriptor)).toThrow(InputError);
    expect(() => featurise(cuo, 'Fe', fixtureFiles.descriptor)).toThrow('the structure has no Fe atom (it has Cu, O); choose an absorbing element it contains');
  });

  test('a molecule: every absorbing atom its own class, with a warning', () => {
    const molecule: Molecule = { species: ['Cu', 'O', 'Cu'], cartesianCoords: [[0, 0, 0], [1.9, 0, 0], [3.8, 0, 0]] };
    const f = featurise(molecule, 'Cu', fixtureFiles.descriptor);
    expect(f.classes.map((c) => c.multiplicity)).toEqual([1, 1]);
    expect(f.warnings).toEqual([expect.stringMatching(/a molecule \(no lattice\): each Cu atom is its own site class/)]);
  });
});

describe('predictStructures', () => {
  const items = () => [
    { structure: seed('mp-1005792'), element: 'Cu' },
    { structure: cuo, element: 'Cu' },
    { structure: seed('mp-1022728'), element: 'Cu' }, // Cu3O2: two classes, multiplicities 2 and 1
  ];

  test('three structures in one run give what each gives alone (to 1e-6; σ also within float32 of the members\' spread)', async () => {
    const calls: number[] = [];
    const counting: SpectrumModel = { ...model, session: { run: (x, sites) => (calls.push(sites), model.session.run(x, sites)) } };
    const together = await predictStructures(counting, items());
    expect(calls).toHaveLength(1);
    expect(calls[0]).toBe(together.reduce((n, p) => n + p.sites.length, 0));
    expect(together.map((p) => p.sites.map((s) => s.multiplicity))).toEqual([[4], [2], [2, 1]]);
    for (const [i, item] of items().entries()) {
      const alone = await predictStructure(model, item);
      const batched = together[i]!;
      expect(batched.sites.map((s) => s.siteIndex)).toEqual(alone.sites.map((s) => s.siteIndex));
      // The batch size changes ONNX Runtime's matrix kernels, so the members' outputs may move by an ulp; σ, their
      // spread times the calibration factor, moves by that times the factor (tests/support/model-parity.ts).
      alone.mean.forEach((mu, e) => {
        expect(Math.abs(batched.mean[e]! - mu)).toBeLessThan(1e-6);
        expect(Math.abs(batched.std[e]! - alone.std[e]!)).toBeLessThan(1e-6 + sigmaAllowance(fixtureFiles.sidecar.ensemble.stdScale, mu));
      });
    }
  });

  test('a prediction has the model grid, finite means, σ ≥ 0, and the site-averaged spectrum', async () => {
    const [p] = await predictStructures(model, [items()[0]!]);
    expect(p).toMatchObject({ modelId: 'cu-k-tiny-fixture@0.0.1', absorbingElement: 'Cu', edge: 'K', spacegroupNumber: 62, warnings: [] });
    expect(p!.energies).toEqual(fixtureFiles.sidecar.energies);
    expect(p!.sites).toEqual([expect.objectContaining({ siteIndex: 8, multiplicity: 4, equivalentSiteIndices: [8, 9, 10, 11] })]);
    expect(p!.mean).toHaveLength(271);
    expect(p!.mean.every(Number.isFinite)).toBe(true);
    expect(p!.std.every((s) => Number.isFinite(s) && s >= 0)).toBe(true);
    expect(p!.mean).toEqual(p!.sites[0]!.mean); // one class: the average is that class's spectrum
  });

  test('two classes average with their multiplicities', async () => {
    const [p] = await predictStructures(model, [items()[2]!]);
    const [a, b] = p!.sites;
    expect([a!.multiplicity, b!.multiplicity]).toEqual([2, 1]);
    p!.mean.forEach((m, e) => expect(m).toBeCloseTo((2 * a!.mean[e]! + b!.mean[e]!) / 3, 6));
    p!.std.forEach((s, e) => expect(s).toBeCloseTo((2 * a!.std[e]! + b!.std[e]!) / 3, 6));
  });

  test('the batch names the structure at fault', async () => {
    const benzene = read('structures/xyz/benzene1.xyz');
    await expect(predictStructures(model, [items()[0]!, { structure: benzene, element: 'Cu' }])).rejects.toThrow(/^structure 2: the structure has no Cu atom \(it has C, H\)/);
    await expect(predictStructures(model, [{ structure: cuo, element: 'O' }])).rejects.toThrow('model cu-k-tiny-fixture@0.0.1 predicts Cu K-edge spectra, not O');
  });

  test('no structure, no run', async () => {
    expect(await predictStructures(model, [])).toEqual([]);
  });
});

describe('chooseModel', () => {
  const variant = (name: string, version: string, absorbingElement = 'Cu', edge: 'K' | 'L3' = 'K'): ModelFiles => ({
    ...fixtureFiles,
    id: `${name}@${version}`,
    sidecar: { ...fixtureFiles.sidecar, name, version, absorbingElement, edge },
  });
  const models = [variant('cu-k', '1.2.0'), variant('cu-k', '1.10.0'), variant('fe-k', '1.0.0', 'Fe'), variant('cu-l3', '1.0.0', 'Cu', 'L3')];

  test('by element and edge, newest version; by name; by name@version', () => {
    expect(chooseModel(models, { absorbingElement: 'Cu', edge: 'K' }).id).toBe('cu-k@1.10.0');
    expect(chooseModel(models, { absorbingElement: 'Cu', edge: 'L3' }).id).toBe('cu-l3@1.0.0');
    expect(chooseModel(models, { model: 'cu-k' }).id).toBe('cu-k@1.10.0');
    expect(chooseModel(models, { model: 'cu-k@1.2.0' }).id).toBe('cu-k@1.2.0');
    expect(chooseModel(models, { structureElements: ['Fe', 'O'] }).id).toBe('fe-k@1.0.0');
  });

  test('an element or edge no model predicts is an InputError listing the models', () => {
    expect(() => chooseModel(models, { absorbingElement: 'Ni' })).toThrow(/^no model predicts Ni spectra; models available: cu-k@1\.2\.0 \(Cu K\), cu-k@1\.10\.0 \(Cu K\), fe-k@1\.0\.0 \(Fe K\), cu-l3@1\.0\.0 \(Cu L3\)$/);
    expect(() => chooseModel(models, { absorbingElement: 'Fe', edge: 'L3' })).toThrow(/^no model predicts Fe L3-edge spectra; models available/);
    expect(() => chooseModel(models, { model: 'fe-k', absorbingElement: 'Cu' })).toThrow(/^model fe-k@1\.0\.0 \(Fe K\) does not predict Cu spectra/);
    expect(() => chooseModel(models, { model: 'zn-k' })).toThrow(InputError);
    expect(() => chooseModel(models, { structureElements: ['Cu', 'Fe', 'O'] })).toThrow(/several elements of the structure \(Cu, Fe\)/);
    expect(() => chooseModel([], { absorbingElement: 'Cu' })).toThrow(/no model is installed/);
  });

  test('versions compare numerically', () => {
    expect(['1.2.0', '1.10.0', '0.9'].sort(compareVersionsDescending)).toEqual(['1.10.0', '1.2.0', '0.9']);
  });
});
