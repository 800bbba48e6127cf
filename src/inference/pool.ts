// Inference worker threads (src/inference/thread.ts): a batch of structures goes to the least busy thread, which
// featurises them and runs the model once over all their site classes. ONNX Runtime's `run` and the descriptor
// maths block the thread they run on, so they never run on an event loop that serves requests or keeps job
// heartbeats. A thread that dies fails its batches and is replaced.
import type { Logger } from '../logger.ts';
import { ThreadPool } from '../threads.ts';
import type { PredictionItem, StructurePrediction } from './predict.ts';
import type { SessionOptions } from './session.ts';
import type { ModelFiles } from './sidecar.ts';

/** One item's answer: its prediction, an error the input caused (no retry helps), or another error. */
export type ItemResult = { prediction: StructurePrediction } | { inputError: string } | { error: string };

export interface InferenceRequest {
  id: number;
  model: ModelFiles;
  items: PredictionItem[];
}

export type InferenceReply =
  | { id: number; results: ItemResult[]; computeMs: number; provider: string }
  | { id: number; error: string };

/** A batch's answers, in item order, with the time the thread spent on them (featurisation and inference). */
export interface BatchResult {
  results: ItemResult[];
  computeMs: number;
  provider: string;
}

const THREAD_URL = new URL('./thread.ts', import.meta.url).href;

function settle(reply: InferenceReply): { value: BatchResult } | { error: Error } {
  if ('results' in reply) return { value: { results: reply.results, computeMs: reply.computeMs, provider: reply.provider } };
  return { error: new Error(reply.error) };
}

export class InferencePool {
  private readonly threads: ThreadPool<Omit<InferenceRequest, 'id'>, InferenceReply, BatchResult>;

  constructor(sessionOptions: Omit<SessionOptions, 'log'>, log: Logger, size = 1) {
    this.threads = new ThreadPool({ moduleUrl: THREAD_URL, workerData: { sessionOptions }, size, pool: 'inference', thread: 'inference thread', log, settle });
  }

  /** Predict every item with `model` in one batch (one `run`), on a worker thread. */
  predict(model: ModelFiles, items: PredictionItem[]): Promise<BatchResult> {
    return this.threads.send({ model, items });
  }

  close(): Promise<void> {
    return this.threads.close();
  }
}
