// CORS on the running service (CORS_ORIGINS lists the test portal, tests/support/global-setup.ts): a lab portal's
// page may call /graphql and POST /identify; any other origin's preflight is refused. The policy itself (and
// that it is off by default) is unit-tested in tests/unit/web-cors.test.ts.
import fs from 'node:fs';
import path from 'node:path';
import { testEnvironment } from '../support/env.ts';
import { TEST_PORTAL_ORIGIN } from '../support/portal.ts';
import { errorOf, jsonOf } from '../support/http-answers.ts';
import { REPO_ROOT } from '../support/service.ts';

const { baseUrl, graphqlUrl } = testEnvironment();
const identifyUrl = `${baseUrl}/identify`;
const OTHER_ORIGIN = 'https://elsewhere.example.com';
const CU_FILE = fs.readFileSync(path.join(REPO_ROOT, 'tests/fixtures/spectra/CuO_tenorite_13K_01.xdi'));

const preflight = (url: string, origin: string, requestHeaders: string) =>
  fetch(url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': requestHeaders } });

test.each([
  ['/graphql', 'content-type, authorization'],
  ['/identify', 'apollo-require-preflight, authorization'],
])("the portal's preflight to %s is 204 with what it may send", async (route, requestHeaders) => {
  const response = await preflight(`${baseUrl}${route}`, TEST_PORTAL_ORIGIN, requestHeaders);
  expect(response.status).toBe(204);
  expect(response.headers.get('access-control-allow-origin')).toBe(TEST_PORTAL_ORIGIN);
  expect(response.headers.get('access-control-allow-methods')).toContain('POST');
  for (const header of requestHeaders.split(', ')) expect(response.headers.get('access-control-allow-headers')).toContain(header);
});

test("another origin's preflight is 403, without CORS headers", async () => {
  for (const url of [graphqlUrl, identifyUrl]) {
    const response = await preflight(url, OTHER_ORIGIN, 'content-type');
    expect(response.status).toBe(403);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect((await errorOf(response))).toMatch(/not in CORS_ORIGINS/);
  }
});

test("the portal's GraphQL query is answered with Access-Control-Allow-Origin; another origin's is not readable", async () => {
  const ask = (origin: string) =>
    fetch(graphqlUrl, { method: 'POST', headers: { origin, 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ version }' }) });
  const portal = await ask(TEST_PORTAL_ORIGIN);
  expect(portal.status).toBe(200);
  expect(portal.headers.get('access-control-allow-origin')).toBe(TEST_PORTAL_ORIGIN);
  expect((await jsonOf<{ data: { version: string } }>(portal)).data.version).toBeTruthy();
  expect((await ask(OTHER_ORIGIN)).headers.get('access-control-allow-origin')).toBeNull();
});

test("the portal's upload to POST /identify (with the preflight header) is identified and readable", async () => {
  const form = new FormData();
  form.append('file', new Blob([CU_FILE]), 'CuO_tenorite_13K_01.xdi');
  const response = await fetch(`${identifyUrl}?top=3`, { method: 'POST', headers: { origin: TEST_PORTAL_ORIGIN, 'apollo-require-preflight': 'true' }, body: form });
  expect(response.status).toBe(200);
  expect(response.headers.get('access-control-allow-origin')).toBe(TEST_PORTAL_ORIGIN);
  const body = await jsonOf<{ data: { identifySpectrum: { absorbingElement: string; matches: unknown[] } } }>(response);
  expect(body.data.identifySpectrum.absorbingElement).toBe('Cu');
  expect(body.data.identifySpectrum.matches).toHaveLength(3);
});

test('a plain OPTIONS (no preflight) is answered 204 with the methods, not 400', async () => {
  const response = await fetch(graphqlUrl, { method: 'OPTIONS' });
  expect(response.status).toBe(204);
  expect(response.headers.get('allow')).toBe('GET, POST, OPTIONS');
});
