// What the HTTP server asks of a request before it does any work for it: a JSON body declared exactly as
// `application/json` (any case, parameters allowed), and, for what a browser page of another site could send
// without asking first (a WebSocket upgrade, a multipart POST /identify), the CSRF rule of /graphql.
//
// The rule (Apollo Server's CSRF prevention, which guards /graphql, plus origins): a request from a browser page
// of another origin is refused unless it carries a header a page can only send after a CORS preflight
// (`apollo-require-preflight` or `x-apollo-operation-name`, as on /graphql; this server answers no preflight, so
// no other site's page can). Requests without an Origin header (curl, scripts, notebooks: not browsers), from the
// same origin (Origin's host is the Host header), or from an origin in ALLOWED_ORIGINS pass.
import type http from 'node:http';

/** Headers that a browser page may send cross-origin only after a preflight (Apollo's csrfPrevention defaults). */
export const PREFLIGHT_HEADERS = ['apollo-require-preflight', 'x-apollo-operation-name'] as const;

/** Whether a Content-Type header declares JSON: its media type is exactly application/json, in any case. */
export function isJsonContentType(header: string | undefined): boolean {
  const mediaType = (header ?? '').split(';')[0]!.trim().toLowerCase();
  return mediaType === 'application/json';
}

const header = (req: http.IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** Whether the request's Origin (if any) is this server's own or one of `allowedOrigins` (`scheme://host[:port]`). */
export function originAllowed(req: http.IncomingMessage, allowedOrigins: readonly string[]): boolean {
  const origin = header(req, 'origin');
  if (origin === undefined) return true;
  if (allowedOrigins.includes(origin)) return true;
  try {
    return new URL(origin).host === header(req, 'host');
  } catch {
    return false; // "null" (a sandboxed page, a file) or garbage: not ours
  }
}

/**
 * Why a browser page of another site must not be served this request, or null when it may be: another origin
 * and no preflight header. For requests a page can send without a preflight (multipart POST).
 */
export function crossSiteRefusal(req: http.IncomingMessage, allowedOrigins: readonly string[]): string | null {
  if (originAllowed(req, allowedOrigins)) return null;
  if (PREFLIGHT_HEADERS.some((name) => (header(req, name) ?? '').trim() !== '')) return null;
  return (
    `this request comes from a page of another origin (${header(req, 'origin')}) without a preflight header: ` +
    `send it with the header "apollo-require-preflight: true" (or from the service's own origin, or add the origin to ALLOWED_ORIGINS)`
  );
}

/** A signal that aborts when the client goes away before its response is complete (closed connection or request). */
export function clientGoneSignal(res: http.ServerResponse): AbortSignal {
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller.signal;
}
