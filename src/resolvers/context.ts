// The per-request context every resolver receives.
import type { CatalogLoaders } from '../catalog/loaders.ts';
import type { Database } from '../db/client.ts';
import type { Logger } from '../logger.ts';

export interface Context {
  db: Database;
  loaders: CatalogLoaders;
  requestId: string;
  log: Logger;
}
