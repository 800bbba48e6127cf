// `npm start`: open the database (embedded PostgreSQL unless DATABASE_URL is set), migrate, seed the bundled
// catalogue on first start, serve GraphQL. SIGINT/SIGTERM/SIGHUP stop the server, then the database.
import type { AddressInfo } from 'node:net';
import { measuredLibraryLoaded, seedMeasuredLibrary } from './catalog/measured-library.ts';
import { seedCatalog } from './catalog/seed.ts';
import { countMaterials } from './catalog/sql.ts';
import { loadConfig } from './config.ts';
import { openDatabase } from './db/open.ts';
import { logger } from './logger.ts';
import { createServer } from './server.ts';

const config = loadConfig();
const db = await openDatabase(config, logger).catch(failedToStart);
const app = await seedIfEmpty()
  .then(() => createServer(config, db, logger))
  .catch(async (err) => {
    await db.close().catch(() => undefined);
    return failedToStart(err);
  });

const { port } = app.server.address() as AddressInfo;
const url = `http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${port}/graphql`;
logger.info({ url, port, database: db.embedded ? 'embedded' : 'DATABASE_URL' }, 'xasgraph listening');
if (process.stdout.isTTY) console.log(`\nxasgraph is serving GraphQL at ${url}\n`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void shutdown(signal));

/** The bundled catalogue on an empty database; the measured library also on a database seeded before it shipped. */
async function seedIfEmpty(): Promise<void> {
  if (config.SEED_ON_START !== 'auto') return;
  if ((await countMaterials(db.pool)) === 0) {
    logger.info({ seedDir: config.SEED_DIR }, 'empty catalogue: loading the bundled seed catalogue');
    const result = await seedCatalog(db.pool, config.SEED_DIR);
    logger.info({ inserted: result.inserted }, 'seed catalogue loaded');
  }
  if (!(await measuredLibraryLoaded(db.pool, config.SEED_DIR))) {
    const result = await seedMeasuredLibrary(db.pool, config.SEED_DIR);
    logger.info({ entries: result.entries, inserted: result.inserted }, 'measured reference library loaded');
  }
}

/** Stop accepting requests, finish those in flight, close the pool, stop the embedded server, exit. */
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down');
  try {
    await app.close();
    await db.close();
  } catch (err) {
    logger.error({ err }, 'error during shutdown');
    process.exitCode = 1;
  }
  process.exit();
}

/** Log why start-up failed and exit 1. */
function failedToStart(err: unknown): never {
  logger.fatal({ err }, `xasgraph could not start: ${(err as Error).message}`);
  process.exit(1);
}
