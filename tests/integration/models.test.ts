/** @jest-environment <rootDir>/tests/support/onnx-environment.mjs */
// The model registry: the service registers the models of its MODELS_DIR at start (tests/support/models.ts: the
// repository's models, the fixture, and a tampered model it must refuse without stopping), and `models` lists
// them with their test scores.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { connectDatabase } from '../../src/db/client.ts';
import { registerModels } from '../../src/inference/registry.ts';
import { readModelDir } from '../../src/inference/sidecar.ts';
import { graphql, testEnvironment } from '../support/env.ts';
import { FIXTURE_MODEL_ID, TAMPERED_MODEL_ID } from '../support/models.ts';
import { createScratchDatabase } from '../support/scratch-db.ts';

const env = testEnvironment();
const MODEL_FIELDS = `id name version absorbingElement edge spectrumType fidelity energies descriptor descriptorKind descriptorDimension
  metrics { testSites eta mse meanSpectrumMse medianRelativeError coverage2Sigma meanSigma baselineEtaWacsf97 }
  metricsReport trainingData ensembleMembers file sha256 trainedAt createdAt available`;

test('models lists every valid model of MODELS_DIR with its test scores, and not the tampered one', async () => {
  const served = readModelDir(env.modelsDir).models;
  const { body } = await graphql(`{ models { ${MODEL_FIELDS} } }`);
  expect(body.errors).toBeUndefined();
  const ids = body.data.models.map((m: any) => m.id);
  expect([...ids].sort()).toEqual(served.map((m) => m.id).sort());
  expect(ids).toContain(FIXTURE_MODEL_ID);
  expect(ids).not.toContain(TAMPERED_MODEL_ID);

  const fixture = served.find((m) => m.id === FIXTURE_MODEL_ID)!.sidecar;
  const listed = body.data.models.find((m: any) => m.id === FIXTURE_MODEL_ID);
  const test = fixture.metrics.test;
  expect(listed).toMatchObject({
    name: 'cu-k-tiny-fixture',
    version: '0.0.1',
    absorbingElement: 'Cu',
    edge: 'K',
    spectrumType: 'XANES',
    fidelity: 'FEFF',
    energies: fixture.energies,
    descriptor: fixture.descriptor,
    descriptorKind: 'wacsf',
    descriptorDimension: 225,
    metrics: {
      testSites: test.sites,
      eta: test.eta,
      mse: test.mse,
      meanSpectrumMse: test.meanSpectrumMse,
      medianRelativeError: test.medianRelativeError,
      coverage2Sigma: test.coverage2Sigma,
      meanSigma: test.meanSigma,
      baselineEtaWacsf97: null, // trained with --skip-baselines
    },
    metricsReport: fixture.metrics,
    trainingData: fixture.training.data,
    ensembleMembers: 2,
    file: 'cu-k-tiny-fixture.onnx',
    sha256: fixture.sha256,
    trainedAt: new Date(fixture.training.createdAt!).toISOString(),
    available: true,
  });
  expect(Date.parse(listed.createdAt)).toBeGreaterThan(Date.parse('2026-01-01'));
});

test('models filters by absorbing element and edge; an element no model predicts gives an empty list', async () => {
  const { body } = await graphql(`{
    cu: models(absorbingElement: "Cu") { id }
    cuK: models(absorbingElement: "Cu", edge: K) { id }
    cuL3: models(absorbingElement: "Cu", edge: L3) { id }
    fe: models(absorbingElement: "Fe") { id }
  }`);
  expect(body.errors).toBeUndefined();
  expect(body.data.cu.map((m: any) => m.id)).toContain(FIXTURE_MODEL_ID);
  expect(body.data.cuK).toEqual(body.data.cu);
  expect(body.data.cuL3).toEqual([]);
  expect(body.data.fe).toEqual([]);
});

test('registering is idempotent, in one transaction, and logs a refused model at error level', async () => {
  const scratch = await createScratchDatabase();
  const db = connectDatabase(scratch.url, 2);
  const lines: any[] = [];
  const log = pino({ level: 'info' }, new Writable({ write: (chunk, _e, done) => (lines.push(JSON.parse(String(chunk))), done()) }));
  const config = { MODELS_DIR: env.modelsDir, ONNX_EXECUTION_PROVIDER: 'cpu' as const, ONNX_THREADS: 1 };
  try {
    const first = await registerModels(db.prisma, config, log);
    const rowsBefore = await db.prisma.model.findMany({ orderBy: { id: 'asc' } });
    const second = await registerModels(db.prisma, config, log);
    const rowsAfter = await db.prisma.model.findMany({ orderBy: { id: 'asc' } });
    expect(first.models.map((m) => m.id)).toEqual(second.models.map((m) => m.id));
    expect(rowsAfter.map((r) => r.id)).toEqual(first.models.map((m) => m.id).sort());
    expect(rowsAfter).toEqual(rowsBefore); // createdAt kept: the first registration
    expect(first.provider).toBe('cpu');
    expect(first.serves(FIXTURE_MODEL_ID, rowsAfter.find((r) => r.id === FIXTURE_MODEL_ID)!.sha256)).toBe(true);
    const refused = lines.filter((l) => l.level === 50);
    expect(refused).toHaveLength(2); // once per registration
    expect(refused[0].msg).toMatch(/cu-k-tampered\.onnx: sha256 is [0-9a-f]{64} but its sidecar cu-k-tampered\.json records/);
  } finally {
    await db.close();
    await scratch.drop();
  }
});
