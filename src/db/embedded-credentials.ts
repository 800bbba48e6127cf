// The embedded PostgreSQL's logins: random passwords made at the data folder's first start and kept in it, in a
// file only its owner may read (0600), never in the source. Two roles: the cluster's superuser (`postgres`, for an
// operator's maintenance) and the service's own login (`xasgraph`: no superuser, owner of the application
// database, so that migrations, pg-boss and the CLIs can do all they need and no more).
//
// The file is created once, atomically (written under a temporary name, then linked into place), so two processes
// starting at once agree on one set of passwords. Every command that uses the embedded database (`npm start`,
// `npm run seed|ingest|apikey|add-reference|worker`, the tests) reads it here.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../logger.ts';

/** A role's name and password. */
export interface RoleLogin {
  user: string;
  password: string;
}

/** What the credentials file holds. */
export interface EmbeddedCredentials {
  /** The cluster's bootstrap superuser: migrations of the cluster itself and an operator's maintenance only. */
  superuser: RoleLogin;
  /** The service's login: not a superuser; owns `database`. */
  service: RoleLogin;
  /** The application database. */
  database: string;
}

/** The file's name inside XASGRAPH_DATA_DIR. */
export const CREDENTIALS_FILE = 'postgres-credentials.json';
/** Only the owner may read or write it. */
export const CREDENTIALS_MODE = 0o600;
/** The application database and the service's role. */
export const SERVICE_DATABASE = 'xasgraph';
export const SERVICE_ROLE = 'xasgraph';
export const SUPERUSER_ROLE = 'postgres';
/**
 * The fixed login of data folders made by versions before the credentials file (the superuser with a password
 * that was in the source). Used for one thing: to log in once to such a cluster and replace it (embedded-roles.ts).
 */
export const LEGACY_SUPERUSER: RoleLogin = { user: 'postgres', password: 'xasgraph' };

export function credentialsPath(dataDir: string): string {
  return path.join(path.resolve(dataDir), CREDENTIALS_FILE);
}

/** 32 random bytes, URL-safe (no quoting needed in a URL or in SQL). */
function randomPassword(): string {
  return crypto.randomBytes(32).toString('base64url');
}

function isRoleLogin(value: unknown): value is RoleLogin {
  const v = value as Partial<RoleLogin> | null;
  return typeof v?.user === 'string' && v.user.length > 0 && typeof v.password === 'string' && v.password.length >= 16;
}

function parseCredentials(text: string, file: string): EmbeddedCredentials {
  let parsed: Partial<EmbeddedCredentials>;
  try {
    parsed = JSON.parse(text) as Partial<EmbeddedCredentials>;
  } catch {
    throw new Error(`${file} is not valid JSON: restore it from a backup, or move the data folder away to start afresh`);
  }
  if (!isRoleLogin(parsed.superuser) || !isRoleLogin(parsed.service) || typeof parsed.database !== 'string') {
    throw new Error(`${file} lacks superuser, service or database: restore it from a backup`);
  }
  return { superuser: parsed.superuser, service: parsed.service, database: parsed.database };
}

/**
 * The credentials of the embedded database in `dataDir`, or null when the folder has none yet. A file others may
 * read (copied without its mode, say) is made private again, with a warning.
 */
export function readEmbeddedCredentials(dataDir: string, log?: Logger): EmbeddedCredentials | null {
  const file = credentialsPath(dataDir);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new Error(`cannot read the embedded database's credentials (${file}): ${(err as Error).message}; run as the user who owns the data folder`);
  }
  const mode = fs.statSync(file).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    fs.chmodSync(file, CREDENTIALS_MODE);
    log?.warn({ file, mode: mode.toString(8) }, 'the embedded database credentials were readable by others: made private (0600); consider changing the passwords');
  }
  return parseCredentials(text, file);
}

/** The folder's credentials, made (random passwords, mode 0600) when it has none. */
export function loadOrCreateEmbeddedCredentials(dataDir: string, log: Logger): EmbeddedCredentials {
  const existing = readEmbeddedCredentials(dataDir, log);
  if (existing) return existing;
  const credentials: EmbeddedCredentials = {
    superuser: { user: SUPERUSER_ROLE, password: randomPassword() },
    service: { user: SERVICE_ROLE, password: randomPassword() },
    database: SERVICE_DATABASE,
  };
  const file = credentialsPath(dataDir);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}`;
  fs.writeFileSync(temporary, `${JSON.stringify(credentials, null, 2)}\n`, { mode: CREDENTIALS_MODE, flag: 'wx' });
  try {
    fs.linkSync(temporary, file); // fails if another process made the file meanwhile: theirs wins
    log.info({ file }, 'embedded database credentials created (random passwords, mode 0600)');
    return credentials;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return readEmbeddedCredentials(dataDir, log)!;
  } finally {
    fs.rmSync(temporary, { force: true });
  }
}

/** A connection URL for `login` on the embedded server (TCP on loopback). */
export function embeddedUrl(login: RoleLogin, port: number, database: string): string {
  return `postgres://${encodeURIComponent(login.user)}:${encodeURIComponent(login.password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
}
