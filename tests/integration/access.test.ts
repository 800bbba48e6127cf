// Access over HTTP: API keys in the Authorization header, reads open by default, mutations that start work need
// a contributor key and are rate-limited per key; `npm run apikey` makes keys that work. A second service (own
// scratch database, REQUIRE_KEY_FOR_READS=true, MUTATION_RATE_LIMIT=3) checks the configured behaviour.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { UNKNOWN_KEY_MESSAGE } from '../../src/auth/api-keys.ts';
import { generateKey } from '../../src/auth/keys.ts';
import { createTestApiKey, graphqlAs, revokeTestApiKey } from '../support/api-key.ts';
import { graphql, testEnvironment } from '../support/env.ts';
import { createScratchDatabase, type ScratchDatabase } from '../support/scratch-db.ts';
import { npmRun } from '../support/process.ts';
import { REPO_ROOT, type RunningService, startService } from '../support/service.ts';

const env = testEnvironment();
const READ = '{ material(id: "mp-1005792") { id formula } }';
const CUO = fs.readFileSync(path.join(REPO_ROOT, 'tests/fixtures/structures/poscar/mp-704645-vasp4-generated.vasp'), 'utf8');
const PREDICT = 'mutation($input: PredictionInput!) { predictSpectrum(input: $input) { id state } }';
const predictVariables = { input: { structure: { file: CUO }, absorbingElement: 'Cu' } };

const uniqueName = (what: string) => `${what}-${crypto.randomBytes(4).toString('hex')}`;

async function lastUsedAt(name: string, databaseUrl = env.databaseUrl): Promise<Date | null> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT last_used_at FROM api_key WHERE name = $1', [name]);
    return rows[0]?.last_used_at ?? null;
  } finally {
    await client.end();
  }
}

function expectUnauthenticated(response: { status: number; body: { data?: unknown; errors?: any[] } }, message: string | RegExp) {
  expect(response.status).toBe(401);
  expect(response.body.data).toBeUndefined();
  expect(response.body.errors).toHaveLength(1);
  expect(response.body.errors![0].extensions).toEqual({ code: 'UNAUTHENTICATED' });
  if (typeof message === 'string') expect(response.body.errors![0].message).toBe(message);
  else expect(response.body.errors![0].message).toMatch(message);
}

