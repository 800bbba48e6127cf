// The files the web page and the GraphQL explorer load, served by the service itself so that both work without
// internet (no CDN, no web fonts from outside): the page's own HTML/CSS/JS from src/web/public/, and the vendor
// builds straight from node_modules (uPlot's IIFE build; GraphiQL 3's UMD build with React 18's UMD builds), so
// that `npm ci` is the whole build. Only the files listed here are served: no path from a URL reaches the disk.
import crypto from 'node:crypto';
import fs from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { PROJECT_ROOT } from '../config.ts';

/** The page's own files (HTML, CSS, JS modules). */
export const PUBLIC_DIR = path.join(PROJECT_ROOT, 'src', 'web', 'public');
const NODE_MODULES = path.join(PROJECT_ROOT, 'node_modules');

/** URL path → file of a vendor build in node_modules. */
export const VENDOR_FILES: Readonly<Record<string, string>> = {
  '/assets/vendor/uPlot.iife.min.js': 'uplot/dist/uPlot.iife.min.js',
  '/assets/vendor/uPlot.min.css': 'uplot/dist/uPlot.min.css',
  '/assets/vendor/react.production.min.js': 'react/umd/react.production.min.js',
  '/assets/vendor/react-dom.production.min.js': 'react-dom/umd/react-dom.production.min.js',
  '/assets/vendor/graphiql.min.js': 'graphiql/graphiql.min.js',
  '/assets/vendor/graphiql.min.css': 'graphiql/graphiql.min.css',
};

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

interface LoadedFile {
  body: Buffer;
  etag: string;
  contentType: string;
}

/** A file read once and kept (they are small and never change while the service runs), by absolute path. */
const loaded = new Map<string, LoadedFile>();

function load(file: string): LoadedFile {
  let entry = loaded.get(file);
  if (!entry) {
    const body = fs.readFileSync(file);
    entry = {
      body,
      etag: `"${crypto.createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
      contentType: CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
    };
    loaded.set(file, entry);
  }
  return entry;
}

/** URL path → absolute file of every asset: the vendor builds and each file of PUBLIC_DIR (as /assets/<name>). */
function assetTable(): Map<string, string> {
  const table = new Map<string, string>();
  for (const [urlPath, relative] of Object.entries(VENDOR_FILES)) table.set(urlPath, path.join(NODE_MODULES, relative));
  for (const entry of fs.readdirSync(PUBLIC_DIR, { withFileTypes: true })) {
    if (entry.isFile() && !entry.name.endsWith('.html')) table.set(`/assets/${entry.name}`, path.join(PUBLIC_DIR, entry.name));
  }
  return table;
}

let assets: Map<string, string> | null = null;

/** The file served at `urlPath`, or null when none is. */
export function assetFile(urlPath: string): string | null {
  assets ??= assetTable();
  return assets.get(urlPath) ?? null;
}

/** Every asset URL path (for tests and the README). */
export function assetPaths(): string[] {
  assets ??= assetTable();
  return [...assets.keys()];
}

/** Sends `file` (200, or 304 when the browser holds this version); `headers` are added (e.g. a Content-Security-Policy). */
export function sendStaticFile(req: http.IncomingMessage, res: http.ServerResponse, file: string, headers: Record<string, string> = {}): void {
  const { body, etag, contentType } = load(file);
  const common = { etag, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff', ...headers };
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, common);
    res.end();
    return;
  }
  res.writeHead(200, { ...common, 'content-type': contentType, 'content-length': body.length });
  res.end(req.method === 'HEAD' ? undefined : body);
}
