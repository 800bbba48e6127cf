// Prediction jobs end to end (issue 5): GraphQL mutations with an API key, the pg-boss queue, workers (the one
// inside the service, and `npm run worker` processes), results in the catalogue, identifySpectrum with
// includePredicted, the graphql-ws subscription, and a worker killed mid-batch.
//
// Each part runs its own service on a scratch database of the test server (embedded, or DATABASE_URL's), so that
// predicted materials never reach the shared catalogue the other test files count.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createClient } from 'graphql-ws';
import pg from 'pg';
import WebSocket from 'ws';
import { canonicalStructure, hypotheticalMaterialId } from '../../src/structure/canonical.ts';
import type { Matrix3, Structure, Vector3 } from '../../src/structure/structure.ts';
import { createTestApiKey, graphqlAs } from '../support/api-key.ts';
import { testEnvironment } from '../support/env.ts';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-db.ts';
import { type RunningService, startService } from '../support/service.ts';
import { startWorkerProcess, type WorkerProcess } from '../support/worker.ts';

const env = testEnvironment();
const MODEL = 'cu-k-feff-wacsf@1.0.0';
const FIXTURE_MODEL = 'cu-k-tiny-fixture@0.0.1';

/** Cuprite, Cu2O (Pn-3m): 4 equivalent Cu sites, 2 O; `a` in Å. */
function cuprite(a = 4.27): Structure {
  return {
    lattice: [[a, 0, 0], [0, a, 0], [0, 0, a]] as Matrix3,
    species: ['Cu', 'Cu', 'Cu', 'Cu', 'O', 'O'],
    fracCoords: [[0.25, 0.25, 0.25], [0.75, 0.75, 0.25], [0.75, 0.25, 0.75], [0.25, 0.75, 0.75], [0, 0, 0], [0.5, 0.5, 0.5]] as Vector3[],
  };
}

/** Rock salt NaCl (conventional cell): no Cu at all. */
const ROCK_SALT: Structure = {
  lattice: [[5.64, 0, 0], [0, 5.64, 0], [0, 0, 5.64]],
  species: ['Na', 'Na', 'Na', 'Na', 'Cl', 'Cl', 'Cl', 'Cl'],
  fracCoords: [[0, 0, 0], [0.5, 0.5, 0], [0.5, 0, 0.5], [0, 0.5, 0.5], [0.5, 0, 0], [0, 0.5, 0], [0, 0, 0.5], [0.5, 0.5, 0.5]],
};

const asInput = (s: Structure) => ({ lattice: s.lattice, species: s.species, fracCoords: s.fracCoords });

const JOB_FIELDS = `id state createdAt startedAt finishedAt attempts error name model absorbingElement edge
  material { id formula spacegroupNumber provenance { source } absorbingSites { siteIndex multiplicity equivalentSiteIndices }
    spectra { id siteIndex method modelVersion } }
  spectrum { id method modelVersion siteIndex averagedSites energies mu uncertainty }`;
const PREDICT = `mutation($input: PredictionInput!) { predictSpectrum(input: $input) { ${JOB_FIELDS} } }`;
const PREDICT_MANY = `mutation($inputs: [PredictionInput!]!) { predictSpectra(inputs: $inputs) { id state } }`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A service of its own on a fresh scratch database, with a contributor key. */
interface Stage {
  db: ScratchDatabase;
  pool: pg.Pool;
  service: RunningService;
  url: string;
  key: string;
}

async function stage(serviceEnv: Record<string, string>): Promise<Stage> {
  const db = await createScratchDatabase();
  const service = await startService({ DATABASE_URL: db.url, MODELS_DIR: env.modelsDir, XASGRAPH_DATA_DIR: `${env.dataDir}-unused`, ...serviceEnv });
  return {
    db,
    pool: new pg.Pool({ connectionString: db.url, max: 2 }),
    service,
    url: `http://127.0.0.1:${service.port}/graphql`,
    key: await createTestApiKey('contributor', undefined, db.url),
  };
}

async function unstage(s: Stage | undefined): Promise<void> {
  if (!s) return;
  const code = await s.service.stop();
  if (code !== 0) console.error(`service exited with ${code}:\n${s.service.output().slice(-3000)}`);
  await s.pool.end();
  await s.db.drop();
  expect(code).toBe(0);
}

