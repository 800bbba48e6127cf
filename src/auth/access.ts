// Who is calling and what they may do. Requests carry an API key (`Authorization: Bearer xg_…`, see
// src/auth/keys.ts; src/auth/api-keys.ts turns it into a Caller in the server's context); reads are open unless
// REQUIRE_KEY_FOR_READS is set; mutations that start work need a contributor (or admin) key and are
// rate-limited per key (MUTATION_RATE_LIMIT units per minute, one unit per structure submitted).
import { RateLimiter, type Clock } from './rate-limit.ts';

/** Every role, weakest first. */
export const ROLES = ['reader', 'contributor', 'admin'] as const;

/** What an API key may do: read (everything open), contribute (start predictions), administer (manage keys). */
export type Role = (typeof ROLES)[number];

/** The caller of a request, from its `Authorization: Bearer <key>` header; null when anonymous. */
export interface Caller {
  keyId: string;
  name: string;
  role: Role;
}

/** Not allowed: GraphQL maps `code` to `extensions.code` (UNAUTHENTICATED, FORBIDDEN, RATE_LIMITED). */
export class AccessError extends Error {
  override name = 'AccessError';
  constructor(
    message: string,
    readonly code: 'UNAUTHENTICATED' | 'FORBIDDEN' | 'RATE_LIMITED',
    /** RATE_LIMITED: seconds until the same request would pass (absent when it never can: too large). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** Default of MUTATION_RATE_LIMIT: the largest `predictSpectra` batch (10,000 structures), so any valid request can pass on a full bucket. */
export const DEFAULT_MUTATION_RATE_LIMIT = 10_000;

// One limiter per process (the buckets are in memory: see src/auth/rate-limit.ts for what that means with
// several API processes). The server sets the configured rate at start.
let mutationLimiter = new RateLimiter(DEFAULT_MUTATION_RATE_LIMIT);

/** Set MUTATION_RATE_LIMIT (units per minute per key, also the burst); forgets every bucket. `clock` is for tests. */
export function configureMutationRateLimit(perMinute: number, clock?: Clock): void {
  mutationLimiter = new RateLimiter(perMinute, clock);
}

/** With REQUIRE_KEY_FOR_READS: any valid key (every role reads) or UNAUTHENTICATED. */
export function requireReader(caller: Caller | null): Caller {
  if (!caller) {
    throw new AccessError('this service answers only requests with an API key: send `Authorization: Bearer <key>` (an administrator creates one with `npm run apikey -- create --name <you> --role reader`)', 'UNAUTHENTICATED');
  }
  return caller;
}

/**
 * Checks that `caller` may start work costing `units` (one per structure submitted) and counts it against the
 * key's rate limit. Throws AccessError otherwise. Call it before anything is written or queued.
 */
export async function requireContributor(caller: Caller | null, units = 1): Promise<Caller> {
  if (!caller) throw new AccessError('this mutation needs an API key: send `Authorization: Bearer <key>` (create one with `npm run apikey -- create --name <you> --role contributor`)', 'UNAUTHENTICATED');
  if (caller.role === 'reader') throw new AccessError(`API key "${caller.name}" is a reader key; starting predictions needs a contributor key`, 'FORBIDDEN');
  const admission = mutationLimiter.take(caller.keyId, units);
  if (admission.allowed) return caller;
  const limit = mutationLimiter.perMinute;
  if (admission.tooLarge) {
    throw new AccessError(
      `this request submits ${units} structures but API key "${caller.name}" may submit at most ${limit} per minute: send at most ${limit} per request (MUTATION_RATE_LIMIT sets the limit)`,
      'RATE_LIMITED',
    );
  }
  const wait = admission.retryAfterSeconds;
  throw new AccessError(
    `rate limit of API key "${caller.name}" reached (${limit} structures per minute): retry in ${wait} s`,
    'RATE_LIMITED',
    wait,
  );
}
