// The web page at / and the offline GraphQL explorer at GET /graphql, over HTTP: every file they load is served by
// the service (no CDN, no outside font), with a Content-Security-Policy that allows nothing else. What the page
// does in a browser is tested in tests/browser/web-page.test.ts (`npm run test:browser`).
import { testEnvironment } from '../support/env.ts';
import { jsonOf } from '../support/http-answers.ts';

const { baseUrl, graphqlUrl } = testEnvironment();
const HTML = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'; // what a browser sends

/** Local URLs a page loads: src= and href= attributes (not in-page anchors or data: URLs). */
function referencedUrls(html: string): string[] {
  return [...html.matchAll(/\s(?:src|href)="([^"#][^"]*)"/g)].map((m) => m[1]!).filter((u) => !u.startsWith('data:'));
}

/** Relative module imports of a page script (`import … from './x.js'`). */
const moduleImports = (js: string) => [...js.matchAll(/from '(\.\/[^']+)'/g)].map((m) => m[1]!);

/** A fetched file, its body read (an unread body keeps the connection, and jest, waiting). */
interface Fetched {
  status: number;
  contentType: string;
  body: string;
}

/** Every file the page at `path` loads, following its scripts' module imports; fails on any non-local URL. */
async function crawl(path: string): Promise<Map<string, Fetched>> {
  const seen = new Map<string, Fetched>();
  const queue: string[] = [path];
  while (queue.length > 0) {
    const url = queue.shift()!;
    if (seen.has(url)) continue;
    expect(url.startsWith('/')).toBe(true); // nothing from another host
    const response = await fetch(`${baseUrl}${url}`, { headers: { accept: url === path ? HTML : '*/*' } });
    const file = { status: response.status, contentType: response.headers.get('content-type') ?? '', body: await response.text() };
    seen.set(url, file);
    if (file.contentType.startsWith('text/html')) queue.push(...referencedUrls(file.body).filter((u) => u !== '/graphql'));
    else if (file.contentType.startsWith('text/javascript') && url.startsWith('/assets/') && !url.startsWith('/assets/vendor/')) {
      queue.push(...moduleImports(file.body).map((rel) => new URL(rel, `http://x${url}`).pathname));
    }
  }
  return seen;
}

describe('the page at /', () => {
  test('is HTML with a policy that lets it load only from this service', async () => {
    const response = await fetch(`${baseUrl}/`, { headers: { accept: HTML } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    const html = await response.text();
    expect(html).toContain('<main id="view"');
    expect(html).not.toMatch(/https?:\/\//);
  });

  test('every file it loads (its modules, uPlot) is served here, with its type', async () => {
    const files = await crawl('/');
    const paths = [...files.keys()];
    expect(paths).toEqual(expect.arrayContaining(['/assets/vendor/uPlot.iife.min.js', '/assets/vendor/uPlot.min.css', '/assets/app.css', '/assets/app.js', '/assets/identify.js', '/assets/mixture.js', '/assets/material.js', '/assets/predict.js', '/assets/plot.js']));
    for (const [path, file] of files) {
      expect({ path, status: file.status }).toEqual({ path, status: 200 });
      const expected = path.endsWith('.js') ? 'text/javascript' : path.endsWith('.css') ? 'text/css' : 'text/html';
      expect(file.contentType).toContain(expected);
      if (path.startsWith('/assets/') && !path.startsWith('/assets/vendor/')) {
        expect({ path, external: file.body.match(/https?:\/\/[^\s'"`]+/g) }).toEqual({ path, external: null });
      }
    }
    expect(files.get('/assets/vendor/uPlot.iife.min.js')!.body.length).toBeGreaterThan(20_000);
  });

  test('a file it holds is answered 304 when the browser has this version', async () => {
    const first = await fetch(`${baseUrl}/assets/app.js`);
    await first.text();
    const etag = first.headers.get('etag');
    expect(etag).toBeTruthy();
    const again = await fetch(`${baseUrl}/assets/app.js`, { headers: { 'if-none-match': etag! } });
    expect(again.status).toBe(304);
  });

  test('only listed files are served: no path reaches the disk', async () => {
    for (const path of ['/assets/vendor/nope.js', '/assets/../package.json', '/assets/%2e%2e/package.json', '/assets/index.html', '/assets/']) {
      const response = await fetch(`${baseUrl}${path}`);
      await response.text();
      expect({ path, status: response.status }).toEqual({ path, status: 404 });
    }
  });
});

describe('the GraphQL explorer at GET /graphql', () => {
  test('a browser gets GraphiQL, whose files are all served here', async () => {
    const response = await fetch(graphqlUrl, { headers: { accept: HTML } });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('/assets/vendor/graphiql.min.js');
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/apollo|sandbox/i);
    const files = await crawl('/graphql');
    expect([...files.keys()]).toEqual(expect.arrayContaining(['/assets/vendor/react.production.min.js', '/assets/vendor/react-dom.production.min.js', '/assets/vendor/graphiql.min.js', '/assets/vendor/graphiql.min.css', '/assets/explorer.js']));
    for (const [path, file] of files) expect({ path, status: file.status }).toEqual({ path, status: 200 });
    expect(files.get('/assets/vendor/graphiql.min.js')!.body.length).toBeGreaterThan(1_000_000);
  });

  test('GraphQL over GET and POST still answers JSON', async () => {
    // GET needs Apollo's CSRF header (as before this page existed).
    const get = await fetch(`${graphqlUrl}?query=${encodeURIComponent('{ version }')}`, { headers: { accept: 'application/json', 'apollo-require-preflight': 'true' } });
    expect(get.status).toBe(200);
    expect((await jsonOf<{ data: { version: string } }>(get)).data.version).toMatch(/^\d+\.\d+\.\d+$/);
    // A browser following a link with ?query= gets the explorer (opening with that query), never Apollo's CDN page.
    const fromBrowser = await fetch(`${graphqlUrl}?query=${encodeURIComponent('{ version }')}`, { headers: { accept: HTML } });
    expect(fromBrowser.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await fromBrowser.text()).toContain('/assets/vendor/graphiql.min.js');
    const post = await fetch(graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json', accept: HTML }, body: JSON.stringify({ query: '{ version }' }) });
    expect((await jsonOf<{ data: { version: string } }>(post)).data.version).toBeTruthy();
  });
});
