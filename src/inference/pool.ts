// Inference worker threads (src/inference/thread.ts): a batch of structures goes to the least busy thread, which
// featurises them and runs the model once over all their site classes. ONNX Runtime's `run` and the descriptor
// maths block the thread they run on, so they never run on an event loop that serves requests or keeps job
// heartbeats. A thread that dies fails its batches and is replaced.
import type { Worker } from 'node:worker_threads';
import type { Logger } from '../logger.ts';
import { startTypeScriptWorker } from '../threads.ts';
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

interface Slot {
  worker: Worker;
  busy: number;
}

const THREAD_URL = new URL('./thread.ts', import.meta.url).href;

export class InferencePool {
  private readonly slots: Slot[] = [];
  private readonly pending = new Map<number, { slot: Slot; resolve: (value: BatchResult) => void; reject: (err: Error) => void }>();
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly sessionOptions: Omit<SessionOptions, 'log'>,
    private readonly log: Logger,
    size = 1,
  ) {
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  /** Predict every item with `model` in one batch (one `run`), on a worker thread. */
  predict(model: ModelFiles, items: PredictionItem[]): Promise<BatchResult> {
    if (this.closed) return Promise.reject(new Error('the inference pool is closed'));
    const slot = this.slots.reduce((a, b) => (b.busy < a.busy ? b : a));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { slot, resolve, reject });
      slot.busy++;
      const request: InferenceRequest = { id, model, items };
      slot.worker.postMessage(request);
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private spawn(): Slot {
    const slot: Slot = { worker: startTypeScriptWorker(THREAD_URL, { sessionOptions: this.sessionOptions }), busy: 0 };
    slot.worker.on('message', (reply: InferenceReply) => {
      const entry = this.pending.get(reply.id);
      if (!entry) return;
      this.pending.delete(reply.id);
      slot.busy--;
      if ('results' in reply) entry.resolve({ results: reply.results, computeMs: reply.computeMs, provider: reply.provider });
      else entry.reject(new Error(reply.error));
    });
    slot.worker.on('error', (err) => this.log.error({ err }, 'inference thread failed'));
    slot.worker.on('exit', (code) => {
      for (const [id, entry] of this.pending) {
        if (entry.slot !== slot) continue;
        this.pending.delete(id);
        entry.reject(new Error(`the inference thread stopped (exit code ${code})`));
      }
      if (this.closed) return;
      const at = this.slots.indexOf(slot);
      if (at >= 0) this.slots[at] = this.spawn();
    });
    return slot;
  }
}
