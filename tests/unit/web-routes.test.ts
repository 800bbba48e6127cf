// The browser routes' choices (src/web/routes.ts) on a real HTTP server: the page at /, the explorer for a browser
// at GET /graphql (GraphiQL by default, Apollo's landing page only with GRAPHQL_EXPLORER=apollo), and what falls
// through to the GraphQL server.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createWebRoutes } from '../../src/web/routes.ts';

const HTML = 'text/html,application/xhtml+xml,*/*;q=0.8';

async function serverWith(explorer: 'graphiql' | 'apollo') {
  const routes = createWebRoutes({ CORS_ORIGINS: [], GRAPHQL_EXPLORER: explorer }, () => Promise.reject(new Error('no GraphQL here')));
  const server = http.createServer((req, res) => {
    void routes.handle(req, res, new URL(req.url ?? '/', 'http://localhost'), 'test').then((handled) => {
      if (!handled) res.end('fell through');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return { base, close };
}

test('GraphiQL for a browser at /graphql by default (a ?query= link too); GraphQL requests fall through', async () => {
  const { base, close } = await serverWith('graphiql');
  try {
    expect(await (await fetch(`${base}/graphql`, { headers: { accept: HTML } })).text()).toContain('graphiql.min.js');
    expect(await (await fetch(`${base}/graphql?query=%7Bversion%7D`, { headers: { accept: HTML } })).text()).toContain('graphiql.min.js');
    expect(await (await fetch(`${base}/graphql`, { headers: { accept: 'application/json' } })).text()).toBe('fell through');
    expect(await (await fetch(`${base}/graphql?query=%7Bversion%7D`, { headers: { accept: 'application/json' } })).text()).toBe('fell through');
    expect(await (await fetch(`${base}/graphql`, { method: 'POST', headers: { accept: HTML } })).text()).toBe('fell through');
  } finally {
    await close();
  }
});

test("GRAPHQL_EXPLORER=apollo leaves /graphql to Apollo Server (its landing page); the page at / stays", async () => {
  const { base, close } = await serverWith('apollo');
  try {
    expect(await (await fetch(`${base}/graphql`, { headers: { accept: HTML } })).text()).toBe('fell through');
    expect(await (await fetch(`${base}/`, { headers: { accept: HTML } })).text()).toContain('<main id="view"');
    expect(await (await fetch(`${base}/?query=%7Bversion%7D`, { headers: { accept: HTML } })).text()).toContain('<main id="view"');
    expect(await (await fetch(`${base}/?query=%7Bversion%7D`, { headers: { accept: 'application/json' } })).text()).toBe('fell through');
    expect(await (await fetch(`${base}/healthz`)).text()).toBe('fell through');
  } finally {
    await close();
  }
});
