// Property-based fuzzing (fast-check) of everything a client can send, against the running service on loopback:
// GraphQL arguments (ids, filters, pagination, SpectrumInput arrays and files in every format, structures as files
// and arrays), GET /graphql, POST /identify and the plain routes. Every answer must be a valid one or a typed error:
// never HTTP 5xx, never INTERNAL_SERVER_ERROR, never slower than MAX_SECONDS, and /healthz answers throughout.
// Bounded: RUNS_PER_PROPERTY runs of each property (about 400 requests, well under two minutes). FUZZ_SEED=<n>
// replays a run (fast-check prints the seed of a failure); FUZZ_RUNS=<n> runs more.
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { createTestApiKey } from '../support/api-key.ts';
import { testEnvironment } from '../support/env.ts';
import { REPO_ROOT } from '../support/service.ts';

const env = testEnvironment();
const RUNS_PER_PROPERTY = Number(process.env.FUZZ_RUNS ?? 40);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
/** Longest a single answer may take. */
const MAX_SECONDS = 10;
/** Codes an answer may carry: anything else (INTERNAL_SERVER_ERROR above all) fails the run. */
const TYPED_CODES = new Set([
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'NOT_FOUND',
  'GRAPHQL_VALIDATION_FAILED',
  'GRAPHQL_PARSE_FAILED',
  'PERSISTED_QUERY_NOT_FOUND',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'RATE_LIMITED',
  'PAYLOAD_TOO_LARGE',
]);

const fixture = (...parts: string[]) => fs.readFileSync(path.join(REPO_ROOT, 'tests', 'fixtures', ...parts), 'utf8');
const XDI = fixture('spectra', 'xdi-conformance', 'valid.xdi');
const CUO_XDI = fixture('spectra', 'CuO_tenorite_13K_01.xdi');
const POSCAR = fixture('structures', 'poscar', 'mp-704645-vasp4-generated.vasp');

/** Outcomes by kind, printed at the end: `ok`, or the first error code. */
const outcomes = new Map<string, number>();
let requests = 0;

function record(outcome: string): void {
  outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
  requests++;
}

interface Answer {
  status: number;
  body: { data?: unknown; errors?: { message?: string; extensions?: { code?: string } }[] } | null;
}

/** Sends, times, and checks one request; throws (failing the property) on anything untyped, 5xx or slow. */
async function send(what: string, url: string, init: RequestInit): Promise<Answer> {
  const started = performance.now();
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(MAX_SECONDS * 1000 + 2000) });
  const text = await response.text();
  const seconds = (performance.now() - started) / 1000;
  let body: Answer['body'] = null;
  try {
    body = JSON.parse(text) as Answer['body'];
  } catch {
    body = null;
  }
  const codes = (body?.errors ?? []).map((e) => e.extensions?.code ?? 'NO_CODE');
  const untyped = codes.filter((c) => !TYPED_CODES.has(c));
  if (response.status >= 500 || untyped.length > 0 || seconds > MAX_SECONDS) {
    throw new Error(`${what}: HTTP ${response.status} in ${seconds.toFixed(1)} s, codes ${codes.join(', ') || 'none'}: ${text.slice(0, 400)}`);
  }
  record(codes[0] ?? (response.status === 200 ? 'ok' : `HTTP ${response.status}`));
  return { status: response.status, body };
}

const post = (query: string, variables: Record<string, unknown>, headers: Record<string, string> = {}) =>
  send(query.slice(0, 60), env.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });

async function healthy(): Promise<void> {
  const response = await fetch(`${env.baseUrl}/healthz`, { signal: AbortSignal.timeout(2000) });
  expect(response.status).toBe(200);
}

// ---- arbitraries -------------------------------------------------------------------------------------------

/** Strings a client might send: printable, any Unicode, with NUL and control characters, very long, id-like. */
const anyString = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constantFrom('', ' ', '\u0000', 'mp-1\u0000', '%', "'; DROP TABLE material; --", '\\', '\uD800', 'Cu', 'O', 'K', 'mp-1005792'),
  fc.string({ minLength: 900, maxLength: 1200 }),
);
/** Valid values half the time, so that answers with data are exercised as much as refusals. */
const mostlyValid = <T, U>(valid: fc.Arbitrary<T>, any: fc.Arbitrary<U>) => fc.oneof({ arbitrary: valid, weight: 1 }, { arbitrary: any, weight: 1 });
const anId = mostlyValid(fc.constantFrom('mp-1005792', 'mp-1005792-XANES-Cu-K', 'mp-1005792-XANES-Cu-K-site8', 'exp-CuO', '00000000-0000-0000-0000-000000000000'), anyString);
const element = mostlyValid(fc.constantFrom('Cu', 'O', 'Fe'), fc.oneof(fc.constantFrom('Xx', 'cu', ''), anyString));
const edge = fc.constantFrom('K', 'L1', 'L2', 'L3', 'L2_3', 'M5', 'k', null);
/**
 * Absorbers no served model predicts: predictSpectrum reads and checks the structure (what is fuzzed) before it looks
 * for a model, so no job adds a predicted material to the shared catalogue whose counts other test files check
 * (predictions.test.ts queues real jobs on a database of its own).
 */
