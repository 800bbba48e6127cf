// The service's routes for people in a browser and for portals, in one hook the HTTP server calls before its own
// routes (src/server.ts): CORS (src/web/cors.ts), the web page at / (src/web/public/), its assets at /assets/…,
// the offline GraphQL explorer (GraphiQL) at GET /graphql for a browser, and the REST downloads
// (src/web/downloads.ts). Everything else falls through to the server's router.
import type http from 'node:http';
import path from 'node:path';
import type { Config } from '../config.ts';
import { applyCors, isCorsPath } from './cors.ts';
import { isDownloadPath, parseDownloadPath, sendUnknownDownload, serveDownload } from './downloads.ts';
import type { OperationRunner } from './operations.ts';
import { assetFile, PUBLIC_DIR, sendStaticFile } from './static-files.ts';

/** The page: scripts and styles from this service only; data from this service only (fetch, and WebSocket for the explorer). */
const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'", // uPlot and GraphiQL set inline styles
  "img-src 'self' data: blob:",
  "font-src 'self' data:", // GraphiQL's fonts are inlined in its CSS
  "connect-src 'self' ws: wss:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'self'",
].join('; ');

const INDEX_HTML = path.join(PUBLIC_DIR, 'index.html');
const EXPLORER_HTML = path.join(PUBLIC_DIR, 'explorer.html');

export interface WebRoutes {
  /** Answers the request when it is one of these routes (true), else leaves it to the caller (false). */
  handle(req: http.IncomingMessage, res: http.ServerResponse, url: URL, requestId: string): Promise<boolean>;
}

const isRead = (req: http.IncomingMessage) => req.method === 'GET' || req.method === 'HEAD';
const wantsHtml = (req: http.IncomingMessage) => (req.headers.accept ?? '').toLowerCase().includes('text/html');

/**
 * The routes, with `runOperation` to answer downloads through the GraphQL schema. With GRAPHQL_EXPLORER=apollo a
 * browser at /graphql gets Apollo Server's own landing page (its CDN's Sandbox) instead of the bundled GraphiQL.
 */
export function createWebRoutes(config: Pick<Config, 'CORS_ORIGINS' | 'GRAPHQL_EXPLORER'>, runOperation: OperationRunner): WebRoutes {
  return {
    async handle(req, res, url, requestId) {
      const { pathname } = url;
      if (isCorsPath(pathname) && applyCors(req, res, config.CORS_ORIGINS).handled) return true;
      if (pathname === '/' && isRead(req) && (wantsHtml(req) || !url.searchParams.has('query'))) {
        sendStaticFile(req, res, INDEX_HTML, { 'content-security-policy': PAGE_CSP });
        return true;
      }
      if (pathname.startsWith('/assets/')) {
        const file = isRead(req) ? assetFile(pathname) : null;
        if (file) sendStaticFile(req, res, file);
        else {
          res.writeHead(404, { 'content-type': 'application/json; charset=utf-8' });
          res.end(JSON.stringify({ error: `no asset ${pathname}` }));
        }
        return true;
      }
      // A browser's GET (Accept: text/html), with or without ?query= (GraphiQL opens with it), never Apollo's landing page.
      if (pathname === '/graphql' && isRead(req) && wantsHtml(req) && config.GRAPHQL_EXPLORER === 'graphiql') {
        sendStaticFile(req, res, EXPLORER_HTML, { 'content-security-policy': PAGE_CSP });
        return true;
      }
      if (isDownloadPath(pathname)) {
        const download = parseDownloadPath(pathname);
        if (download) await serveDownload(runOperation, download, req, res, requestId);
        else sendUnknownDownload(res, pathname);
        return true;
      }
      return false;
    },
  };
}
