// API keys (format, hashing, the Authorization header), the per-key token bucket with an injected clock, and
// requireContributor's decisions (no key, reader key, rate limit).
import crypto from 'node:crypto';
import { AccessError, type Caller, configureMutationRateLimit, DEFAULT_MUTATION_RATE_LIMIT, requireContributor, requireReader } from '../../src/auth/access.ts';
import { checkKeyRequest } from '../../src/auth/api-keys.ts';
import { bearerToken, generateKey, hashKey, keyPrefix } from '../../src/auth/keys.ts';
import { RateLimiter } from '../../src/auth/rate-limit.ts';
import { loadConfig } from '../../src/config.ts';

describe('keys', () => {
  test('a key is xg_<8 base64url chars>_<43 base64url chars>, and its prefix is the non-secret start', () => {
    for (let i = 0; i < 200; i++) {
      const { key, prefix, hash } = generateKey();
      expect(key).toMatch(/^xg_[A-Za-z0-9_-]{8}_[A-Za-z0-9_-]{43}$/);
      expect(key.startsWith(`${prefix}_`)).toBe(true);
      expect(keyPrefix(key)).toBe(prefix);
      expect(hash).toBe(hashKey(key));
    }
  });

  test('the secret is 32 random bytes and the prefix 6, base64url-encoded', () => {
    const calls: number[] = [];
    const { key, prefix } = generateKey((n) => {
      calls.push(n);
      return Buffer.alloc(n, 0xff);
    });
    expect(calls).toEqual([6, 32]);
    expect(prefix).toBe('xg_________'); // 0xff… in base64url is all '_'
    expect(key).toBe(`xg_________${'_'}${Buffer.alloc(32, 0xff).toString('base64url')}`);
    expect(keyPrefix(key)).toBe('xg_________'); // fixed lengths: underscores inside the parts do not confuse the split
  });

  test('two keys differ', () => {
    const keys = new Set(Array.from({ length: 1000 }, () => generateKey().key));
    expect(keys.size).toBe(1000);
  });

  test('the stored hash is sha256 of the whole key, hex', () => {
    expect(hashKey('xg_abcdefgh_x')).toBe(crypto.createHash('sha256').update('xg_abcdefgh_x').digest('hex'));
    expect(hashKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'); // FIPS 180-2 test vector
  });

  test('text not shaped like a key has no prefix', () => {
    const { key } = generateKey();
    for (const bad of ['', 'xg_', key.slice(0, -1), `${key}A`, key.replace(/^xg_/, 'xx_'), ` ${key}`, key.replace(/_/, '-'), `xg_abcdefgh_${'+'.repeat(43)}`]) {
      expect([bad, keyPrefix(bad)]).toEqual([bad, null]);
    }
  });

  test('Authorization: Bearer <key>, scheme in any case; none is null; other schemes are refused', () => {
    expect(bearerToken(undefined)).toBeNull();
    expect(bearerToken('')).toBeNull();
    expect(bearerToken('Bearer xg_a_b')).toBe('xg_a_b');
    expect(bearerToken('bearer   xg_a_b ')).toBe('xg_a_b');
    expect(() => bearerToken('Basic dXNlcjpwYXNz')).toThrow('the Authorization header must be `Bearer <API key>`');
    expect(() => bearerToken('Bearer')).toThrow(/Bearer <API key>/);
    expect(() => bearerToken('Bearer a b')).toThrow(/Bearer <API key>/);
  });

  test('key names and roles are checked with what to fix', () => {
    expect(checkKeyRequest('alice@lab-1.example', 'reader')).toEqual({ name: 'alice@lab-1.example', role: 'reader' });
    expect(() => checkKeyRequest('', 'reader')).toThrow(/not allowed: use 1 to 100 letters/);
    expect(() => checkKeyRequest('-x', 'reader')).toThrow(/starting with a letter or digit/);
    expect(() => checkKeyRequest('a b', 'reader')).toThrow(/not allowed/);
    expect(() => checkKeyRequest('a'.repeat(101), 'reader')).toThrow(/not allowed/);
    expect(() => checkKeyRequest('alice', 'root')).toThrow('role must be one of reader, contributor, admin; got "root"');
  });
});

describe('token bucket', () => {
  function limiter(perMinute: number) {
    let now = 1_000_000;
    const clock = () => now;
    return { limiter: new RateLimiter(perMinute, clock), advance: (ms: number) => (now += ms) };
  }

  test('a full bucket passes `perMinute` units at once, then refuses the next with the seconds to wait', () => {
    const { limiter: l } = limiter(60);
    for (let i = 0; i < 60; i++) expect(l.take('k', 1).allowed).toBe(true);
    expect(l.take('k', 1)).toEqual({ allowed: false, retryAfterSeconds: 1, tooLarge: false }); // 1 unit per second
  });

  test('it refills continuously at perMinute per minute, never above the burst', () => {
    const { limiter: l, advance } = limiter(600); // 10 units per second
    expect(l.take('k', 600)).toEqual({ allowed: true, remaining: 0 });
    advance(500);
    expect(l.take('k', 6)).toEqual({ allowed: false, retryAfterSeconds: 1, tooLarge: false }); // holds 5
    expect(l.take('k', 5)).toEqual({ allowed: true, remaining: 0 });
    advance(30_000);
    expect(l.take('k', 301)).toEqual({ allowed: false, retryAfterSeconds: 1, tooLarge: false }); // holds 300: 0.1 s short, rounded up
    advance(3_600_000);
    expect(l.take('k', 600)).toEqual({ allowed: true, remaining: 0 }); // an hour idle refills the burst, not more
    expect(l.take('k', 1).allowed).toBe(false);
  });

  test('the wait is exact: (units − tokens) / rate, rounded up to whole seconds', () => {
    const { limiter: l, advance } = limiter(6); // one unit per 10 s
    expect(l.take('k', 6).allowed).toBe(true);
    expect(l.take('k', 3)).toEqual({ allowed: false, retryAfterSeconds: 30, tooLarge: false });
    advance(29_000);
    expect(l.take('k', 3)).toEqual({ allowed: false, retryAfterSeconds: 1, tooLarge: false });
    advance(1_000);
    expect(l.take('k', 3)).toEqual({ allowed: true, remaining: 0 });
  });

  test('a refused request takes nothing', () => {
    const { limiter: l, advance } = limiter(60);
    expect(l.take('k', 50).allowed).toBe(true);
    expect(l.take('k', 20).allowed).toBe(false);
    expect(l.take('k', 10)).toEqual({ allowed: true, remaining: 0 });
    advance(1000);
    expect(l.take('k', 1).allowed).toBe(true);
  });

  test('keys have their own buckets', () => {
    const { limiter: l } = limiter(5);
    expect(l.take('a', 5).allowed).toBe(true);
    expect(l.take('a', 1).allowed).toBe(false);
    expect(l.take('b', 5).allowed).toBe(true);
  });

  test('a request larger than the burst can never pass; zero units always pass', () => {
    const { limiter: l } = limiter(10);
    expect(l.take('k', 11)).toEqual({ allowed: false, retryAfterSeconds: Infinity, tooLarge: true });
    expect(l.take('k', 10).allowed).toBe(true);
    expect(l.take('k', 0).allowed).toBe(true);
  });

  test('nonsense limits and costs are refused', () => {
    expect(() => new RateLimiter(0)).toThrow('RateLimiter: perMinute must be a positive number; got 0');
    expect(() => new RateLimiter(10).take('k', -1)).toThrow(/units must be a non-negative number; got -1/);
    expect(() => new RateLimiter(10).take('k', NaN)).toThrow(/units must be a non-negative number/);
  });
});

describe('requireContributor', () => {
  const contributor: Caller = { keyId: 'id-c', name: 'carol', role: 'contributor' };
  const admin: Caller = { keyId: 'id-a', name: 'ada', role: 'admin' };
  const reader: Caller = { keyId: 'id-r', name: 'rita', role: 'reader' };
  let now = 0;
  beforeEach(() => {
    now = 0;
    configureMutationRateLimit(3, () => now);
  });
  afterAll(() => configureMutationRateLimit(DEFAULT_MUTATION_RATE_LIMIT));

  async function refusal(promise: Promise<unknown>): Promise<AccessError> {
    const err = await promise.then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(AccessError);
    return err as AccessError;
  }

  test('no key: UNAUTHENTICATED, saying how to send one', async () => {
    const err = await refusal(requireContributor(null));
    expect(err.code).toBe('UNAUTHENTICATED');
    expect(err.message).toMatch(/needs an API key: send `Authorization: Bearer <key>`/);
  });

  test('a reader key: FORBIDDEN, naming the key', async () => {
    const err = await refusal(requireContributor(reader));
    expect([err.code, err.message]).toEqual(['FORBIDDEN', 'API key "rita" is a reader key; starting predictions needs a contributor key']);
  });

  test('contributor and admin keys pass until their own limit; the (N+1)th unit is RATE_LIMITED with the wait', async () => {
    await expect(requireContributor(contributor, 2)).resolves.toBe(contributor);
    await expect(requireContributor(contributor)).resolves.toBe(contributor);
    const err = await refusal(requireContributor(contributor));
    expect([err.code, err.retryAfterSeconds]).toEqual(['RATE_LIMITED', 20]);
    expect(err.message).toBe('rate limit of API key "carol" reached (3 structures per minute): retry in 20 s');
    await expect(requireContributor(admin, 3)).resolves.toBe(admin);
    now += 20_000;
    await expect(requireContributor(contributor)).resolves.toBe(contributor);
  });

  test('a request larger than the limit says to split it, with no wait', async () => {
    const err = await refusal(requireContributor(contributor, 4));
    expect([err.code, err.retryAfterSeconds]).toEqual(['RATE_LIMITED', undefined]);
    expect(err.message).toMatch(/submits 4 structures but API key "carol" may submit at most 3 per minute: send at most 3 per request \(MUTATION_RATE_LIMIT/);
  });

  test('REQUIRE_KEY_FOR_READS: any key reads, none is UNAUTHENTICATED', () => {
    expect(requireReader(reader)).toBe(reader);
    expect(() => requireReader(null)).toThrow(AccessError);
  });
});

test('configuration: reads open and 10,000 structures per minute per key by default', () => {
  const config = loadConfig({});
  expect([config.REQUIRE_KEY_FOR_READS, config.MUTATION_RATE_LIMIT]).toEqual([false, 10_000]);
  expect(loadConfig({ REQUIRE_KEY_FOR_READS: 'true', MUTATION_RATE_LIMIT: '60' })).toMatchObject({ REQUIRE_KEY_FOR_READS: true, MUTATION_RATE_LIMIT: 60 });
  expect(() => loadConfig({ MUTATION_RATE_LIMIT: '0' })).toThrow(/MUTATION_RATE_LIMIT/);
});
