// The embedded cluster's roles, put in the state the credentials file describes (embedded-credentials.ts):
// - the superuser `postgres` has the stored random password. A cluster made by an earlier version still has the
//   fixed one (LEGACY_SUPERUSER): we log in with it once and replace it;
// - the service's role `xasgraph` logs in with its stored password and is NOT a superuser (no CREATEDB,
//   CREATEROLE, REPLICATION or BYPASSRLS either), so a leaked service password cannot run programs on the host
//   (`COPY … TO PROGRAM`) or read its files;
// - the application database is owned by that role, and so is everything in it that the superuser created
//   (tables, types, sequences, functions and schemas of an earlier version's migrations and of pg-boss), so that
//   migrations and pg-boss keep working as the service's role.
// Every statement is idempotent: this runs at every start, and a start interrupted halfway is finished by the next.
import pg from 'pg';
import type { Logger } from '../logger.ts';
import { type EmbeddedCredentials, LEGACY_SUPERUSER, type RoleLogin, embeddedUrl } from './embedded-credentials.ts';

/** SQLSTATE invalid_password: the server refused the login. */
const INVALID_PASSWORD = '28P01';
const DUPLICATE_OBJECT = '42710';
const DUPLICATE_DATABASE = '42P04';

const sqlState = (err: unknown) => (err as { code?: string }).code;

async function connect(login: RoleLogin, port: number, database: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: embeddedUrl(login, port, database) });
  client.on('error', () => undefined); // a dropped connection surfaces on the next query
  try {
    await client.connect();
    return client;
  } catch (err) {
    await client.end().catch(() => undefined);
    throw err;
  }
}

/**
 * A superuser session on the `database` of the server at `port`, with the stored password; on a cluster of an
 * earlier version, logs in with the old fixed password and replaces it with the stored one first.
 */
export async function connectAsSuperuser(port: number, credentials: EmbeddedCredentials, log: Logger, database = 'postgres'): Promise<pg.Client> {
  try {
    return await connect(credentials.superuser, port, database);
  } catch (err) {
    if (sqlState(err) !== INVALID_PASSWORD) throw err;
  }
  let legacy: pg.Client;
  try {
    legacy = await connect(LEGACY_SUPERUSER, port, database);
  } catch (err) {
    if (sqlState(err) !== INVALID_PASSWORD) throw err;
    throw new Error(
      `the embedded PostgreSQL refused the superuser password stored in the data folder's credentials file: restore that file from a backup (or move the data folder away to start afresh)`,
    );
  }
  log.warn('embedded PostgreSQL of an earlier version (fixed superuser password): replacing the password with the stored random one');
  try {
    await legacy.query(`ALTER ROLE ${pg.escapeIdentifier(credentials.superuser.user)} WITH PASSWORD ${pg.escapeLiteral(credentials.superuser.password)}`);
  } finally {
    await legacy.end().catch(() => undefined);
  }
  return connect(credentials.superuser, port, database);
}

/** The service's role (login, no superuser or other power, the stored password) and its database, owned by it. */
export async function provisionServiceRole(superuser: pg.Client, credentials: EmbeddedCredentials): Promise<void> {
  const role = pg.escapeIdentifier(credentials.service.user);
  const { rowCount } = await superuser.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [credentials.service.user]);
  if (!rowCount) {
    try {
      await superuser.query(`CREATE ROLE ${role} LOGIN`);
    } catch (err) {
      if (sqlState(err) !== DUPLICATE_OBJECT) throw err; // made meanwhile by another process
    }
  }
  await superuser.query(
    `ALTER ROLE ${role} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD ${pg.escapeLiteral(credentials.service.password)}`,
  );
  const database = pg.escapeIdentifier(credentials.database);
  const { rows } = await superuser.query<{ owner: string }>('SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = $1', [
    credentials.database,
  ]);
  if (rows.length === 0) {
    try {
      await superuser.query(`CREATE DATABASE ${database} OWNER ${role}`);
      return;
    } catch (err) {
      if (sqlState(err) !== DUPLICATE_DATABASE) throw err;
    }
  }
  if (rows[0]?.owner !== credentials.service.user) await superuser.query(`ALTER DATABASE ${database} OWNER TO ${role}`);
}

