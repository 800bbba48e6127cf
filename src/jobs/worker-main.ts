// `npm run worker`: a prediction worker process (src/jobs/worker.ts) on the database the service uses:
// DATABASE_URL, else the embedded PostgreSQL that a running `npm start` serves (XASGRAPH_DATA_DIR). Run as many
// as the machine has cores or GPUs for; each serves the models of its MODELS_DIR, with ONNX_EXECUTION_PROVIDER
// (cpu, cuda: without CUDA it logs and uses the CPU), WORKER_CONCURRENCY and WORKER_BATCH_SIZE.
// SIGTERM or SIGINT: stop fetching, finish and write the batches in progress, exit 0.
import { loadConfig } from '../config.ts';
import { connectDatabase } from '../db/client.ts';
import { runningEmbeddedUrl } from '../db/embedded.ts';
import { applyMigrations } from '../db/migrate.ts';
import { MIGRATIONS_DIR } from '../db/open.ts';
import { loadModels } from '../inference/registry.ts';
import { logger } from '../logger.ts';
import { PredictionQueue } from './queue.ts';
import { PredictionWorker } from './worker.ts';

const config = loadConfig();
const url = config.DATABASE_URL ?? runningEmbeddedUrl(config.XASGRAPH_DATA_DIR);
if (!url) {
  logger.fatal(
    { dataDir: config.XASGRAPH_DATA_DIR },
    'no database for the worker: set DATABASE_URL, or start the service (`npm start`) first so that its embedded PostgreSQL is running',
  );
  process.exit(1);
}
const db = connectDatabase(url, 4);
let queue: PredictionQueue | null = null;
let worker: PredictionWorker | null = null;
try {
  await applyMigrations(db.pool, MIGRATIONS_DIR);
  const registry = await loadModels(config, logger);
  if (registry.models.length === 0) throw new Error(`no spectrum model to serve in MODELS_DIR (${config.MODELS_DIR})`);
  queue = await PredictionQueue.start(url, logger);
  worker = await PredictionWorker.start({ queue, pool: db.pool, models: registry.models, config, log: logger });
} catch (err) {
  logger.fatal({ err }, `the prediction worker could not start: ${(err as Error).message}`);
  await queue?.stop(1000).catch(() => undefined);
  await db.close().catch(() => undefined);
  process.exit(1);
}

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'prediction worker stopping: finishing the batches in progress');
    void (async () => {
      try {
        await worker?.stop();
        await queue?.stop();
        await db.close();
      } catch (err) {
        logger.error({ err }, 'error while stopping the prediction worker');
        process.exitCode = 1;
      }
      process.exit();
    })();
  });
}
