// API keys for tests: created straight in the test service's database through src/auth (as `npm run apikey`
// would), and a GraphQL helper that sends one.
import crypto from 'node:crypto';
import type { Role } from '../../src/auth/access.ts';
import { createApiKey, revokeApiKey } from '../../src/auth/api-keys.ts';
import { connectDatabase } from '../../src/db/client.ts';
import { graphql, testEnvironment } from './env.ts';

async function withDatabase<T>(databaseUrl: string, work: (db: ReturnType<typeof connectDatabase>) => Promise<T>): Promise<T> {
  const db = connectDatabase(databaseUrl, 1);
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

/** A new key of `role` (name: `test-<role>-<random>` unless given) in the test service's database (or `databaseUrl`'s); returns the key. */
export async function createTestApiKey(role: Role, name?: string, databaseUrl = testEnvironment().databaseUrl): Promise<string> {
  const keyName = name ?? `test-${role}-${crypto.randomBytes(6).toString('hex')}`;
  return withDatabase(databaseUrl, async (db) => (await createApiKey(db.prisma, { name: keyName, role })).key);
}

/** Revoke the key named `name`; false when no active key has that name. */
export async function revokeTestApiKey(name: string, databaseUrl = testEnvironment().databaseUrl): Promise<boolean> {
  return withDatabase(databaseUrl, async (db) => (await revokeApiKey(db.prisma, name)) !== null);
}

/** POST a GraphQL query with `Authorization: Bearer <key>` (no header when `key` is null). */
export function graphqlAs<T = any>(key: string | null, query: string, variables?: Record<string, unknown>, url?: string) {
  return graphql<T>(query, variables, key === null ? {} : { authorization: `Bearer ${key}` }, url);
}
