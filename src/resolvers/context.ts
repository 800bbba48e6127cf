// The per-request context every resolver receives.
import type { CatalogLoaders } from '../catalog/loaders.ts';
import type { Database } from '../db/client.ts';
import type { Logger } from '../logger.ts';
import type { ReferenceIndex } from '../search/reference-index.ts';

export interface Context {
  db: Database;
  loaders: CatalogLoaders;
  /** The spectral index, one per process (shared by all requests). */
  index: ReferenceIndex;
  requestId: string;
  log: Logger;
}
