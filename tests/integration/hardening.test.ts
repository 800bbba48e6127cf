// Issue 11's adversarial cases, each against the running service: every input gets a typed answer (no
// INTERNAL_SERVER_ERROR, no HTTP 500), nothing a request sends holds the event loop, the cost limit counts what
// expensive fields do, a request whose client went away stops, WebSockets and POST /identify follow the origin
// policy of /graphql, and content types are matched exactly.
import WebSocket from 'ws';
import { createTestApiKey, graphqlAs } from '../support/api-key.ts';
import { graphql, testEnvironment } from '../support/env.ts';

const env = testEnvironment();
const PREDICT = 'mutation($input: PredictionInput!) { predictSpectrum(input: $input) { id state } }';

/** A smooth step edge of `points` points around `e0` (eV). */
function stepSpectrum(e0: number, from: number, points: number, step = 1): { energies: number[]; mu: number[] } {
  const energies = Array.from({ length: points }, (_, i) => from + i * step);
  return { energies, mu: energies.map((e) => 0.1 + 1 / (1 + Math.exp(-(e - e0) / 1.5))) };
}

const CU_K = stepSpectrum(8985, 8900, 250, 0.8);

/** Milliseconds `work` took, with its result. */
async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { ms: performance.now() - started, value };
}

async function healthzWithin(ms: number): Promise<boolean> {
  const response = await fetch(`${env.baseUrl}/healthz`, { signal: AbortSignal.timeout(ms) }).catch(() => null);
  return response?.status === 200;
}

function codesOf(body: { errors?: { extensions?: { code?: string } }[] }): (string | undefined)[] {
  return (body.errors ?? []).map((e) => e.extensions?.code);
}