/**
 * Hands every object the superuser owns in the application database's own schemas to the service's role (an
 * earlier version ran migrations and pg-boss as the superuser). One transaction; a no-op when there is nothing.
 * Indexes, TOAST tables, array types and sequences owned by a column follow their table or type.
 */
const transferOwnershipSql = (from: string, to: string) => `
DO $transfer$
DECLARE
  item record;
BEGIN
  FOR item IN SELECT n.nspname FROM pg_namespace n
      WHERE n.nspowner = ${pg.escapeLiteral(from)}::regrole AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%' LOOP
    EXECUTE format('ALTER SCHEMA %I OWNER TO %I', item.nspname, ${pg.escapeLiteral(to)});
  END LOOP;
  FOR item IN SELECT n.nspname, c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relowner = ${pg.escapeLiteral(from)}::regrole AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
        AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%' LOOP
    EXECUTE format(
      CASE item.relkind WHEN 'v' THEN 'ALTER VIEW %I.%I OWNER TO %I' WHEN 'm' THEN 'ALTER MATERIALIZED VIEW %I.%I OWNER TO %I'
        WHEN 'f' THEN 'ALTER FOREIGN TABLE %I.%I OWNER TO %I' ELSE 'ALTER TABLE %I.%I OWNER TO %I' END,
      item.nspname, item.relname, ${pg.escapeLiteral(to)});
  END LOOP;
  FOR item IN SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relowner = ${pg.escapeLiteral(from)}::regrole AND c.relkind = 'S'
        AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i')) LOOP
    EXECUTE format('ALTER SEQUENCE %I.%I OWNER TO %I', item.nspname, item.relname, ${pg.escapeLiteral(to)});
  END LOOP;
  FOR item IN SELECT n.nspname, t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE t.typowner = ${pg.escapeLiteral(from)}::regrole
        AND (t.typtype IN ('e', 'd', 'r') OR (t.typtype = 'c' AND (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) = 'c'))
        AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%' LOOP
    EXECUTE format('ALTER TYPE %I.%I OWNER TO %I', item.nspname, item.typname, ${pg.escapeLiteral(to)});
  END LOOP;
  FOR item IN SELECT p.oid::regprocedure AS routine FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE p.proowner = ${pg.escapeLiteral(from)}::regrole
        AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%' LOOP
    EXECUTE format('ALTER ROUTINE %s OWNER TO %I', item.routine, ${pg.escapeLiteral(to)});
  END LOOP;
END
$transfer$`;

/** Give the service's role everything the superuser owns in the application database (see transferOwnershipSql). */
export async function transferOwnershipToService(port: number, credentials: EmbeddedCredentials, log: Logger): Promise<void> {
  const client = await connectAsSuperuser(port, credentials, log, credentials.database);
  try {
    const { rows } = await client.query<{ owned: number }>(
      `SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.relowner = $1::regrole AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%')::int
            + (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                WHERE p.proowner = $1::regrole AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%')::int
            + (SELECT count(*) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                WHERE t.typowner = $1::regrole AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%')::int
            + (SELECT count(*) FROM pg_namespace n
                WHERE n.nspowner = $1::regrole AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%')::int AS owned`,
      [credentials.superuser.user],
    );
    if (!rows[0]?.owned) return;
    await client.query('BEGIN');
    try {
      await client.query(transferOwnershipSql(credentials.superuser.user, credentials.service.user));
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
    log.info({ objects: rows[0].owned, to: credentials.service.user }, 'embedded database: objects of the superuser handed to the service role');
  } finally {
    await client.end().catch(() => undefined);
  }
}
