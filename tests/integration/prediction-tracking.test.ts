// Following prediction jobs (issue 12, item 6): my jobs by API key with counts by state, the progress of a batch,
// a prediction of a structure the catalogue already holds linking to it, and users' predicted structures marked
// (Material.origin) and left out of the default `materials` listing.
//
// Its own service on a scratch database (no seed: one hand-made catalogue entry), with its in-process worker, so that
// predicted materials never reach the shared catalogue the other test files count.
import pg from 'pg';
import { compositionKey, compositionOfSpecies } from '../../src/structure/composition.ts';
import type { Matrix3, Structure, Vector3 } from '../../src/structure/structure.ts';
import { createTestApiKey, graphqlAs } from '../support/api-key.ts';
import { testEnvironment } from '../support/env.ts';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-db.ts';
import { type RunningService, startService } from '../support/service.ts';

const env = testEnvironment();
const CATALOG_ID = 'mp-test-cuprite';

/** Cuprite, Cu2O (Pn-3m); `a` in Å. */
function cuprite(a: number): Structure {
  return {
    lattice: [[a, 0, 0], [0, a, 0], [0, 0, a]] as Matrix3,
    species: ['Cu', 'Cu', 'Cu', 'Cu', 'O', 'O'],
    fracCoords: [[0.25, 0.25, 0.25], [0.75, 0.75, 0.25], [0.75, 0.25, 0.75], [0.25, 0.75, 0.75], [0, 0, 0], [0.5, 0.5, 0.5]] as Vector3[],
  };
}

const asInput = (s: Structure) => ({ lattice: s.lattice, species: s.species, fracCoords: s.fracCoords });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const codeOf = (body: { errors?: { extensions?: { code?: string } }[] }) => body.errors?.[0]?.extensions?.code;

interface Counts {
  queued: number;
  running: number;
  completed: number;
  failed: number;
  total: number;
}
interface MaterialRef {
  id: string;
  origin: string;
}
interface SubmittedJob {
  id: string;
  state: string;
  catalogMaterial: MaterialRef | null;
}
interface Batch {
  counts: Counts;
  progress: number;
  finished: boolean;
  jobs: { id: string; state: string; material: MaterialRef | null }[];
}
interface MyJobs {
  totalCount: number;
  counts: Counts;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: { cursor: string; node: { id: string; name: string | null; state: string } }[];
}
interface Materials {
  totalCount: number;
  edges: { node: MaterialRef }[];
}

const PREDICT_MANY = `mutation($inputs: [PredictionInput!]!) { predictSpectra(inputs: $inputs) { id state catalogMaterial { id origin } } }`;
const MY_JOBS = `query($first: Int, $after: String, $filter: PredictionJobFilter) {
  myPredictionJobs(first: $first, after: $after, filter: $filter) {
    totalCount counts { queued running completed failed total } pageInfo { hasNextPage endCursor }
    edges { cursor node { id name state } } } }`;
const BATCH = `query($ids: [ID!]!) { predictionBatch(ids: $ids) {
  counts { queued running completed failed total } progress finished jobs { id state material { id origin } } } }`;

let db: ScratchDatabase;
let pool: pg.Pool;
let service: RunningService;
let url: string;
let alice: string;
let bob: string;

/** The catalogue's own cuprite (as the seed would hold a Materials Project entry). */
async function insertCatalogCuprite(structure: Structure): Promise<void> {
  await pool.query(
    `INSERT INTO material (id, formula, composition_key, elements, chemsys, nsites, lattice, species, frac_coords, provenance_source, provenance_license)
     VALUES ($1, 'Cu2O', $2, ARRAY['Cu','O'], 'Cu-O', $3, $4, $5, $6, 'test fixture', 'CC BY 4.0')`,
    [CATALOG_ID, compositionKey(compositionOfSpecies(structure.species)), structure.species.length, structure.lattice.flat(), structure.species, structure.fracCoords.flat()],
  );
}

