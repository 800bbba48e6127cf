// Prediction jobs without a database: the canonical structure behind the dedup key and the `hyp-` id, checking a
// submission, the catalogue rows of a finished prediction, and the START_WORKER default.
import path from 'node:path';
import { loadConfig } from '../../src/config.ts';
import { InputError } from '../../src/errors.ts';
import type { StructurePrediction } from '../../src/inference/predict.ts';
import { readModelDir } from '../../src/inference/sidecar.ts';
import { mergeBatches, predictionRows } from '../../src/jobs/results.ts';
import { prepareRequest } from '../../src/jobs/submit.ts';
import { outputMessage } from '../../src/jobs/worker.ts';
import { canonicalStructure, hypotheticalMaterialId, structureHash } from '../../src/structure/canonical.ts';
import type { Matrix3, Structure, Vector3 } from '../../src/structure/structure.ts';
import { REPO_ROOT } from '../support/service.ts';

const models = readModelDir(path.join(REPO_ROOT, 'tests/fixtures/models')).models;
const FIXTURE_MODEL = 'cu-k-tiny-fixture@0.0.1';

const cuprite: Structure = {
  lattice: [[4.27, 0, 0], [0, 4.27, 0], [0, 0, 4.27]] as Matrix3,
  species: ['Cu', 'Cu', 'Cu', 'Cu', 'O', 'O'],
  fracCoords: [[0.25, 0.25, 0.25], [0.75, 0.75, 0.25], [0.75, 0.25, 0.75], [0.25, 0.75, 0.75], [0, 0, 0], [0.5, 0.5, 0.5]] as Vector3[],
};

/** The same crystal: sites in another order, whole-cell shifts, and noise below the rounding. */
const cupriteAgain: Structure = {
  lattice: [[4.27000001, 0, 0], [0, 4.27, -0.00000001], [0, 0, 4.27]] as Matrix3,
  species: ['O', 'Cu', 'O', 'Cu', 'Cu', 'Cu'],
  fracCoords: [[0.5, 1.5, -0.5], [1.75, 0.25, 0.75], [-0.99999999, 0, 0.00000001], [0.25, 0.75, 0.75], [0.25, -0.75, 0.25], [0.75, 0.75, 0.25]] as Vector3[],
};

describe('canonicalStructure', () => {
  test('sorts sites by species then coordinates, wraps into [0, 1) and rounds to 1e-4', () => {
    const canonical = canonicalStructure(cupriteAgain);
    expect(canonical.species).toEqual(['Cu', 'Cu', 'Cu', 'Cu', 'O', 'O']);
    expect(canonical.fracCoords).toEqual([[0.25, 0.25, 0.25], [0.25, 0.75, 0.75], [0.75, 0.25, 0.75], [0.75, 0.75, 0.25], [0, 0, 0], [0.5, 0.5, 0.5]]);
    expect(canonical.lattice).toEqual(cuprite.lattice);
    expect(Object.is(canonical.lattice[1][2], -0)).toBe(false);
  });

  test('the same crystal written differently has the same hash and id; another crystal does not', () => {
    const id = hypotheticalMaterialId(canonicalStructure(cuprite));
    expect(id).toMatch(/^hyp-[0-9a-f]{16}$/);
    expect(hypotheticalMaterialId(canonicalStructure(cupriteAgain))).toBe(id);
    expect(structureHash(canonicalStructure(cupriteAgain))).toBe(structureHash(canonicalStructure(cuprite)));
    const strained = { ...cuprite, lattice: [[4.28, 0, 0], [0, 4.27, 0], [0, 0, 4.27]] as Matrix3 };
    expect(hypotheticalMaterialId(canonicalStructure(strained))).not.toBe(id);
    const moved = { ...cuprite, fracCoords: cuprite.fracCoords.map((f, i) => (i === 4 ? ([0.001, 0, 0] as Vector3) : f)) };
    expect(hypotheticalMaterialId(canonicalStructure(moved))).not.toBe(id);
  });

  test('a coordinate just below 1 rounds to 1 and wraps to 0', () => {
    const near = { ...cuprite, fracCoords: cuprite.fracCoords.map((f, i) => (i === 4 ? ([0.99996, 0, 0] as Vector3) : f)) };
    expect(canonicalStructure(near).fracCoords[4]).toEqual([0, 0, 0]);
  });
});