const unservedElement = mostlyValid(fc.constantFrom('O', 'Fe', 'Zn'), fc.oneof(fc.constantFrom('Xx', 'cu', ''), anyString));
const anyNumber = fc.oneof(fc.integer({ min: -1000, max: 100_000 }), fc.double({ noNaN: true }), fc.constantFrom(0, -1, 1e308, -1e-308));

const filter = fc.record(
  {
    elements: fc.array(element, { maxLength: 4 }),
    chemsys: anyString,
    formula: fc.oneof(anyString, fc.constantFrom('CuO', 'Cu2O', 'Cu2O2', 'Cu99999999999O', '(CuO)2', 'Cu0.5O')),
    spacegroupNumber: anyNumber,
    absorbingElement: element,
    edge,
    siteResolved: fc.boolean(),
    materialId: anId,
  },
  { requiredKeys: [] },
);

/** A spectrum as arrays: sorted or not, short or long, with odd values (JSON has no NaN: they arrive as null). */
const arrays = fc.integer({ min: 0, max: 400 }).chain((n) =>
  fc.record({
    energies: fc.oneof(
      { arbitrary: fc.constant(Array.from({ length: n }, (_, i) => 8900 + i * 0.5)), weight: 3 },
      { arbitrary: fc.array(anyNumber, { minLength: n, maxLength: n }), weight: 1 },
      { arbitrary: fc.constant(Array.from({ length: n }, (_, i) => 1100 + i)), weight: 1 },
    ),
    mu: mostlyValid(fc.constant(Array.from({ length: n }, (_, i) => 0.1 + 1 / (1 + Math.exp(-(i - n / 2) / 3)))), fc.array(anyNumber, { minLength: n, maxLength: n })),
    absorbingElement: fc.option(element),
    edge: fc.option(edge),
  }),
);

/** A text file mutated line by line: lines dropped, duplicated, replaced, truncated. */
function mutatedText(base: string) {
  const lines = base.split('\n');
  return fc
    .array(
      fc.record({ at: fc.nat({ max: lines.length - 1 }), op: fc.constantFrom('drop', 'dup', 'replace', 'truncate', 'garble'), text: anyString }),
      { maxLength: 5 },
    )
    .map((edits) => {
      let out = [...lines];
      for (const { at, op, text } of edits) {
        const i = Math.min(at, out.length - 1);
        if (i < 0) break;
        if (op === 'drop') out.splice(i, 1);
        else if (op === 'dup') out.splice(i, 0, out[i]!);
        else if (op === 'replace') out[i] = text;
        else if (op === 'truncate') out = out.slice(0, i);
        else out[i] = out[i]!.split('').reverse().join('');
      }
      return out.join('\n');
    });
}

const spectrumFile = fc.record({
  file: fc.oneof(mutatedText(XDI), mutatedText(CUO_XDI), anyString, fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('base64'))),
  format: fc.constantFrom('AUTO', 'XDI', 'COLUMNS', 'ATHENA_PRJ', 'PYMATGEN_JSON'),
  absorbingElement: fc.option(element),
  edge: fc.option(edge),
  group: fc.option(anyString),
});

const options = fc.option(
  fc.record(
    {
      top: mostlyValid(fc.integer({ min: 1, max: 20 }), anyNumber),
      restrictElements: fc.array(element, { maxLength: 3 }),
      groupByFormula: fc.boolean(),
      referenceMethods: fc.array(fc.constantFrom('FEFF', 'EXPERIMENT', 'VASP'), { maxLength: 3 }),
    },
    { requiredKeys: [] },
  ),
);

const structure = fc.oneof(
  fc.record({ file: mutatedText(POSCAR), format: fc.constantFrom('AUTO', 'POSCAR', 'CIF', 'XYZ', 'PYMATGEN_JSON') }),
  fc.record({
    file: fc.tuple(fc.constantFrom('0.001', '1e-9', '3.6', '1e6', '-5', 'nan'), fc.constantFrom('1', '2', '100000000', '-1', '1e3')).map(
      ([a, n]) => `fuzz\n1.0\n${a} 0 0\n0 ${a} 0\n0 0 ${a}\nCu\n${n}\nDirect\n0 0 0\n0.5 0.5 0.5\n`,
    ),
  }),
  fc.record(
    {
      lattice: fc.array(fc.array(anyNumber, { minLength: 3, maxLength: 3 }), { minLength: 0, maxLength: 4 }),
      species: fc.array(element, { maxLength: 4 }),
      fracCoords: fc.array(fc.array(anyNumber, { minLength: 3, maxLength: 3 }), { maxLength: 4 }),
      cartesianCoords: fc.array(fc.array(anyNumber, { minLength: 3, maxLength: 3 }), { maxLength: 4 }),
    },
    { requiredKeys: [] },
  ),
);