beforeAll(async () => {
  db = await createScratchDatabase();
  pool = new pg.Pool({ connectionString: db.url, max: 2 });
  await insertCatalogCuprite(cuprite(4.2696));
  service = await startService({ DATABASE_URL: db.url, MODELS_DIR: env.modelsDir, XASGRAPH_DATA_DIR: `${env.dataDir}-unused`, START_WORKER: 'true', SEED_ON_START: 'never' });
  url = `http://127.0.0.1:${service.port}/graphql`;
  [alice, bob] = await Promise.all([createTestApiKey('contributor', undefined, db.url), createTestApiKey('contributor', undefined, db.url)]);
}, 240_000);

afterAll(async () => {
  const code = await service?.stop();
  if (code !== 0) console.error(`service exited with ${code}:\n${service?.output().slice(-3000)}`);
  await pool?.end();
  await db?.drop();
  expect(code).toBe(0);
}, 60_000);

/** predictionBatch until every job is finished. */
async function waitForBatch(ids: string[], timeoutMs = 60_000): Promise<Batch> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await graphqlAs<{ predictionBatch: Batch }>(null, BATCH, { ids }, url);
    expect(body.errors).toBeUndefined();
    const batch = body.data!.predictionBatch;
    if (batch.finished) return batch;
    if (Date.now() > deadline) throw new Error(`batch not finished within ${timeoutMs} ms: ${JSON.stringify(batch.counts)}`);
    await sleep(200);
  }
}

let aliceJobs: string[] = [];

test('a batch: submit, follow its progress to the end; the catalogue’s own structure links to its entry', async () => {
  const known = cuprite(4.2696);
  // The catalogue's structure in another site order, one site shifted by a whole cell and off by 2e-4.
  const order = [4, 2, 0, 5, 3, 1];
  const reordered = { lattice: known.lattice, species: order.map((i) => known.species[i]!), fracCoords: order.map((i) => known.fracCoords[i]!.map((x, k) => x + (i === 2 && k === 1 ? 1 : 0) + 2e-4)) };
  const inputs = [
    { structure: reordered, absorbingElement: 'Cu', name: 'catalogue cuprite' },
    { structure: asInput(cuprite(4.31)), absorbingElement: 'Cu', name: 'strained cuprite' },
    { structure: asInput(cuprite(4.35)), absorbingElement: 'Cu', name: 'more strained cuprite' },
  ];
  const { body } = await graphqlAs<{ predictSpectra: SubmittedJob[] }>(alice, PREDICT_MANY, { inputs }, url);
  expect(body.errors).toBeUndefined();
  const jobs = body.data!.predictSpectra;
  aliceJobs = jobs.map((j) => j.id);
  expect(jobs.map((j) => j.catalogMaterial)).toEqual([{ id: CATALOG_ID, origin: 'CATALOG' }, null, null]);

  const first = (await graphqlAs<{ predictionBatch: Batch }>(null, BATCH, { ids: [...aliceJobs, aliceJobs[0]] }, url)).body;
  expect(first.errors).toBeUndefined();
  const batch = first.data!.predictionBatch;
  expect(batch.counts.total).toBe(3); // a repeated id counts once
  expect(batch.jobs.map((j) => j.id)).toEqual([...aliceJobs, aliceJobs[0]]);
  expect(batch.progress).toBeGreaterThanOrEqual(0);

  const done = await waitForBatch(aliceJobs);
  expect(done.counts).toEqual({ queued: 0, running: 0, completed: 3, failed: 0, total: 3 });
  expect(done.progress).toBe(1);
  expect(done.jobs.every((j) => j.material?.origin === 'USER_PREDICTION' && j.material.id.startsWith('hyp-'))).toBe(true);
}, 90_000);

test('an unknown or malformed id in a batch is NOT_FOUND, naming it', async () => {
  for (const id of ['00000000-0000-4000-8000-000000000000', 'nope']) {
    const { body } = await graphqlAs(null, BATCH, { ids: [...aliceJobs, id] }, url);
    expect(codeOf(body)).toBe('NOT_FOUND');
    expect(body.errors![0].message).toContain(id);
  }
});