describe('every input gets a typed answer', () => {
  test.each([
    ['material', '{ material(id: "mp-1\\u0000") { id } }', 'id'],
    ['spectrum', '{ spectrum(id: "mp-1005792-XANES-Cu-K\\u0000") { id } }', 'id'],
    ['the materialId filter', '{ spectra(filter: { materialId: "mp-1\\u0000" }) { totalCount } }', 'filter.materialId'],
    ['the formula filter', '{ materials(filter: { formula: "Cu\\u0000O" }) { totalCount } }', 'filter.formula'],
    ['a cursor', '{ materials(after: "\\u0000") { totalCount } }', 'after'],
    ['predictionJob', '{ predictionJob(id: "\\u0000") { id } }', 'id'],
  ])('a NUL byte in %s is BAD_USER_INPUT naming the argument', async (_, query, field) => {
    const { status, body } = await graphql(query);
    expect(status).toBe(200);
    expect(codesOf(body)).toEqual(['BAD_USER_INPUT']);
    expect(body.errors![0].extensions.field).toBe(field);
    expect(body.errors![0].message).toMatch(/NUL|not an id/);
  });

  test('an id of another character set, or too long, is BAD_USER_INPUT; a string over 1,000 characters too', async () => {
    for (const id of ['mp 1', 'mp-1;drop', 'a'.repeat(201), '']) {
      const { body } = await graphql('query($id: ID!) { material(id: $id) { id } }', { id });
      expect(codesOf(body)).toEqual(['BAD_USER_INPUT']);
    }
    const { body } = await graphql('query($f: String) { materials(filter: { formula: $f }) { totalCount } }', { f: 'Cu'.repeat(501) });
    expect(codesOf(body)).toEqual(['BAD_USER_INPUT']);
    expect(body.errors![0].message).toMatch(/1002 characters, at most 1000/);
  });

  test('energies whose edge is inferred as M5 (Gd) are BAD_USER_INPUT on GraphQL and HTTP 400 on POST /identify', async () => {
    const gd = stepSpectrum(1190, 1100, 300);
    const { body } = await graphql('query($input: SpectrumInput!) { identifySpectrum(input: $input) { edge } }', { input: gd });
    expect(codesOf(body)).toEqual(['BAD_USER_INPUT']);
    expect(body.errors![0].message).toMatch(/Gd M5 edge .* not one the catalogue holds references for \(K, L1, L2, L3, L2_3\)/);
    const form = new FormData();
    form.append('file', new Blob([gd.energies.map((e, i) => `${e} ${gd.mu[i]}`).join('\n')]), 'gd.txt');
    const response = await fetch(`${env.baseUrl}/identify`, { method: 'POST', body: form });
    expect(response.status).toBe(400);
    expect(codesOf((await response.json()) as never)).toEqual(['BAD_USER_INPUT']);
  });

  test('a subscription sent over HTTP POST is BAD_REQUEST (HTTP 400), pointing to WebSocket', async () => {
    const { status, body } = await graphql('subscription { predictionJobUpdated(id: "00000000-0000-0000-0000-000000000000") { state } }');
    expect(status).toBe(400);
    expect(codesOf(body)).toEqual(['BAD_REQUEST']);
    expect(body.errors![0].message).toMatch(/WebSocket/);
  });

  test('persisted queries: an unknown hash is PERSISTED_QUERY_NOT_FOUND, a hash that does not match or a bad version BAD_REQUEST', async () => {
    const post = (body: unknown) =>
      fetch(env.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(async (r) => ({
        status: r.status,
        body: (await r.json()) as { errors?: { extensions?: { code?: string } }[] },
      }));
    const unknown = await post({ extensions: { persistedQuery: { version: 1, sha256Hash: 'f'.repeat(64) } } });
    expect(codesOf(unknown.body)).toEqual(['PERSISTED_QUERY_NOT_FOUND']);
    const mismatch = await post({ query: '{ version }', extensions: { persistedQuery: { version: 1, sha256Hash: '00' } } });
    expect([mismatch.status, codesOf(mismatch.body)]).toEqual([400, ['BAD_REQUEST']]);
    const version = await post({ extensions: { persistedQuery: { version: 2, sha256Hash: '00' } } });
    expect([version.status, codesOf(version.body)]).toEqual([400, ['BAD_REQUEST']]);
  });
});

describe('nothing a request sends holds the event loop', () => {
  let key: string;
  beforeAll(async () => {
    key = await createTestApiKey('contributor');
  });

  test('a POSCAR declaring 100,000,000 atoms is refused before any atom is allocated; /healthz answers meanwhile', async () => {
    const poscar = 'huge\n1.0\n3 0 0\n0 3 0\n0 0 3\nCu\n100000000\nDirect\n0 0 0\n';
    const [{ ms, value }, healthy] = await Promise.all([
      timed(() => graphqlAs(key, PREDICT, { input: { structure: { file: poscar }, absorbingElement: 'Cu' } })),
      healthzWithin(2000),
    ]);
    expect(codesOf(value.body)).toEqual(['BAD_USER_INPUT']);
    expect(value.body.errors![0].message).toMatch(/declare 100,000,000 atoms; at most 2,000/);
    expect(ms).toBeLessThan(2000);
    expect(healthy).toBe(true);
  });

  test.each([['0.001'], ['0.01']])('a POSCAR lattice of %s Å is refused at once', async (a) => {
    const poscar = `tiny\n1.0\n${a} 0 0\n0 ${a} 0\n0 0 ${a}\nCu\n1\nDirect\n0 0 0\n`;
    const { ms, value } = await timed(() => graphqlAs(key, PREDICT, { input: { structure: { file: poscar }, absorbingElement: 'Cu' } }));
    expect(codesOf(value.body)).toEqual(['BAD_USER_INPUT']);
    expect(value.body.errors![0].message).toMatch(/shortest lattice vector is only/);
    expect(ms).toBeLessThan(2000);
  });

  test('a cell with less than 2 Å³ per atom is refused, saying why', async () => {
    const poscar = 'dense\n1.0\n2 0 0\n0 2 0\n0 0 2\nCu\n8\nDirect\n0 0 0\n0.5 0 0\n0 0.5 0\n0 0 0.5\n0.5 0.5 0\n0.5 0 0.5\n0 0.5 0.5\n0.5 0.5 0.5\n';
    const { body } = await graphqlAs(key, PREDICT, { input: { structure: { file: poscar }, absorbingElement: 'Cu' } });
    expect(codesOf(body)).toEqual(['BAD_USER_INPUT']);
    expect(body.errors![0].message).toMatch(/1\.00 Å³ per atom.*at least 2 Å³ per atom/);
  });
});

describe('the cost limit counts what expensive fields do', () => {
  const SERIES = 'query($inputs: [SpectrumInput!]!) { a: identifySpectra(inputs: $inputs) { edge } b: identifySpectra(inputs: $inputs) { edge } }';

  test('two aliases of identifySpectra over one 1,000-spectrum variable are refused before any work', async () => {
    const inputs = Array.from({ length: 1000 }, () => CU_K);
    const { ms, value } = await timed(() => graphql(SERIES, { inputs }));
    expect(value.status).toBe(400);
    expect(codesOf(value.body)).toEqual(['BAD_USER_INPUT']);
    expect(value.body.errors![0].message).toMatch(/query cost \d+ exceeds the limit/);
    expect(ms).toBeLessThan(3000);
  });

  test('2,500 aliases of identifySpectrum are refused; one series of 1,000 spectra is within the limit', async () => {
    const aliases = Array.from({ length: 2500 }, (_, i) => `a${i}: identifySpectrum(input: $input) { edge }`).join(' ');
    const { status, body } = await graphql(`query($input: SpectrumInput!) { ${aliases} }`, { input: CU_K });
    expect([status, codesOf(body)[0]]).toEqual([400, 'BAD_USER_INPUT']);
    // The same request with one series costs what one series costs: the limit lets MAX_BATCH through.
    const one = await graphql('query($inputs: [SpectrumInput!]!) { identifySpectra(inputs: $inputs, options: { top: 1 }) { edge } }', {
      inputs: Array.from({ length: 3 }, () => CU_K),
    });
    expect(one.body.errors).toBeUndefined();
  });

  test('a series whose client went away stops: the identification after it does not wait for it', async () => {
    const inputs = Array.from({ length: 1000 }, () => CU_K);
    const abandoned = new AbortController();
    const series = fetch(env.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'query($inputs: [SpectrumInput!]!) { identifySpectra(inputs: $inputs) { edge } }', variables: { inputs } }),
      signal: abandoned.signal,
    }).catch(() => null);
    await new Promise((resolve) => setTimeout(resolve, 800));
    abandoned.abort();
    await series;
    const { ms, value } = await timed(() => graphql('query($input: SpectrumInput!) { identifySpectrum(input: $input, options: { top: 1 }) { edge } }', { input: CU_K }));
    expect(value.body.errors).toBeUndefined();
    // 1,000 spectra take 10 s or more here; an identification queued behind them would wait that long.
    expect(ms).toBeLessThan(4000);
  }, 60_000);
});

