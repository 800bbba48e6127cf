// The service's configuration: read from the environment once, validated, documented in the README.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { DEFAULT_MUTATION_RATE_LIMIT } from './auth/access.ts';

/** Repository root (this file is src/config.ts). */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const booleanish = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const schema = z.object({
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  DATABASE_URL: z.string().url().optional(),
  XASGRAPH_DATA_DIR: z.string().default(path.join(PROJECT_ROOT, '.data')),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
  /** /healthz fails once the embedded PostgreSQL this process runs has been down (and not restarted) this long. */
  EMBEDDED_PG_MAX_DOWN_SECONDS: z.coerce.number().int().min(1).default(60),
  SEED_ON_START: z.enum(['auto', 'never']).default('auto'),
  SEED_DIR: z.string().default(path.join(PROJECT_ROOT, 'seed')),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  MAX_QUERY_DEPTH: z.coerce.number().int().min(2).default(12),
  MAX_QUERY_COST: z.coerce.number().int().min(1).default(100_000),
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(10 * 1024 * 1024),
  INTROSPECTION: booleanish.default('true'),
  /** Origins (`https://portal.example.org`, comma-separated) whose pages may open WebSockets and POST /identify, besides the service's own. */
  ALLOWED_ORIGINS: z
    .string()
    .default('')
    .transform((list) => list.split(',').map((o) => o.trim()).filter((o) => o.length > 0)),
  /** Origins (`https://portal.example.org`, comma-separated) whose pages may call /graphql and /identify across origins (CORS); default none. */
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((list) => list.split(',').map((o) => o.trim().replace(/\/+$/, '')).filter((o) => o.length > 0)),
  /** What a browser opening /graphql gets: `graphiql` (default: GraphiQL served from this service, works offline) or `apollo` (Apollo's landing page, from its CDN). */
  GRAPHQL_EXPLORER: z.enum(['graphiql', 'apollo']).default('graphiql'),
  MODELS_DIR: z.string().default(path.join(PROJECT_ROOT, 'models')),
  ONNX_EXECUTION_PROVIDER: z.enum(['cpu', 'cuda']).default('cpu'),
  ONNX_THREADS: z.coerce.number().int().min(1).max(256).default(1),
  /** Identification worker threads (src/identify/pool.ts); default: one per core but one, at least 1, at most 2. */
  IDENTIFY_THREADS: z.coerce.number().int().min(1).max(64).optional(),
  /** Every request needs an API key (any role); otherwise reads are open and only mutations that start work need one. */
  REQUIRE_KEY_FOR_READS: booleanish.default('false'),
  /** Per API key: structures submitted per minute, also the burst (src/auth/access.ts). */
  MUTATION_RATE_LIMIT: z.coerce.number().int().min(1).default(DEFAULT_MUTATION_RATE_LIMIT),
  // Prediction jobs (src/jobs/). START_WORKER: run a prediction worker inside `npm start` (its inference on a
  // worker thread, never on the API's event loop); default true on the embedded database (a laptop gets
  // predictions without a second command), false with DATABASE_URL (run `npm run worker` processes instead).
  START_WORKER: booleanish.optional(),
  /** Batches one worker process runs at once (each on its own inference thread). */
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(1),
  /** Most jobs a worker fetches (and runs through the model in one batch) at a time. */
  WORKER_BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(64),
  /** TEST ONLY: a worker sleeps this long after computing a batch and before writing it (to be killed mid-batch). */
  WORKER_TEST_PAUSE_MS: z.coerce.number().int().min(0).default(0),
});

/** START_WORKER's default depends on DATABASE_URL. */
const withDefaults = schema.transform((c) => ({ ...c, START_WORKER: c.START_WORKER ?? c.DATABASE_URL === undefined }));

export type Config = z.infer<typeof withDefaults>;

/** Parse a configuration from an environment; throws with every invalid variable named. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = withDefaults.safeParse(cleaned);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid configuration: ${problems}`);
  }
  return parsed.data;
}
