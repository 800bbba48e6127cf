// The per-request context every resolver receives.
import type { CatalogLoaders } from '../catalog/loaders.ts';
import type { Database } from '../db/client.ts';
import type { Logger } from '../logger.ts';
import type { IdentifyPool } from '../identify/pool.ts';

export interface Context {
  db: Database;
  loaders: CatalogLoaders;
  /** Identification worker threads, one pool per process (shared by all requests). */
  identify: IdentifyPool;
  requestId: string;
  log: Logger;
}
