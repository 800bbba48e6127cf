// Tells "the database cannot be reached right now" from every other failure, whichever layer it comes through
// (node-postgres, @prisma/adapter-pg's driver errors, Prisma's own errors, pg-boss), so that the API answers it as
// SERVICE_UNAVAILABLE (retryable; HTTP 503 where the status is ours) rather than as an internal error.
// The database being down, restarting or refusing connections is an operating condition, not a bug.

/** The code clients see. */
export const SERVICE_UNAVAILABLE = 'SERVICE_UNAVAILABLE';
/** What they read: says it is temporary and what to do. */
export const SERVICE_UNAVAILABLE_MESSAGE = 'the database is unavailable right now (restarting or unreachable): retry in a few seconds';
/** Seconds a client should wait before retrying (the Retry-After header on 503 answers). */
export const RETRY_AFTER_SECONDS = 2;

/** Socket errors of a connection that could not be made or was cut. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/**
 * SQLSTATEs of an unavailable server: class 08 (connection exception), 57P01 admin_shutdown, 57P02
 * crash_shutdown, 57P03 cannot_connect_now (starting up, shutting down, recovering), 53300 too_many_connections.
 */
const UNAVAILABLE_SQLSTATES = /^(08...|57P0[123]|53300)$/;
/** Prisma's codes for the same: can't reach, timed out, server closed the connection, no connection from the pool in time. */
const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
/** @prisma/adapter-pg's kinds for the same. */
const ADAPTER_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);
/** node-postgres' messages without a code (the socket ended under a query, a pool client broken by it, a connect timeout). */
const DRIVER_MESSAGES = [
  /Connection terminated/i,
  /Client has encountered a connection error and is not queryable/i,
  /timeout exceeded when trying to connect/i,
  /terminating connection due to administrator command/i,
  /the database system is (starting up|shutting down|in recovery mode|not yet accepting connections)/i,
  /Can't reach database server/i,
  /Server has closed the connection/i,
];

interface ErrorLike {
  code?: unknown;
  kind?: unknown;
  originalCode?: unknown;
  message?: unknown;
  cause?: unknown;
  originalError?: unknown;
  /** Prisma: `meta.driverAdapterError` holds the adapter's error. */
  meta?: { driverAdapterError?: unknown };
  errors?: unknown;
}

function matchesOne(error: ErrorLike): boolean {
  const code = typeof error.code === 'string' ? error.code : undefined;
  if (code && (SOCKET_CODES.has(code) || UNAVAILABLE_SQLSTATES.test(code) || PRISMA_CODES.has(code))) return true;
  if (typeof error.originalCode === 'string' && UNAVAILABLE_SQLSTATES.test(error.originalCode)) return true;
  if (typeof error.kind === 'string' && ADAPTER_KINDS.has(error.kind)) return true;
  if (error.kind === 'postgres' && typeof error.code === 'string' && UNAVAILABLE_SQLSTATES.test(error.code)) return true;
  return typeof error.message === 'string' && DRIVER_MESSAGES.some((pattern) => pattern.test(error.message as string));
}

/** Whether `err`, or anything it wraps (cause, originalError, Prisma's driverAdapterError, an AggregateError's errors), says the database is unavailable. */
export function isDatabaseUnavailable(err: unknown): boolean {
  const seen = new Set<unknown>();
  const pending: unknown[] = [err];
  while (pending.length > 0) {
    const current = pending.pop();
    if (current === null || typeof current !== 'object' || seen.has(current)) continue;
    seen.add(current);
    const error = current as ErrorLike;
    if (matchesOne(error)) return true;
    pending.push(error.cause, error.originalError, error.meta?.driverAdapterError);
    if (Array.isArray(error.errors)) pending.push(...(error.errors as unknown[]));
  }
  return false;
}