describe('on the default configuration', () => {
  test('reads are open without a key', async () => {
    const { status, body } = await graphql(READ);
    expect(status).toBe(200);
    expect(body).toEqual({ data: { material: { id: 'mp-1005792', formula: expect.any(String) } } });
  });

  test('a valid key reads too, and its use is recorded (last_used_at)', async () => {
    const name = uniqueName('reader');
    const key = await createTestApiKey('reader', name);
    expect(await lastUsedAt(name)).toBeNull();
    const before = Date.now();
    const { status, body } = await graphqlAs(key, READ);
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    let used: Date | null = null;
    for (let i = 0; i < 50 && !used; i++) {
      used = await lastUsedAt(name);
      if (!used) await new Promise((r) => setTimeout(r, 100));
    }
    expect(used!.getTime()).toBeGreaterThanOrEqual(before - 1000);
  });

  test('an unknown key, a malformed one and a revoked one are all UNAUTHENTICATED with one message (HTTP 401)', async () => {
    expectUnauthenticated(await graphqlAs(generateKey().key, READ), UNKNOWN_KEY_MESSAGE);
    expectUnauthenticated(await graphqlAs('not-a-key', READ), UNKNOWN_KEY_MESSAGE);
    const name = uniqueName('revoked');
    const key = await createTestApiKey('contributor', name);
    expect((await graphqlAs(key, READ)).status).toBe(200);
    expect(await revokeTestApiKey(name)).toBe(true);
    expectUnauthenticated(await graphqlAs(key, READ), UNKNOWN_KEY_MESSAGE);
    expect(await revokeTestApiKey(name)).toBe(false);
  });

  test('an Authorization header that is not a bearer token is UNAUTHENTICATED, saying the form', async () => {
    const response = await graphql(READ, undefined, { authorization: 'Basic dXNlcjpwYXNz' });
    expectUnauthenticated(response, 'the Authorization header must be `Bearer <API key>`');
  });

  test('predictSpectrum without a key is UNAUTHENTICATED; with a reader key FORBIDDEN; with a revoked key UNAUTHENTICATED', async () => {
    const anonymous = await graphqlAs(null, PREDICT, predictVariables);
    expect(anonymous.body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(anonymous.body.errors?.[0]?.message).toMatch(/needs an API key: send `Authorization: Bearer <key>`/);

    const readerName = uniqueName('reader');
    const reader = await graphqlAs(await createTestApiKey('reader', readerName), PREDICT, predictVariables);
    expect(reader.body.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' }, message: `API key "${readerName}" is a reader key; starting predictions needs a contributor key` });

    const revokedName = uniqueName('revoked');
    const revokedKey = await createTestApiKey('contributor', revokedName);
    await revokeTestApiKey(revokedName);
    expectUnauthenticated(await graphqlAs(revokedKey, PREDICT, predictVariables), UNKNOWN_KEY_MESSAGE);
  });
});

describe('npm run apikey', () => {
  const apikey = (...args: string[]) => npmRun('apikey', args, env.databaseUrl, 60_000);

  test('create prints a key once that then authenticates; list never shows a secret; revoke stops the key', async () => {
    const name = uniqueName('cli');
    const created = await apikey('create', '--name', name, '--role', 'reader');
    expect(created.status).toBe(0);
    const key = /^(xg_[A-Za-z0-9_-]{8}_[A-Za-z0-9_-]{43})$/m.exec(created.stdout)?.[1];
    expect(key).toBeDefined();
    expect(created.stderr).toMatch(new RegExp(`created key "${name}" \\(role reader, starts ${key!.slice(0, 11)}_\\)\\. This is the only time it is shown`));
    expect((await graphqlAs(key!, READ)).status).toBe(200);

    const again = await apikey('create', '--name', name);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(`a key named "${name}" already exists (active)`);

    const list = await apikey('list', '--json');
    expect(list.status).toBe(0);
    expect(list.stdout).not.toContain(key!.slice(12));
    const listed = JSON.parse(list.stdout.slice(list.stdout.indexOf('[')));
    expect(listed).toContainEqual(expect.objectContaining({ name, role: 'reader', prefix: key!.slice(0, 11), revokedAt: null }));
    const table = await apikey('list');
    expect(table.stdout).toMatch(new RegExp(`^${name}\\s+reader\\s+${key!.slice(0, 11)}_…`, 'm'));
    expect(table.stdout).not.toContain(key!.slice(12));

    const revoked = await apikey('revoke', '--name', name);
    expect(revoked.status).toBe(0);
    expectUnauthenticated(await graphqlAs(key!, READ), UNKNOWN_KEY_MESSAGE);
    expect((await apikey('revoke', '--name', name)).status).toBe(1);
  });

  test('usage errors exit 2 with what to fix', async () => {
    const noName = await apikey('create', '--role', 'reader');
    expect(noName.status).toBe(2);
    expect(noName.stderr).toMatch(/create needs --name <name>/);
    const badRole = await apikey('create', '--name', 'x', '--role', 'owner');
    expect(badRole.status).toBe(2);
    expect(badRole.stderr).toMatch(/role must be one of reader, contributor, admin; got "owner"/);
  });
});

describe('with REQUIRE_KEY_FOR_READS=true and MUTATION_RATE_LIMIT=3', () => {
  let scratch: ScratchDatabase;
  let service: RunningService;
  let url: string;

  beforeAll(async () => {
    scratch = await createScratchDatabase();
    service = await startService({
      DATABASE_URL: scratch.url,
      XASGRAPH_DATA_DIR: path.join(env.dataDir, 'never-created'),
      MODELS_DIR: env.modelsDir,
      SEED_ON_START: 'never',
      START_WORKER: 'false',
      REQUIRE_KEY_FOR_READS: 'true',
      MUTATION_RATE_LIMIT: '3',
    });
    url = `http://127.0.0.1:${service.port}/graphql`;
  }, 120_000);

  afterAll(async () => {
    await service?.stop();
    await scratch?.drop();
  });

  test('a read without a key is UNAUTHENTICATED (HTTP 401); with any valid key it is answered', async () => {
    expectUnauthenticated(await graphqlAs(null, READ, undefined, url), /answers only requests with an API key: send `Authorization: Bearer <key>`/);
    const key = await createTestApiKey('reader', undefined, scratch.url);
    expect(await graphqlAs(key, '{ materials { totalCount } }', undefined, url)).toEqual({ status: 200, body: { data: { materials: { totalCount: 0 } } } });
  });

  test('POST /identify without a key is refused too', async () => {
    const form = new FormData();
    form.append('file', new Blob(['8979 0.1\n8980 0.2\n']), 'x.txt');
    const response = await fetch(url.replace('/graphql', '/identify'), { method: 'POST', body: form });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(((await response.json()) as any).errors[0].extensions).toEqual({ code: 'UNAUTHENTICATED' });
  });

  test('the 4th structure within a minute is RATE_LIMITED with the seconds to wait; other keys have their own budget', async () => {
    const key = await createTestApiKey('contributor', undefined, scratch.url);
    for (let i = 0; i < 3; i++) {
      const ok = await graphqlAs(key, PREDICT, predictVariables, url);
      expect([i, ok.body.errors]).toEqual([i, undefined]);
    }
    const limited = await graphqlAs(key, PREDICT, predictVariables, url);
    // 3 per minute refill one unit every 20 s: the wait is 20 s less what refilled since the first request.
    const { code, retryAfterSeconds } = limited.body.errors?.[0]?.extensions ?? {};
    expect(code).toBe('RATE_LIMITED');
    expect(retryAfterSeconds).toBeGreaterThanOrEqual(15);
    expect(retryAfterSeconds).toBeLessThanOrEqual(20);
    expect(limited.body.errors?.[0]?.message).toMatch(new RegExp(`rate limit of API key "test-contributor-\\w+" reached \\(3 structures per minute\\): retry in ${retryAfterSeconds} s`));

    const other = await createTestApiKey('admin', undefined, scratch.url);
    expect((await graphqlAs(other, PREDICT, predictVariables, url)).body.errors).toBeUndefined();
  });
});
