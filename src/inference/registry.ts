// The spectrum models this process serves, found at start in MODELS_DIR: each sidecar is checked (schema,
// descriptor, sha256 of its .onnx), each ONNX graph is opened once to check its shapes (and which execution
// provider runs it), and every valid model is upserted into the Model table in one transaction. A bad file is
// logged at error level and not served; it never stops the service.
import type { Config } from '../config.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { Logger } from '../logger.ts';
import { openModel } from './model.ts';
import { upsertModelRows } from './model-rows.ts';
import type { ExecutionProvider } from './session.ts';
import { type ModelFiles, readModelDir } from './sidecar.ts';

/** The models one process serves. */
export class ModelRegistry {
  constructor(
    /** MODELS_DIR. */
    readonly dir: string,
    /** Valid models, in file-name order. */
    readonly models: readonly ModelFiles[],
    /** The execution provider that runs them (null when there is no model). */
    readonly provider: ExecutionProvider | null,
  ) {}

  /** Whether this process serves the model `id` with this file hash. */
  serves(id: string, sha256: string): boolean {
    return this.models.some((m) => m.id === id && m.sidecar.sha256 === sha256);
  }
}

type RegistryConfig = Pick<Config, 'MODELS_DIR' | 'ONNX_EXECUTION_PROVIDER' | 'ONNX_THREADS'>;

/** Check the models of MODELS_DIR (logging and skipping invalid ones) and keep them in memory, without the database. */
export async function loadModels(config: RegistryConfig, log: Logger): Promise<ModelRegistry> {
  const found = readModelDir(config.MODELS_DIR);
  if (!found.exists) log.warn({ modelsDir: config.MODELS_DIR }, 'MODELS_DIR does not exist: no spectrum model is served');
  for (const err of found.rejected) log.error({ file: err.file, error: err.message }, `spectrum model refused: ${err.message}`);
  const valid: ModelFiles[] = [];
  let provider: ExecutionProvider | null = null;
  for (const files of found.models) {
    try {
      const model = await openModel(files, { executionProvider: config.ONNX_EXECUTION_PROVIDER, threads: config.ONNX_THREADS, log });
      provider = model.session.provider;
      await model.session.release();
      valid.push(files);
    } catch (err) {
      log.error({ file: files.onnxPath, error: (err as Error).message }, `spectrum model refused: ${(err as Error).message}`);
    }
  }
  return new ModelRegistry(config.MODELS_DIR, valid, provider);
}

/** loadModels, then upsert every valid model into the Model table (one transaction; idempotent). */
export async function registerModels(prisma: PrismaClient, config: RegistryConfig, log: Logger): Promise<ModelRegistry> {
  const registry = await loadModels(config, log);
  await upsertModelRows(prisma, registry.models);
  log.info(
    {
      modelsDir: registry.dir,
      models: registry.models.map((m) => m.id),
      executionProvider: registry.provider,
      requestedProvider: config.ONNX_EXECUTION_PROVIDER,
    },
    `${registry.models.length} spectrum model(s) registered`,
  );
  return registry;
}