describe('WebSockets and POST /identify follow the origin policy of /graphql', () => {
  const wsUrl = () => env.graphqlUrl.replace(/^http/, 'ws');

  /** How a WebSocket opened with `headers` ends: `open` or the HTTP status of the refused upgrade. */
  function openOutcome(headers: Record<string, string>): Promise<string> {
    return new Promise((resolve) => {
      const socket = new WebSocket(wsUrl(), 'graphql-transport-ws', { headers });
      socket.on('open', () => {
        socket.close();
        resolve('open');
      });
      socket.on('unexpected-response', (_req, res) => resolve(String(res.statusCode)));
      socket.on('error', () => resolve('error'));
    });
  }

  test('an upgrade from another origin is refused (403); one without Origin or from the service itself opens', async () => {
    expect(await openOutcome({ origin: 'http://evil.example' })).toBe('403');
    expect(await openOutcome({})).toBe('open');
    expect(await openOutcome({ origin: env.baseUrl })).toBe('open');
  });

  test('a WebSocket message over the HTTP body limit (10 MB) closes the socket with 1009', async () => {
    const code = await new Promise<number>((resolve) => {
      const socket = new WebSocket(wsUrl(), 'graphql-transport-ws');
      socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { pad: 'x'.repeat(11 * 1024 * 1024) } })));
      socket.on('close', (closeCode) => resolve(closeCode));
      socket.on('error', () => undefined);
    });
    expect(code).toBe(1009);
    expect(await healthzWithin(2000)).toBe(true);
  });

  test('POST /identify from a page of another origin needs a preflight header, like /graphql', async () => {
    const upload = (headers: Record<string, string>) => {
      const form = new FormData();
      form.append('file', new Blob([CU_K.energies.map((e, i) => `${e} ${CU_K.mu[i]}`).join('\n')]), 'cu.txt');
      return fetch(`${env.baseUrl}/identify?absorbingElement=Cu&edge=K&top=1`, { method: 'POST', body: form, headers });
    };
    const refused = await upload({ origin: 'http://evil.example' });
    expect(refused.status).toBe(400);
    expect(codesOf((await refused.json()) as never)).toEqual(['BAD_REQUEST']);
    expect((await upload({ origin: 'http://evil.example', 'apollo-require-preflight': 'true' })).status).toBe(200);
    expect((await upload({})).status).toBe(200);
  });
});

describe('content types are matched exactly, in any case', () => {
  const post = (contentType: string) =>
    fetch(env.graphqlUrl, { method: 'POST', headers: { 'content-type': contentType }, body: JSON.stringify({ query: '{ version }' }) });

  test('APPLICATION/JSON (and a charset) is JSON; application/jsonx is not', async () => {
    expect((await post('APPLICATION/JSON')).status).toBe(200);
    expect((await post('application/json; charset=utf-8')).status).toBe(200);
    const refused = await post('application/jsonx');
    expect(refused.status).toBe(400);
    expect(codesOf((await refused.json()) as never)).toEqual(['BAD_REQUEST']);
  });

  test('/readyz does not show the database address', async () => {
    const text = await (await fetch(`${env.baseUrl}/readyz`)).text();
    const database = new URL(env.databaseUrl);
    expect(text).not.toContain(database.host);
    expect(text).not.toContain(database.port);
  });
});