const runs = { numRuns: RUNS_PER_PROPERTY, ...(SEED === undefined ? {} : { seed: SEED }), endOnFailure: true };

// ---- properties --------------------------------------------------------------------------------------------

describe('fuzz: every request gets a valid answer or a typed error', () => {
  let contributor: string;
  beforeAll(async () => {
    contributor = await createTestApiKey('contributor');
  });

  afterAll(() => {
    const table = [...outcomes].sort((a, b) => b[1] - a[1]).map(([outcome, n]) => `  ${outcome.padEnd(28)} ${n}`);
    console.log(`fuzz: ${requests} requests by outcome\n${table.join('\n')}`);
  });

  test('catalogue lookups: ids, filters, pagination', async () => {
    await fc.assert(
      fc.asyncProperty(anId, filter, fc.option(anyNumber), fc.option(anyString), async (id, spectrumFilter, first, after) => {
        const { materialId: _materialId, ...materialFilter } = spectrumFilter;
        await post('query($id: ID!) { material(id: $id) { id formula } }', { id });
        await post('query($id: ID!) { spectrum(id: $id) { id energies } }', { id });
        await post('query($id: ID!) { predictionJob(id: $id) { id state } }', { id });
        await post('query($f: SpectrumFilter, $n: Int, $a: String) { spectra(filter: $f, first: $n, after: $a) { totalCount edges { node { id } } } }', {
          f: spectrumFilter,
          n: first,
          a: after,
        });
        await post('query($f: MaterialFilter, $n: Int, $a: String) { materials(filter: $f, first: $n, after: $a) { totalCount pageInfo { endCursor } } }', {
          f: materialFilter,
          n: first,
          a: after,
        });
      }),
      runs,
    );
    await healthy();
  }, 120_000);

  test('identification: spectra as arrays and as files in every format, with options', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(arrays, spectrumFile), options, async (input, identifyOptions) => {
        await post('query($i: SpectrumInput!, $o: IdentifyOptions) { identifySpectrum(input: $i, options: $o) { edge confident matches { score } } }', {
          i: input,
          o: identifyOptions,
        });
      }),
      runs,
    );
    await healthy();
  }, 120_000);

  test('identification of series, under aliases', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(arrays, spectrumFile), { maxLength: 4 }), fc.integer({ min: 1, max: 3 }), async (inputs, aliases) => {
        const fields = Array.from({ length: aliases }, (_, k) => `a${k}: identifySpectra(inputs: $s, options: { top: 1 }) { edge }`).join(' ');
        await post(`query($s: [SpectrumInput!]!) { ${fields} }`, { s: inputs });
      }),
      { ...runs, numRuns: Math.ceil(RUNS_PER_PROPERTY / 2) },
    );
    await healthy();
  }, 120_000);

  test('predictions: structures as files and arrays (contributor key)', async () => {
    await fc.assert(
      fc.asyncProperty(structure, unservedElement, fc.option(anyString), async (s, absorbingElement, name) => {
        await post(
          'mutation($p: PredictionInput!) { predictSpectrum(input: $p) { id state } }',
          { p: { structure: s, absorbingElement, name } },
          { authorization: `Bearer ${contributor}` },
        );
      }),
      runs,
    );
    await healthy();
  }, 120_000);

  test('POST /identify: any bytes, any parameters, any content type', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(mutatedText(XDI), fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('latin1'))),
        fc.record({ top: fc.option(anyString), method: fc.option(anyString), restrictElements: fc.option(anyString), absorbingElement: fc.option(anyString), edge: fc.option(anyString) }),
        fc.boolean(),
        async (file, params, multipart) => {
          const query = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => typeof e[1] === 'string'));
          const url = `${env.baseUrl}/identify?${query}`;
          if (multipart) {
            const form = new FormData();
            form.append('file', new Blob([file]), 'fuzz.xdi');
            await send('POST /identify', url, { method: 'POST', body: form });
          } else {
            await send('POST /identify (raw)', url, { method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=x' }, body: file });
          }
        },
      ),
      runs,
    );
    await healthy();
  }, 120_000);

  test('the protocol: GET /graphql, raw bodies, content types, persisted queries, other routes', async () => {
    await fc.assert(
      fc.asyncProperty(anyString, fc.constantFrom('application/json', 'APPLICATION/JSON', 'application/jsonx', 'text/plain', ''), fc.constantFrom('/graphql', '/', '/readyz', '/metrics', '/nope', '/identify'), async (text, contentType, route) => {
        await send('GET /graphql', `${env.graphqlUrl}?${new URLSearchParams({ query: text })}`, { headers: { 'apollo-require-preflight': 'true' } });
        await send('POST raw', env.graphqlUrl, { method: 'POST', headers: contentType ? { 'content-type': contentType } : {}, body: text });
        await send('POST persisted', env.graphqlUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: text || undefined, extensions: { persistedQuery: { version: 1, sha256Hash: text } } }),
        });
        await send(`GET ${route}`, `${env.baseUrl}${route}`, {});
      }),
      runs,
    );
    await healthy();
  }, 120_000);
});
