// Worker threads on TypeScript modules. A worker does not inherit the main thread's `--import tsx`, so it first
// registers tsx's loader, then imports the module. Used for everything that must stay off the API's event loop
// (identification, inference).
import { Worker } from 'node:worker_threads';
import { CancelledError } from './errors.ts';
import type { Logger } from './logger.ts';

/** Start a worker thread running the TypeScript module at `moduleUrl` (a file: URL) with `workerData`. */
export function startTypeScriptWorker(moduleUrl: string, workerData: unknown): Worker {
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(moduleUrl)}); });`;
  return new Worker(boot, { eval: true, workerData });
}

/**
 * What a thread receives with a request sent with a signal: a flag the pool sets to 1 when the signal aborts. The
 * thread reads it (`isCancelled`) before it starts and between the parts of long work, and stops there.
 */
export interface Cancellable {
  cancel?: Int32Array;
}

/** Whether the request a thread holds was cancelled. */
export const isCancelled = (request: Cancellable): boolean => request.cancel !== undefined && Atomics.load(request.cancel, 0) === 1;

/** What a pool thread answers: `id` of the request, then whatever the pool's `settle` reads. */
export interface ThreadReply {
  id: number;
}

/** How a pool turns a thread's reply into its caller's value, or the error to reject with. */
export type Settle<Reply, Result> = (reply: Reply) => { value: Result } | { error: Error };

interface Slot {
  worker: Worker;
  busy: number;
}

/**
 * A few worker threads on one TypeScript module: each request goes to the least busy thread, tagged with an id
 * its reply carries back; a thread that dies fails the requests it held and is replaced (unless the pool is closed).
 */
export class ThreadPool<Request extends object, Reply extends ThreadReply, Result> {
  private readonly slots: Slot[] = [];
  private readonly pending = new Map<number, { slot: Slot; resolve: (value: Result) => void; reject: (err: Error) => void; settled: boolean }>();
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly options: {
      moduleUrl: string;
      workerData: unknown;
      size: number;
      /** For messages: `the <pool> pool is closed`, `the <thread> stopped`, e.g. 'inference' and 'inference thread'. */
      pool: string;
      thread: string;
      log: Logger;
      settle: Settle<Reply, Result>;
    },
  ) {
    for (let i = 0; i < options.size; i++) this.slots.push(this.spawn());
  }

  /**
   * Send `request` (its `id` is added) to the least busy thread; resolves with what `settle` makes of the reply.
   * When `signal` aborts, the promise rejects at once with CancelledError and the thread is told (Cancellable).
   */
  send(request: Request, signal?: AbortSignal): Promise<Result> {
    if (this.closed) return Promise.reject(new Error(`the ${this.options.pool} pool is closed`));
    if (signal?.aborted) return Promise.reject(new CancelledError(`the ${this.options.pool} request was cancelled before it started`));
    const slot = this.slots.reduce((a, b) => (b.busy < a.busy ? b : a));
    const id = this.nextId++;
    const cancel = signal ? new Int32Array(new SharedArrayBuffer(4)) : undefined;
    return new Promise((resolve, reject) => {
      const entry = { slot, resolve, reject, settled: false };
      this.pending.set(id, entry);
      slot.busy++;
      slot.worker.postMessage({ ...request, id, ...(cancel ? { cancel } : {}) });
      signal?.addEventListener(
        'abort',
        () => {
          Atomics.store(cancel!, 0, 1);
          if (entry.settled) return;
          entry.settled = true;
          reject(new CancelledError(`the ${this.options.pool} request was cancelled`));
        },
        { once: true },
      );
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private spawn(): Slot {
    const { moduleUrl, workerData, thread, log, settle } = this.options;
    const slot: Slot = { worker: startTypeScriptWorker(moduleUrl, workerData), busy: 0 };
    slot.worker.on('message', (reply: Reply) => {
      const entry = this.pending.get(reply.id);
      if (!entry) return;
      this.pending.delete(reply.id);
      slot.busy--;
      if (entry.settled) return; // cancelled: nobody waits
      entry.settled = true;
      const outcome = settle(reply);
      if ('value' in outcome) entry.resolve(outcome.value);
      else entry.reject(outcome.error);
    });
    slot.worker.on('error', (err) => log.error({ err }, `${thread} failed`));
    slot.worker.on('exit', (code) => {
      for (const [id, entry] of this.pending) {
        if (entry.slot !== slot) continue;
        this.pending.delete(id);
        if (entry.settled) continue;
        entry.settled = true;
        entry.reject(new Error(`the ${thread} stopped (exit code ${code})`));
      }
      if (this.closed) return;
      const at = this.slots.indexOf(slot);
      if (at >= 0) this.slots[at] = this.spawn();
    });
    return slot;
  }
}