/** Poll predictionJob until `done` holds (or fail after `timeoutMs`). */
async function waitForJob(s: Stage, id: string, done: (job: any) => boolean, timeoutMs = 45_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  let job: any;
  for (;;) {
    const { body } = await graphqlAs(null, `query($id: ID!) { predictionJob(id: $id) { ${JOB_FIELDS} } }`, { id }, s.url);
    expect(body.errors).toBeUndefined();
    job = body.data.predictionJob;
    if (done(job)) return job;
    if (Date.now() > deadline) throw new Error(`job ${id} did not get there within ${timeoutMs} ms; it is ${JSON.stringify(job).slice(0, 500)}`);
    await sleep(200);
  }
}

const finished = (job: any) => job.state === 'COMPLETED' || job.state === 'FAILED';

async function counts(s: Stage): Promise<{ jobs: number; queued: number }> {
  const { rows } = await s.pool.query(
    `SELECT (SELECT count(*)::int FROM prediction_job) AS jobs, (SELECT count(*)::int FROM pgboss.job WHERE name = 'predict-spectrum') AS queued`,
  );
  return rows[0];
}

describe('with the service’s own worker (START_WORKER=true)', () => {
  let s: Stage;
  beforeAll(async () => {
    s = await stage({ START_WORKER: 'true' });
  }, 240_000);
  afterAll(() => unstage(s), 60_000);

  test('a mutation without an API key is UNAUTHENTICATED and queues nothing', async () => {
    const before = await counts(s);
    const { body } = await graphqlAs(null, PREDICT, { input: { structure: asInput(cuprite()), absorbingElement: 'Cu' } }, s.url);
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(await counts(s)).toEqual(before);
  });

  test('submit → COMPLETED: the predicted material and its spectra are in the catalogue, with σ and the model version', async () => {
    const structure = cuprite();
    const { body } = await graphqlAs(s.key, PREDICT, { input: { structure: asInput(structure), absorbingElement: 'Cu', name: 'cuprite' } }, s.url);
    expect(body.errors).toBeUndefined();
    const queued = body.data.predictSpectrum;
    expect(queued).toMatchObject({ error: null, name: 'cuprite', model: MODEL, absorbingElement: 'Cu', edge: 'K' });
    // The in-process worker is woken at once (NOTIFY): the row the mutation answers with may already be taken.
    expect(['QUEUED', 'RUNNING', 'COMPLETED']).toContain(queued.state);
    expect(queued.attempts).toBe(queued.state === 'QUEUED' ? 0 : 1);
    if (queued.state !== 'COMPLETED') expect([queued.material, queued.spectrum]).toEqual([null, null]);

    const job = await waitForJob(s, queued.id, finished);
    expect(job.state).toBe('COMPLETED');
    expect(job.attempts).toBe(1);
    expect(Date.parse(job.finishedAt)).toBeGreaterThanOrEqual(Date.parse(job.startedAt));
    expect(Date.parse(job.startedAt)).toBeGreaterThanOrEqual(Date.parse(job.createdAt));
    const materialId = hypotheticalMaterialId(canonicalStructure(structure));
    expect(job.material).toMatchObject({ id: materialId, formula: 'Cu2O', spacegroupNumber: 224, provenance: { source: 'user structure' } });
    expect(job.material.absorbingSites).toEqual([{ siteIndex: 0, multiplicity: 4, equivalentSiteIndices: [0, 1, 2, 3] }]);
    expect(job.material.spectra.map((x: any) => [x.siteIndex, x.method, x.modelVersion])).toEqual([
      [null, 'ML_PREDICTED', MODEL],
      [0, 'ML_PREDICTED', MODEL],
    ]);
    const spectrum = job.spectrum;
    expect(spectrum).toMatchObject({ id: `${materialId}-XANES-Cu-K@${MODEL}`, method: 'ML_PREDICTED', modelVersion: MODEL, siteIndex: null, averagedSites: 1 });
    expect(spectrum.mu).toHaveLength(spectrum.energies.length);
    expect(spectrum.uncertainty).toHaveLength(spectrum.energies.length);
    expect(spectrum.uncertainty.every((x: number) => x > 0)).toBe(true);

    // identifySpectrum ranks it alongside the computed catalogue with includePredicted (and says it is predicted).
    const identify = `query($input: SpectrumInput!, $options: IdentifyOptions) {
      identifySpectrum(input: $input, options: $options) { candidatesConsidered matches { material { id } spectrum { id method } } } }`;
    const input = { energies: spectrum.energies, mu: spectrum.mu, absorbingElement: 'Cu', edge: 'K', computed: true };
    const withPredicted = (await graphqlAs(null, identify, { input, options: { top: 5, includePredicted: true } }, s.url)).body;
    expect(withPredicted.errors).toBeUndefined();
    const without = (await graphqlAs(null, identify, { input, options: { top: 5 } }, s.url)).body;
    expect(without.errors).toBeUndefined();
    expect(withPredicted.data.identifySpectrum.candidatesConsidered).toBe(without.data.identifySpectrum.candidatesConsidered + 1);
    expect(withPredicted.data.identifySpectrum.matches[0]).toEqual({ material: { id: materialId }, spectrum: { id: spectrum.id, method: 'ML_PREDICTED' } });
    expect(withPredicted.data.identifySpectrum.matches.slice(1).every((m: any) => m.spectrum.method === 'FEFF')).toBe(true);
    expect(without.data.identifySpectrum.matches.map((m: any) => m.material.id)).not.toContain(materialId);
  }, 90_000);

  test('the same input twice → one job: again, reordered and shifted by a cell, at once, and twice in one list', async () => {
    const structure = cuprite(4.31);
    const first = (await graphqlAs(s.key, PREDICT, { input: { structure: asInput(structure), absorbingElement: 'Cu' } }, s.url)).body.data.predictSpectrum;
    const order = [5, 2, 0, 4, 1, 3];
    const shuffled = {
      lattice: structure.lattice,
      species: order.map((i) => structure.species[i]),
      fracCoords: order.map((i) => structure.fracCoords[i]!.map((x, k) => x + (k === 0 ? 1 : 0) + 1e-6)),
    };
    const again = (await graphqlAs(s.key, PREDICT, { input: { structure: shuffled, absorbingElement: 'Cu', edge: 'K' } }, s.url)).body.data.predictSpectrum;
    expect(again.id).toBe(first.id);

    const other = cuprite(4.35);
    const together = await Promise.all(
      [1, 2, 3].map(() => graphqlAs(s.key, PREDICT, { input: { structure: asInput(other), absorbingElement: 'Cu' } }, s.url)),
    );
    const ids = together.map(({ body }) => {
      expect(body.errors).toBeUndefined();
      return body.data.predictSpectrum.id;
    });
    expect(new Set(ids).size).toBe(1);
    const list = (await graphqlAs(s.key, PREDICT_MANY, { inputs: [{ structure: asInput(other), absorbingElement: 'Cu' }, { structure: asInput(structure), absorbingElement: 'Cu' }, { structure: asInput(other), absorbingElement: 'Cu' }] }, s.url)).body;
    expect(list.errors).toBeUndefined();
    expect(list.data.predictSpectra.map((j: any) => j.id)).toEqual([ids[0], first.id, ids[0]]);

    for (const id of [first.id, ids[0]]) {
      const { rows } = await s.pool.query(
        `SELECT (SELECT count(*)::int FROM prediction_job WHERE dedup_key = (SELECT dedup_key FROM prediction_job WHERE id = $1)) AS rows,
                (SELECT count(*)::int FROM pgboss.job WHERE name = 'predict-spectrum' AND data->>'predictionJobId' = $1) AS queued`,
        [id],
      );
      expect(rows[0]).toEqual({ rows: 1, queued: 1 });
    }
    // A completed job asked for again answers with its result.
    await waitForJob(s, first.id, finished);
    const done = (await graphqlAs(s.key, PREDICT, { input: { structure: asInput(structure), absorbingElement: 'Cu' } }, s.url)).body.data.predictSpectrum;
    expect(done).toMatchObject({ id: first.id, state: 'COMPLETED' });
    expect(done.spectrum.method).toBe('ML_PREDICTED');
  }, 90_000);

  test('a structure without an atom of the element → FAILED with a clear error after one attempt, not retried', async () => {
    const { body } = await graphqlAs(s.key, PREDICT, { input: { structure: asInput(ROCK_SALT), absorbingElement: 'Cu' } }, s.url);
    expect(body.errors).toBeUndefined();
    const id = body.data.predictSpectrum.id;
    const job = await waitForJob(s, id, finished);
    expect(job).toMatchObject({ state: 'FAILED', attempts: 1, material: null, spectrum: null });
    expect(job.error).toMatch(/the structure has no Cu atom \(it has Cl, Na\)/);
    await sleep(3000); // longer than the first retry's delay
    expect((await waitForJob(s, id, () => true)).attempts).toBe(1);
    const { rows } = await s.pool.query(`SELECT state, retry_count FROM pgboss.job WHERE id = $1`, [id]);
    expect(rows).toEqual([{ state: 'completed', retry_count: 0 }]);
  }, 60_000);

  test('a malformed structure, an element no model predicts, or too many inputs → BAD_USER_INPUT and nothing queued', async () => {
    const before = await counts(s);
    const malformed = { lattice: [[4, 0, 0], [0, 4, 0]], species: ['Cu'], fracCoords: [[0, 0, 0]] };
    const one = (await graphqlAs(s.key, PREDICT, { input: { structure: malformed, absorbingElement: 'Cu' } }, s.url)).body;
    expect(one.errors![0].extensions.code).toBe('BAD_USER_INPUT');
    expect(one.errors![0].message).toMatch(/lattice must have 3 rows/);

    const many = (await graphqlAs(s.key, PREDICT_MANY, { inputs: [{ structure: asInput(cuprite(4.4)), absorbingElement: 'Cu' }, { structure: { file: 'not a structure' }, absorbingElement: 'Cu' }] }, s.url)).body;
    expect(many.errors![0].extensions.code).toBe('BAD_USER_INPUT');
    expect(many.errors![0].message).toMatch(/^inputs\[1\]\.file: /);

    const iron = (await graphqlAs(s.key, PREDICT, { input: { structure: asInput(cuprite(4.4)), absorbingElement: 'Fe' } }, s.url)).body;
    expect(iron.errors![0].extensions.code).toBe('BAD_USER_INPUT');
    expect(iron.errors![0].message).toMatch(/no model predicts Fe spectra; models available: .*cu-k-feff-wacsf@1\.0\.0 \(Cu K\)/);

    const input = { structure: asInput(cuprite(4.4)), absorbingElement: 'Cu' };
    const tooMany = (await graphqlAs(s.key, PREDICT_MANY, { inputs: Array.from({ length: 10_001 }, () => input) }, s.url)).body;
    expect(tooMany.errors![0].extensions.code).toBe('BAD_USER_INPUT');
    expect(tooMany.errors![0].message).toMatch(/10,001 inputs in one request; at most 10,000/);
    expect(await counts(s)).toEqual(before);
  }, 60_000);

  test('predictionJobUpdated (graphql-ws) sends each change until the job is finished, then ends', async () => {
    const { body } = await graphqlAs(s.key, PREDICT, { input: { structure: asInput(cuprite(4.22)), absorbingElement: 'Cu' } }, s.url);
    const id = body.data.predictSpectrum.id;
    const client = createClient({ url: s.url.replace('http:', 'ws:'), webSocketImpl: WebSocket, retryAttempts: 0 });
    try {
      const seen: any[] = [];
      for await (const event of client.iterate({ query: `subscription($id: ID!) { predictionJobUpdated(id: $id) { id state attempts spectrum { method } } }`, variables: { id } })) {
        expect(event.errors).toBeUndefined();
        seen.push(event.data!.predictionJobUpdated);
      }
      expect(seen.at(-1)).toEqual({ id, state: 'COMPLETED', attempts: 1, spectrum: { method: 'ML_PREDICTED' } });
      expect(seen.slice(0, -1).every((j) => j.state !== 'COMPLETED')).toBe(true);

      const unknown: any[] = [];
      for await (const event of client.iterate({ query: `subscription { predictionJobUpdated(id: "00000000-0000-0000-0000-000000000000") { id } }` })) unknown.push(event);
      expect(unknown[0].errors[0].extensions.code).toBe('NOT_FOUND');
    } finally {
      await client.dispose();
    }
  }, 60_000);
});

