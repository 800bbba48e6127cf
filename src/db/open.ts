// Opens the database the configuration names: DATABASE_URL when set (never starting a server of its own),
// otherwise the embedded PostgreSQL under XASGRAPH_DATA_DIR. Applies pending migrations either way.
import path from 'node:path';
import { type Config, PROJECT_ROOT } from '../config.ts';
import type { Logger } from '../logger.ts';
import { type Database, connectDatabase } from './client.ts';
import { type EmbeddedDatabase, runningEmbeddedUrl, startEmbeddedPostgres } from './embedded.ts';
import { applyMigrations } from './migrate.ts';

export const MIGRATIONS_DIR = path.join(PROJECT_ROOT, 'prisma', 'migrations');

export interface OpenDatabase extends Database {
  /** The embedded server, when this process started one. */
  embedded: EmbeddedDatabase | null;
}

export interface OpenOptions {
  /** Without DATABASE_URL, use the embedded server another process is running rather than refuse (short CLI commands). */
  shareRunningEmbedded?: boolean;
}

export async function openDatabase(config: Config, log: Logger, options: OpenOptions = {}): Promise<OpenDatabase> {
  let embedded: EmbeddedDatabase | null = null;
  let url = config.DATABASE_URL ?? (options.shareRunningEmbedded ? runningEmbeddedUrl(config.XASGRAPH_DATA_DIR) ?? undefined : undefined);
  if (!url) {
    embedded = await startEmbeddedPostgres(config.XASGRAPH_DATA_DIR, config.EMBEDDED_PG_PORT, log);
    url = embedded.url;
    log.info({ port: config.EMBEDDED_PG_PORT, dataDir: config.XASGRAPH_DATA_DIR }, 'embedded PostgreSQL started');
  }
  const db = connectDatabase(url);
  try {
    const applied = await applyMigrations(db.pool, MIGRATIONS_DIR);
    if (applied.length > 0) log.info({ applied }, 'migrations applied');
  } catch (err) {
    await db.close().catch(() => undefined);
    await embedded?.stop();
    throw err;
  }
  return {
    ...db,
    embedded,
    async close() {
      await db.close();
      await embedded?.stop();
    },
  };
}
