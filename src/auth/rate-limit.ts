// Per-key rate limit on work-starting mutations: one token bucket per API key.
//
// A bucket holds at most `perMinute` units (the burst) and refills continuously at `perMinute` units per
// minute. A request costing `units` (one per structure submitted) passes when the bucket holds that many,
// and takes them; otherwise it is refused with the time until it would pass. A request costing more than the
// whole bucket can never pass: the caller must split it, or the operator must raise the limit.
//
// The buckets live in this process's memory. That is right for one API process (the default deployment);
// with several API processes behind a load balancer each keeps its own buckets, so a key gets up to N times
// the limit. Such a deployment would keep the buckets in a shared store (PostgreSQL or Redis) instead.

/** Milliseconds since some fixed origin (Date.now, performance.now, or a test's own clock). */
export type Clock = () => number;

/** The result of asking for `units`. */
export type Admission =
  | { allowed: true; remaining: number }
  | { allowed: false; retryAfterSeconds: number; /** The request can never pass: it costs more than the burst. */ tooLarge: boolean };

interface Bucket {
  tokens: number;
  /** Clock reading when `tokens` was last brought up to date. */
  at: number;
}

/** Buckets are forgotten once full and idle this long (they would be full again anyway). */
const IDLE_FORGET_MS = 10 * 60_000;

export class RateLimiter {
  readonly perMinute: number;
  private readonly clock: Clock;
  private readonly buckets = new Map<string, Bucket>();
  private lastSweep: number;

  constructor(perMinute: number, clock: Clock = Date.now) {
    if (!Number.isFinite(perMinute) || perMinute <= 0) throw new Error(`RateLimiter: perMinute must be a positive number; got ${perMinute}`);
    this.perMinute = perMinute;
    this.clock = clock;
    this.lastSweep = clock();
  }

  /** Take `units` from `key`'s bucket if it holds them. */
  take(key: string, units: number): Admission {
    if (!Number.isFinite(units) || units < 0) throw new Error(`RateLimiter.take: units must be a non-negative number; got ${units}`);
    const now = this.clock();
    this.sweep(now);
    const bucket = this.buckets.get(key) ?? { tokens: this.perMinute, at: now };
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + ((now - bucket.at) * this.perMinute) / 60_000);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (units > this.perMinute) return { allowed: false, retryAfterSeconds: Infinity, tooLarge: true };
    if (bucket.tokens >= units) {
      bucket.tokens -= units;
      return { allowed: true, remaining: Math.floor(bucket.tokens) };
    }
    const waitMs = ((units - bucket.tokens) * 60_000) / this.perMinute;
    // Whole seconds, rounded up; the nanosecond of slack keeps float noise (1000.0000000000009 ms) from adding a second.
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((waitMs - 1e-6) / 1000)), tooLarge: false };
  }

  /** Drop buckets that have refilled completely, now and then, so memory stays bounded by the active keys. */
  private sweep(now: number): void {
    if (now - this.lastSweep < IDLE_FORGET_MS) return;
    this.lastSweep = now;
    for (const [key, bucket] of this.buckets) if (now - bucket.at >= IDLE_FORGET_MS) this.buckets.delete(key);
  }
}
