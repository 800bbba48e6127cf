// Cross-origin access for lab portals (CORS), off unless CORS_ORIGINS lists origins. For a request from a listed
// origin to /graphql, /identify or a download, the answer carries Access-Control-Allow-Origin; a preflight
// (OPTIONS with Access-Control-Request-Method) from a listed origin is answered 204 with the methods and headers
// it may use, and from any other origin refused with 403 (and no CORS headers: the browser blocks the call).
// No credentials (cookies) are involved: a portal sends an API key in the Authorization header, which the
// preflight allows. The CSRF rule (src/graphql/request-policy.ts) still applies: a multipart POST /identify from a
// portal carries `apollo-require-preflight: true`, which makes the browser ask first.
import type http from 'node:http';

/** Paths whose answers a listed origin may read. */
export function isCorsPath(pathname: string): boolean {
  return pathname === '/graphql' || pathname === '/identify' || pathname.startsWith('/spectra/') || pathname.startsWith('/materials/');
}

export const CORS_METHODS = ['GET', 'POST', 'OPTIONS'] as const;
/** Request headers a portal may send (lower case). */
export const CORS_REQUEST_HEADERS = ['content-type', 'authorization', 'apollo-require-preflight', 'x-apollo-operation-name', 'x-request-id'] as const;
/** Response headers a portal's script may read besides the safelisted ones. */
const EXPOSED_HEADERS = ['x-request-id', 'retry-after', 'content-disposition'];
/** How long a browser may cache a preflight's answer, seconds. */
const PREFLIGHT_MAX_AGE_SECONDS = 600;

const headerOf = (req: http.IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** `scheme://host[:port]` of a listed origin, normalised as a browser sends it (no trailing slash, lower case). */
const normalizeOrigin = (origin: string) => origin.trim().replace(/\/+$/, '').toLowerCase();

/** What a CORS check decided. `handled`: the request was answered (a preflight) and nothing else should run. */
export interface CorsOutcome {
  handled: boolean;
}

function refuse(res: http.ServerResponse, message: string): CorsOutcome {
  res.writeHead(403, { 'content-type': 'application/json; charset=utf-8', vary: 'Origin' });
  res.end(JSON.stringify({ error: message }));
  return { handled: true };
}

/**
 * Applies the CORS policy to a request on a CORS path: adds the headers for a listed origin, answers a preflight
 * (204 or 403). Call before routing; when `handled` is true the response is complete.
 */
export function applyCors(req: http.IncomingMessage, res: http.ServerResponse, allowedOrigins: readonly string[]): CorsOutcome {
  const origin = headerOf(req, 'origin');
  const requestedMethod = headerOf(req, 'access-control-request-method');
  const isPreflight = req.method === 'OPTIONS' && requestedMethod !== undefined;
  const allowed = origin !== undefined && allowedOrigins.map(normalizeOrigin).includes(normalizeOrigin(origin));
  res.setHeader('vary', 'Origin');
  if (!isPreflight) {
    if (allowed) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-expose-headers', EXPOSED_HEADERS.join(', '));
    }
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { allow: CORS_METHODS.join(', ') });
      res.end();
      return { handled: true };
    }
    return { handled: false };
  }
  if (!allowed) {
    const why =
      allowedOrigins.length === 0
        ? 'cross-origin requests are not enabled on this service: its operator lists the portals allowed in CORS_ORIGINS'
        : `the origin ${origin ?? '(none)'} is not in CORS_ORIGINS`;
    return refuse(res, why);
  }
  if (!(CORS_METHODS as readonly string[]).includes(requestedMethod.toUpperCase())) {
    return refuse(res, `method ${requestedMethod} is not allowed cross-origin; use ${CORS_METHODS.join(', ')}`);
  }
  const requestedHeaders = (headerOf(req, 'access-control-request-headers') ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  const unknown = requestedHeaders.filter((h) => !(CORS_REQUEST_HEADERS as readonly string[]).includes(h));
  if (unknown.length > 0) return refuse(res, `request headers ${unknown.join(', ')} are not allowed cross-origin; allowed: ${CORS_REQUEST_HEADERS.join(', ')}`);
  res.writeHead(204, {
    'access-control-allow-origin': origin,
    'access-control-allow-methods': CORS_METHODS.join(', '),
    'access-control-allow-headers': CORS_REQUEST_HEADERS.join(', '),
    'access-control-max-age': String(PREFLIGHT_MAX_AGE_SECONDS),
    'content-length': '0',
  });
  res.end();
  return { handled: true };
}
