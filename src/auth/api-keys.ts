// API keys in the database (`api_key`): create, list, revoke (the `npm run apikey` CLI), and the per-process
// authenticator that turns a request's `Authorization` header into a Caller.
import crypto from 'node:crypto';
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { Logger } from '../logger.ts';
import { AccessError, ROLES, type Caller, type Role } from './access.ts';
import { bearerToken, generateKey, hashKey, keyPrefix } from './keys.ts';

/** A key as listings show it: everything but the secret (which is not stored). */
export interface ApiKeyInfo {
  id: string;
  name: string;
  role: Role;
  /** `xg_<prefix>`: the start of the key, to recognise it. */
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** The columns of an ApiKeyInfo (never the hash: listings have no use for it). */
const INFO = { id: true, name: true, role: true, prefix: true, createdAt: true, lastUsedAt: true, revokedAt: true } as const;

/** Names are for people and shell commands: a letter or digit first, then letters, digits, `.`, `_`, `@`, `-`. */
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,99}$/;

/** Checks a key name and role (the CLI's arguments); throws an Error saying what to fix. */
export function checkKeyRequest(name: string, role: string): { name: string; role: Role } {
  if (!NAME_PATTERN.test(name)) {
    throw new Error(`key name ${JSON.stringify(name)} is not allowed: use 1 to 100 letters, digits, '.', '_', '@' or '-', starting with a letter or digit`);
  }
  if (!(ROLES as readonly string[]).includes(role)) throw new Error(`role must be one of ${ROLES.join(', ')}; got ${JSON.stringify(role)}`);
  return { name, role: role as Role };
}

/** Create a key and return it with its listing: `key` exists only in this return value, never in the database. */
export async function createApiKey(prisma: PrismaClient, request: { name: string; role: string }): Promise<{ key: string; info: ApiKeyInfo }> {
  const { name, role } = checkKeyRequest(request.name, request.role);
  const existing = await prisma.apiKey.findUnique({ where: { name } });
  if (existing) {
    const state = existing.revokedAt ? `revoked on ${existing.revokedAt.toISOString()}` : 'active';
    throw new Error(`a key named "${name}" already exists (${state}); names stay taken after revocation: choose another name`);
  }
  const { key, prefix, hash } = generateKey();
  try {
    const info = await prisma.apiKey.create({ data: { id: crypto.randomUUID(), name, role, prefix, keyHash: hash }, select: INFO });
    return { key, info };
  } catch (err) {
    if ((err as { code?: string }).code === 'P2002') throw new Error(`a key named "${name}" was created meanwhile: choose another name`);
    throw err;
  }
}

/** Every key, oldest first (revoked ones included). */
export async function listApiKeys(prisma: PrismaClient): Promise<ApiKeyInfo[]> {
  return prisma.apiKey.findMany({ orderBy: { createdAt: 'asc' }, select: INFO });
}

/** Revoke the key `name`; returns it, or null when no active key has that name. Takes effect on the next request. */
export async function revokeApiKey(prisma: PrismaClient, name: string): Promise<ApiKeyInfo | null> {
  const { count } = await prisma.apiKey.updateMany({ where: { name, revokedAt: null }, data: { revokedAt: new Date() } });
  if (count === 0) return null;
  return prisma.apiKey.findUnique({ where: { name }, select: INFO });
}

/** The message for a key that does not open the door: the same whether it never existed or was revoked. */
export const UNKNOWN_KEY_MESSAGE = 'API key unknown or revoked: send a current key as `Authorization: Bearer xg_…` (an administrator creates one with `npm run apikey -- create`)';

/** `last_used_at` is written at most this often per key and process, so authenticated requests cost no write. */
export const LAST_USED_INTERVAL_MS = 60_000;

/**
 * Turns `Authorization` headers into callers: one indexed lookup by the key's hash per authenticated request
 * (no cache, so a revocation applies to the very next request), and a `last_used_at` update at most once a
 * minute per key, sent without waiting for it. One instance per process.
 */
export class ApiKeyAuthenticator {
  private readonly touched = new Map<string, number>();

  constructor(
    private readonly prisma: PrismaClient,
    private readonly log: Logger,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The caller, null without an Authorization header; AccessError(UNAUTHENTICATED) for a bad header or key. */
  async authenticate(authorization: string | undefined): Promise<Caller | null> {
    let key: string | null;
    try {
      key = bearerToken(authorization);
    } catch (err) {
      throw new AccessError((err as Error).message, 'UNAUTHENTICATED');
    }
    if (key === null) return null;
    if (keyPrefix(key) === null) throw new AccessError(UNKNOWN_KEY_MESSAGE, 'UNAUTHENTICATED');
    const row = await this.prisma.apiKey.findUnique({ where: { keyHash: hashKey(key) }, select: { id: true, name: true, role: true, revokedAt: true } });
    if (!row || row.revokedAt) throw new AccessError(UNKNOWN_KEY_MESSAGE, 'UNAUTHENTICATED');
    this.touch(row.id);
    return { keyId: row.id, name: row.name, role: row.role };
  }

  private touch(id: string): void {
    const now = this.clock();
    const last = this.touched.get(id);
    if (last !== undefined && now - last < LAST_USED_INTERVAL_MS) return;
    this.touched.set(id, now);
    this.prisma.apiKey
      .update({ where: { id }, data: { lastUsedAt: new Date(now) } })
      .catch((err: Error) => this.log.warn({ err, keyId: id }, 'could not record the API key use'));
  }
}