describe('prepareRequest', () => {
  const arrays = (s: Structure) => ({ lattice: s.lattice, species: s.species, fracCoords: s.fracCoords });

  test('one dedup key per crystal, element, edge and model; the job input holds the canonical structure', () => {
    const a = prepareRequest(models, { structure: arrays(cuprite), absorbingElement: 'Cu', name: 'cuprite' }, 'key-1');
    const b = prepareRequest(models, { structure: arrays(cupriteAgain), absorbingElement: 'Cu', edge: 'K', model: 'cu-k-tiny-fixture' }, null);
    expect(b.dedupKey).toBe(a.dedupKey);
    expect(b.id).not.toBe(a.id);
    expect(a).toMatchObject({ absorbingElement: 'Cu', edge: 'K', modelId: FIXTURE_MODEL, name: 'cuprite', submittedBy: 'key-1' });
    expect(a.input).toEqual({ structure: canonicalStructure(cuprite), materialId: hypotheticalMaterialId(canonicalStructure(cuprite)), spectrumType: 'XANES' });
    const strained = { ...cuprite, lattice: [[4.3, 0, 0], [0, 4.3, 0], [0, 0, 4.3]] as Matrix3 };
    expect(prepareRequest(models, { structure: arrays(strained), absorbingElement: 'Cu' }, null).dedupKey).not.toBe(a.dedupKey);
  });

  test('refuses what cannot be predicted, saying what to fix', () => {
    const refused = (request: any) => {
      try {
        prepareRequest(models, request, null);
      } catch (err) {
        expect(err).toBeInstanceOf(InputError);
        return (err as InputError).message;
      }
      throw new Error('expected an InputError');
    };
    expect(refused({ structure: { file: 'nonsense' }, absorbingElement: 'Cu' })).toMatch(/POSCAR/);
    expect(refused({ structure: { species: ['Cu', 'Cu'], cartesianCoords: [[0, 0, 0], [0, 0, 2.5]] }, absorbingElement: 'Cu' })).toMatch(/not a molecule/);
    expect(refused({ structure: arrays(cuprite), absorbingElement: 'Fe' })).toMatch(/no model predicts Fe spectra; models available: cu-k-tiny-fixture@0\.0\.1 \(Cu K\)/);
    expect(refused({ structure: arrays(cuprite), absorbingElement: 'Cu', edge: 'L3' })).toMatch(/no model predicts Cu L3-edge spectra/);
    expect(refused({ structure: arrays(cuprite), absorbingElement: 'Cu', model: 'nope' })).toMatch(/no model "nope"/);
    expect(refused({ structure: arrays(cuprite), absorbingElement: '' })).toMatch(/absorbingElement is missing/);
    expect(refused({ structure: arrays(cuprite), absorbingElement: 'Cu', name: 'x'.repeat(201) })).toMatch(/at most 200/);
  });
});

