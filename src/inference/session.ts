// One ONNX Runtime session over one model file (onnxruntime-node). The graph takes `descriptor` float32
// [sites, D] and returns `mean` and `std` float32 [sites, E].
//
// CUDA: onnxruntime-node does not fall back by itself when its CUDA provider cannot load (no GPU, no CUDA
// libraries): session creation fails. We then open the model on the CPU and log one warning per process that
// names the error; later sessions go straight to the CPU.
//
// Caveat: `run` blocks the calling thread for the whole batch. Never call it on the API's event loop; run it
// in a worker thread (or a CLI).
import ort from 'onnxruntime-node';
import { logger, type Logger } from '../logger.ts';

export type ExecutionProvider = 'cpu' | 'cuda';

export interface SessionOptions {
  /** Execution provider asked for; `cuda` falls back to `cpu` when CUDA cannot be used. */
  executionProvider: ExecutionProvider;
  /** Intra-op threads of the session (default 1: one batch uses one core). */
  threads?: number;
  log?: Logger;
}

/** Predictions for a batch of sites: row-major [sites, E] each. */
export interface SitePredictions {
  mean: Float32Array;
  std: Float32Array;
}

export interface ModelSession {
  /** The provider that runs the model (`cpu` when `cuda` was asked for but is unavailable). */
  provider: ExecutionProvider;
  /** Columns of the input (D), read from the graph; null when the graph leaves it symbolic. */
  inputDimension: number | null;
  /** Columns of each output (E), read from the graph; null when symbolic. */
  outputDimension: number | null;
  /** Run `sites` rows of descriptors (row-major, `sites × D` float32 values) in one batch. */
  run(descriptors: Float32Array, sites: number): Promise<SitePredictions>;
  release(): Promise<void>;
}

const INPUT = 'descriptor';
const OUTPUTS = ['mean', 'std'] as const;

/** Why CUDA could not be used in this process (set on the first failure; later sessions skip the attempt). */
let cudaUnavailable: string | null = null;

/** The options every ONNX Runtime session of the service is opened with (models, identification graphs, the prior). */
export function sessionOptions(provider: ExecutionProvider, threads: number): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: [provider],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3, // errors only (ONNX Runtime still prints its own line, on stderr, when CUDA fails to load)
  };
}

/** The last dimension of a tensor's declared shape, when the graph fixes it. */
function columns(metadata: readonly ort.InferenceSession.ValueMetadata[], name: string): number | null {
  const value = metadata.find((m) => m.name === name);
  if (!value || !value.isTensor) return null;
  const last = value.shape[value.shape.length - 1];
  return typeof last === 'number' && last > 0 ? last : null;
}

async function createSession(onnxPath: string, options: SessionOptions): Promise<{ session: ort.InferenceSession; provider: ExecutionProvider }> {
  const threads = options.threads ?? 1;
  if (options.executionProvider === 'cuda' && cudaUnavailable === null) {
    try {
      return { session: await ort.InferenceSession.create(onnxPath, sessionOptions('cuda', threads)), provider: 'cuda' };
    } catch (err) {
      cudaUnavailable = (err as Error).message;
      (options.log ?? logger).warn(
        { error: cudaUnavailable, onnxPath },
        `ONNX_EXECUTION_PROVIDER is cuda but CUDA cannot be used (${cudaUnavailable}): running models on the CPU`,
      );
    }
  }
  return { session: await ort.InferenceSession.create(onnxPath, sessionOptions('cpu', threads)), provider: 'cpu' };
}

/** Open `onnxPath` with the asked provider (CUDA falling back to the CPU). Checks that the graph has the
 * `descriptor` input and the `mean` and `std` outputs. */
export async function openModelSession(onnxPath: string, options: SessionOptions): Promise<ModelSession> {
  const { session, provider } = await createSession(onnxPath, options);
  const missing = [...(session.inputNames.includes(INPUT) ? [] : [`input "${INPUT}"`]), ...OUTPUTS.filter((o) => !session.outputNames.includes(o)).map((o) => `output "${o}"`)];
  if (missing.length > 0) {
    await session.release();
    throw new Error(`${onnxPath}: the graph has no ${missing.join(', ')} (it has inputs ${session.inputNames.join(', ')}; outputs ${session.outputNames.join(', ')})`);
  }
  const inputDimension = columns(session.inputMetadata, INPUT);
  const outputDimension = columns(session.outputMetadata, 'mean');

  return {
    provider,
    inputDimension,
    outputDimension,
    async run(descriptors, sites) {
      if (!Number.isInteger(sites) || sites < 0) throw new RangeError(`sites must be a non-negative integer, got ${sites}`);
      if (sites === 0) return { mean: new Float32Array(0), std: new Float32Array(0) };
      const dimension = descriptors.length / sites;
      if (!Number.isInteger(dimension) || (inputDimension !== null && dimension !== inputDimension)) {
        throw new RangeError(`${descriptors.length} descriptor values do not make ${sites} rows of ${inputDimension ?? 'equal length'}`);
      }
      const result = await session.run({ [INPUT]: new ort.Tensor('float32', descriptors, [sites, dimension]) });
      const [mean, std] = OUTPUTS.map((name) => {
        const tensor = result[name]!;
        if (tensor.type !== 'float32' || tensor.dims[0] !== sites) throw new Error(`${onnxPath}: output ${name} is ${tensor.type} [${tensor.dims.join(', ')}], expected float32 [${sites}, E]`);
        return tensor.data as Float32Array;
      }) as [Float32Array, Float32Array];
      return { mean, std };
    },
    release: () => session.release(),
  };
}