test('myPredictionJobs: only the caller’s jobs, newest first, paged, with counts; UNAUTHENTICATED without a key', async () => {
  const failing = (await graphqlAs<{ predictSpectra: SubmittedJob[] }>(bob, PREDICT_MANY, { inputs: [{ structure: { lattice: [[5.64, 0, 0], [0, 5.64, 0], [0, 0, 5.64]], species: ['Na', 'Cl'], fracCoords: [[0, 0, 0], [0.5, 0.5, 0.5]] }, absorbingElement: 'Cu', name: 'salt' }] }, url)).body;
  expect(failing.errors).toBeUndefined();
  await waitForBatch([failing.data!.predictSpectra[0]!.id]);

  const anonymous = (await graphqlAs(null, MY_JOBS, {}, url)).body;
  expect(codeOf(anonymous)).toBe('UNAUTHENTICATED');

  const myJobs = async (key: string, variables: Record<string, unknown>): Promise<MyJobs> => {
    const { body } = await graphqlAs<{ myPredictionJobs: MyJobs }>(key, MY_JOBS, variables, url);
    expect(body.errors).toBeUndefined();
    return body.data!.myPredictionJobs;
  };
  const all = await myJobs(alice, {});
  expect(all.counts).toEqual({ queued: 0, running: 0, completed: 3, failed: 0, total: 3 });
  const listed = all.edges.map((e) => e.node.id);
  expect([...listed].sort()).toEqual([...aliceJobs].sort());

  // One per page: the same jobs in the same order, then no next page.
  const paged: string[] = [];
  let after: string | null = null;
  for (let page = 0; page < 5; page++) {
    const connection = await myJobs(alice, { first: 1, after });
    paged.push(...connection.edges.map((e) => e.node.id));
    if (!connection.pageInfo.hasNextPage) break;
    after = connection.pageInfo.endCursor;
  }
  expect(paged).toEqual(listed);

  const bobs = await myJobs(bob, { filter: { states: ['FAILED'] } });
  expect(bobs.counts).toEqual({ queued: 0, running: 0, completed: 0, failed: 1, total: 1 });
  expect(bobs.edges.map((e) => e.node.name)).toEqual(['salt']);
  const bobsCompleted = await myJobs(bob, { filter: { states: ['COMPLETED'] } });
  expect([bobsCompleted.totalCount, bobsCompleted.edges]).toEqual([0, []]);

  const forged = (await graphqlAs(alice, MY_JOBS, { after: 'bWF0ZXJpYWw' }, url)).body;
  expect(codeOf(forged)).toBe('BAD_USER_INPUT');
}, 90_000);

test('materials lists the catalogue by default; users’ predicted structures only when asked for', async () => {
  const query = `query($filter: MaterialFilter) { materials(filter: $filter, first: 50) { totalCount edges { node { id origin } } } }`;
  const ask = async (filter: unknown): Promise<Materials> => {
    const { body } = await graphqlAs<{ materials: Materials }>(null, query, { filter }, url);
    expect(body.errors).toBeUndefined();
    return body.data!.materials;
  };
  expect((await ask(null)).edges).toEqual([{ node: { id: CATALOG_ID, origin: 'CATALOG' } }]);
  const predicted = await ask({ origins: ['USER_PREDICTION'] });
  expect(predicted.totalCount).toBe(3);
  expect(predicted.edges.every((e) => e.node.origin === 'USER_PREDICTION')).toBe(true);
  expect((await ask({ origins: ['CATALOG', 'MEASURED', 'USER_PREDICTION'] })).totalCount).toBe(4);
  expect((await ask({ method: 'ML_PREDICTED' })).totalCount).toBe(3);
  expect((await ask({ elements: ['Cu'], origins: ['MEASURED'] })).totalCount).toBe(0);

  const empty = (await graphqlAs(null, query, { filter: { origins: [] } }, url)).body;
  expect(codeOf(empty)).toBe('BAD_USER_INPUT');
  expect(empty.errors![0].message).toMatch(/filter\.origins/);
});