describe('predictionRows', () => {
  const energies = [8980, 8990, 9000];
  const prediction: StructurePrediction = {
    modelId: FIXTURE_MODEL,
    absorbingElement: 'Cu',
    edge: 'K',
    energies,
    sites: [
      { siteIndex: 0, multiplicity: 4, equivalentSiteIndices: [0, 1, 2, 3], mean: [0.1, 1, 1.1], std: [0.01, 0.02, 0.03] },
      { siteIndex: 4, multiplicity: 2, equivalentSiteIndices: [4, 5], mean: [0.2, 0.9, 1], std: [0.02, 0.02, 0.02] },
    ],
    mean: [0.4 / 3, 2.9 / 3, 3.2 / 3],
    std: [0.04 / 3, 0.06 / 3, 0.08 / 3],
    spacegroupNumber: 224,
    warnings: [],
  };
  const canonical = canonicalStructure(cuprite);
  const target = { materialId: hypotheticalMaterialId(canonical), structure: canonical, absorbingElement: 'Cu', edge: 'K' as const, spectrumType: 'XANES' as const, modelId: FIXTURE_MODEL };

  test('the material, one absorbing site per class and a spectrum per class plus the site average, all ML_PREDICTED', () => {
    const { batch, spectrumId } = predictionRows(target, prediction);
    const m = target.materialId;
    expect(spectrumId).toBe(`${m}-XANES-Cu-K@${FIXTURE_MODEL}`);
    expect(batch.materials).toEqual([
      expect.objectContaining({ id: m, formula: 'Cu2O', nsites: 6, spacegroupNumber: 224, species: canonical.species, provenanceSource: 'user structure' }),
    ]);
    expect(batch.sites.map((s) => [s.siteIndex, s.multiplicity, s.weight, s.equivalentSiteIndices])).toEqual([
      [0, 4, 4, [0, 1, 2, 3]],
      [4, 2, 2, [4, 5]],
    ]);
    expect(batch.spectra.map((s) => [s.id, s.siteIndex, s.averagedSites, s.method, s.modelVersion])).toEqual([
      [spectrumId, null, 2, 'ML_PREDICTED', FIXTURE_MODEL],
      [`${m}-XANES-Cu-K-site0@${FIXTURE_MODEL}`, 0, null, 'ML_PREDICTED', FIXTURE_MODEL],
      [`${m}-XANES-Cu-K-site4@${FIXTURE_MODEL}`, 4, null, 'ML_PREDICTED', FIXTURE_MODEL],
    ]);
    expect(batch.spectra[0]).toMatchObject({ energies, mu: prediction.mean, uncertainty: prediction.std });
    expect(batch.spectra[2]).toMatchObject({ mu: [0.2, 0.9, 1], uncertainty: [0.02, 0.02, 0.02] });
  });

  test('the same prediction gives the same rows; merged batches hold each row once', () => {
    const once = predictionRows(target, prediction).batch;
    expect(predictionRows(target, prediction).batch).toEqual(once);
    const other = predictionRows({ ...target, modelId: 'other@2' }, { ...prediction, modelId: 'other@2' }).batch;
    const merged = mergeBatches([once, other, once]);
    expect(merged.materials).toHaveLength(1);
    expect(merged.sites).toHaveLength(2);
    expect(merged.spectra).toHaveLength(6);
  });
});

test('outputMessage reads our errors, pg-boss’ own and serialised Errors', () => {
  expect(outputMessage({ message: 'model gone' })).toBe('model gone');
  expect(outputMessage({ value: { message: 'job heartbeat timeout' } })).toBe('job heartbeat timeout');
  expect(outputMessage(null)).toBe('no error recorded');
  expect(outputMessage({ code: 1 })).toBe('{"code":1}');
});

test('START_WORKER defaults to true on the embedded database and false with DATABASE_URL', () => {
  expect(loadConfig({}).START_WORKER).toBe(true);
  expect(loadConfig({ DATABASE_URL: 'postgres://u:p@localhost:5432/x' }).START_WORKER).toBe(false);
  expect(loadConfig({ DATABASE_URL: 'postgres://u:p@localhost:5432/x', START_WORKER: 'true' }).START_WORKER).toBe(true);
  expect(loadConfig({ START_WORKER: 'false' }).START_WORKER).toBe(false);
  expect(loadConfig({}).WORKER_BATCH_SIZE).toBe(64);
  expect(() => loadConfig({ WORKER_CONCURRENCY: '0' })).toThrow(/WORKER_CONCURRENCY/);
});
