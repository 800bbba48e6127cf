// CORS (src/web/cors.ts) on a real HTTP server: off unless origins are listed; a listed origin's preflight is 204
// with the methods and headers it may use, and its requests carry Access-Control-Allow-Origin; any other
// origin's preflight is 403 without CORS headers. The service's own wiring is in tests/integration/cors.test.ts.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../src/config.ts';
import { applyCors } from '../../src/web/cors.ts';
import { errorOf } from '../support/http-answers.ts';

const PORTAL = 'https://portal.example.org';

async function serverWith(origins: readonly string[]): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    if (applyCors(req, res, origins).handled) return;
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('answered');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/graphql`, close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections(); // fetch keeps connections alive
      }),
  };
}

const preflight = (url: string, origin: string, headers = 'content-type, authorization', method = 'POST') =>
  fetch(url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': headers } });

test('CORS_ORIGINS is off by default and read as a list of origins', () => {
  expect(loadConfig({}).CORS_ORIGINS).toEqual([]);
  expect(loadConfig({ CORS_ORIGINS: ' https://a.example.org/, http://localhost:8080 ,' }).CORS_ORIGINS).toEqual(['https://a.example.org', 'http://localhost:8080']);
});

describe('with no origin listed (the default)', () => {
  let server: Awaited<ReturnType<typeof serverWith>>;
  beforeAll(async () => (server = await serverWith([])));
  afterAll(() => server.close());

  test('a preflight is refused with 403 and a message naming CORS_ORIGINS', async () => {
    const response = await preflight(server.url, PORTAL);
    expect(response.status).toBe(403);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect((await errorOf(response))).toMatch(/CORS_ORIGINS/);
  });

  test('a request from another origin is answered without CORS headers (the browser keeps it from the page)', async () => {
    const response = await fetch(server.url, { headers: { origin: PORTAL } });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('with a portal listed', () => {
  let server: Awaited<ReturnType<typeof serverWith>>;
  beforeAll(async () => (server = await serverWith([PORTAL])));
  afterAll(() => server.close());

  test("the portal's preflight is 204 with the origin, methods and headers", async () => {
    const response = await preflight(server.url, PORTAL, 'content-type, authorization, apollo-require-preflight');
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(PORTAL);
    expect(response.headers.get('access-control-allow-methods')).toBe('GET, POST, OPTIONS');
    expect(response.headers.get('access-control-allow-headers')?.split(', ')).toEqual(expect.arrayContaining(['content-type', 'authorization', 'apollo-require-preflight']));
    expect(response.headers.get('vary')).toMatch(/Origin/);
  });

  test("the portal's request carries Access-Control-Allow-Origin", async () => {
    const response = await fetch(server.url, { method: 'POST', headers: { origin: PORTAL }, body: '{}' });
    expect(await response.text()).toBe('answered');
    expect(response.headers.get('access-control-allow-origin')).toBe(PORTAL);
    expect(response.headers.get('access-control-expose-headers')).toMatch(/x-request-id/);
  });

  test('another origin, a method or a header not allowed: 403', async () => {
    expect((await preflight(server.url, 'https://evil.example.com')).status).toBe(403);
    const method = await preflight(server.url, PORTAL, 'content-type', 'DELETE');
    expect(method.status).toBe(403);
    expect((await errorOf(method))).toMatch(/DELETE/);
    const header = await preflight(server.url, PORTAL, 'content-type, x-secret');
    expect(header.status).toBe(403);
    expect((await errorOf(header))).toMatch(/x-secret/);
  });
});
