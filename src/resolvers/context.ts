// The per-request context every resolver receives.
import type { Caller } from '../auth/access.ts';
import type { CatalogLoaders } from '../catalog/loaders.ts';
import type { Database } from '../db/client.ts';
import type { Logger } from '../logger.ts';
import type { IdentifyPool } from '../identify/pool.ts';
import type { PredictionQueue } from '../jobs/queue.ts';
import type { PrepareRequests } from '../jobs/submit.ts';
import type { ModelRegistry } from '../inference/registry.ts';

export interface Context {
  db: Database;
  loaders: CatalogLoaders;
  /** Identification worker threads, one pool per process (shared by all requests). */
  identify: IdentifyPool;
  /** The spectrum models this process serves (read from MODELS_DIR at start). */
  models: ModelRegistry;
  /** The prediction job queue (pg-boss), one per process. */
  predictionQueue: PredictionQueue;
  /** Parses and checks submitted structures off the event loop (src/jobs/prepare-pool.ts), one thread per process. */
  prepareStructures: PrepareRequests;
  /** Aborts when the request's client goes away (HTTP): work not yet started for it is not started. */
  signal: AbortSignal;
  /** Who sent the request (its API key), null when anonymous; mutations check it with requireContributor. */
  caller: Caller | null;
  requestId: string;
  log: Logger;
}