describe('with `npm run worker` processes (the service only queues: START_WORKER=false)', () => {
  let s: Stage;
  const workers: WorkerProcess[] = [];
  beforeAll(async () => {
    s = await stage({ START_WORKER: 'false', SEED_ON_START: 'never' });
  }, 240_000);
  afterAll(async () => {
    for (const w of workers) await w.kill();
    await unstage(s);
  }, 60_000);

  const worker = async (extra: Record<string, string> = {}) => {
    const w = await startWorkerProcess({ DATABASE_URL: s.db.url, MODELS_DIR: env.modelsDir, ...extra });
    workers.push(w);
    return w;
  };

  test('a worker killed (SIGKILL) mid-batch: another worker retries the job, which completes exactly once', async () => {
    const doomed = await worker({ WORKER_TEST_PAUSE_MS: '600000' }); // computes, then sleeps before writing
    const structure = cuprite(4.18);
    const { body } = await graphqlAs(s.key, PREDICT, { input: { structure: asInput(structure), absorbingElement: 'Cu' } }, s.url);
    expect(body.errors).toBeUndefined();
    const id = body.data.predictSpectrum.id;
    await waitForJob(s, id, (job) => job.state === 'RUNNING' && job.attempts === 1);
    await sleep(500); // inside the pause: the batch is computed, nothing written
    await doomed.kill();

    const rescuer = await worker();
    const job = await waitForJob(s, id, finished, 60_000); // the heartbeat lapses (10 s), then the retry runs
    expect(job).toMatchObject({ state: 'COMPLETED', attempts: 2, error: null });
    const materialId = hypotheticalMaterialId(canonicalStructure(structure));
    const { rows } = await s.pool.query(
      `SELECT (SELECT count(*)::int FROM material WHERE id = $1) AS materials,
              (SELECT count(*)::int FROM absorbing_site WHERE material_id = $1) AS sites,
              (SELECT count(*)::int FROM spectrum WHERE material_id = $1) AS spectra,
              (SELECT count(*)::int FROM spectrum WHERE material_id = $1 AND site_index IS NULL) AS averages`,
      [materialId],
    );
    expect(rows[0]).toEqual({ materials: 1, sites: 1, spectra: 2, averages: 1 });
    const { rows: queue } = await s.pool.query(`SELECT state, retry_count FROM pgboss.job WHERE id = $1`, [id]);
    expect(queue).toEqual([{ state: 'completed', retry_count: 1 }]);
    expect(rescuer.output()).toContain('"msg":"prediction batch done"');

    // Asked again: the same job, answered from the catalogue; nothing is run again.
    const again = (await graphqlAs(s.key, PREDICT, { input: { structure: asInput(structure), absorbingElement: 'Cu' } }, s.url)).body.data.predictSpectrum;
    expect(again).toMatchObject({ id, state: 'COMPLETED', attempts: 2 });

    expect(await rescuer.stop()).toBe(0); // SIGTERM: a graceful stop
  }, 150_000);

  test('an attempt that fails is retried with backoff; after the last retry the job is dead-lettered and FAILED', async () => {
    // A worker without the fixture model: every attempt at a job for that model fails.
    const modelsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'xasgraph-models-'));
    try {
      for (const file of fs.readdirSync(env.modelsDir).filter((f) => f.startsWith('cu-k-feff-wacsf.'))) fs.copyFileSync(path.join(env.modelsDir, file), path.join(modelsDir, file));
      const w = await worker({ MODELS_DIR: modelsDir });
      const { body } = await graphqlAs(s.key, PREDICT, { input: { structure: asInput(cuprite(4.14)), absorbingElement: 'Cu', model: FIXTURE_MODEL } }, s.url);
      expect(body.errors).toBeUndefined();
      const id = body.data.predictSpectrum.id;
      const retrying = await waitForJob(s, id, (job) => job.error !== null);
      expect(retrying.error).toBe(`model ${FIXTURE_MODEL} is not served by this worker (its MODELS_DIR has ${MODEL})`);
      const job = await waitForJob(s, id, finished, 60_000);
      expect(job).toMatchObject({ state: 'FAILED', attempts: 3, material: null, spectrum: null });
      expect(job.error).toBe(`gave up after 3 attempts; the last failed with: model ${FIXTURE_MODEL} is not served by this worker (its MODELS_DIR has ${MODEL})`);
      const { rows } = await s.pool.query(
        `SELECT name, state, retry_count FROM pgboss.job WHERE id::text = $1 OR data->>'predictionJobId' = $1 ORDER BY name`,
        [id],
      );
      expect(rows).toEqual([
        { name: 'predict-spectrum', state: 'failed', retry_count: 2 },
        { name: 'predict-spectrum-dead', state: 'completed', retry_count: 0 },
      ]);
      expect(await w.stop()).toBe(0);
    } finally {
      fs.rmSync(modelsDir, { recursive: true, force: true });
    }
  }, 120_000);
});
