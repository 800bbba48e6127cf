// API keys as strings: their format, how they are made, and how they are hashed for storage.
//
// A key is `xg_<prefix>_<secret>`: `prefix` is 6 random bytes (8 base64url characters), stored in clear so
// that a listing can show which key is which; `secret` is 32 random bytes (43 base64url characters), never
// stored. Both parts have fixed lengths, so the underscores and dashes base64url may contain never make the
// split ambiguous.
//
// Storage keeps sha256(key) only. A slow password hash (bcrypt, scrypt, argon2) exists to make guessing a
// low-entropy *password* from its hash expensive; a key with 256 random bits cannot be guessed at any hashing
// speed, so a slow hash would add nothing but latency to every request. A fast, unsalted hash also lets the
// server find the key by an indexed equality lookup on the hash: no per-row comparison of secrets, and the
// time of the lookup reveals nothing usable about the secret (an attacker cannot choose hash prefixes).
import crypto from 'node:crypto';

/** Every key starts with this, so a key pasted in the wrong place is recognisable (and secret scanners can find it). */
export const KEY_TAG = 'xg';
const PREFIX_BYTES = 6;
const SECRET_BYTES = 32;
const PREFIX_CHARS = Math.ceil((PREFIX_BYTES * 4) / 3); // 8
const SECRET_CHARS = Math.ceil((SECRET_BYTES * 4) / 3); // 43
const KEY_PATTERN = new RegExp(`^${KEY_TAG}_([A-Za-z0-9_-]{${PREFIX_CHARS}})_([A-Za-z0-9_-]{${SECRET_CHARS}})$`);

/** A freshly made key: `key` is shown to its holder once; the rest is what the database keeps. */
export interface NewKey {
  key: string;
  /** `xg_<prefix>`: the non-secret start of the key, for listings. */
  prefix: string;
  /** sha256 of the whole key, hex. */
  hash: string;
}

/** Make a new random key. `random` is for tests (it must return `n` bytes). */
export function generateKey(random: (n: number) => Buffer = crypto.randomBytes): NewKey {
  const prefix = `${KEY_TAG}_${random(PREFIX_BYTES).toString('base64url')}`;
  const key = `${prefix}_${random(SECRET_BYTES).toString('base64url')}`;
  return { key, prefix, hash: hashKey(key) };
}

/** The `xg_<prefix>` part of a well-formed key, or null when `text` is not shaped like a key. */
export function keyPrefix(text: string): string | null {
  const match = KEY_PATTERN.exec(text);
  return match ? `${KEY_TAG}_${match[1]}` : null;
}

/** What the database stores and looks keys up by: sha256 of the key's text, hex. */
export function hashKey(key: string): string {
  return crypto.createHash('sha256').update(key, 'utf8').digest('hex');
}

/**
 * The key in an `Authorization` header value: `Bearer <key>` (scheme case-insensitive, as RFC 9110 says).
 * Returns null when there is no header; throws a plain Error saying what is wrong with one that is not a
 * bearer token.
 */
export function bearerToken(header: string | undefined): string | null {
  if (header === undefined || header.trim() === '') return null;
  const match = /^\s*bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new Error('the Authorization header must be `Bearer <API key>`');
  return match[1]!;
}
