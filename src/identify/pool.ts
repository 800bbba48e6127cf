// A small pool of identification worker threads (src/identify/worker.ts): requests go to the least busy
// worker; a worker that dies fails its requests and is replaced. Errors a user caused come back as InputError.
import os from 'node:os';
import type { Worker } from 'node:worker_threads';
import { InputError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { startTypeScriptWorker } from '../threads.ts';
import type { Identification, IdentifyOptions } from './identify.ts';
import type { SpectrumInput } from './input.ts';

export type IdentifyJob =
  | { kind: 'one'; input: SpectrumInput; options: IdentifyOptions }
  | { kind: 'many'; inputs: SpectrumInput[]; options: IdentifyOptions };

export type IdentifyRequest = IdentifyJob & { id: number };

export type IdentifyReply =
  | { id: number; result: Identification | Identification[] }
  | { id: number; error: { message: string; input: boolean; field?: string } };

interface Slot {
  worker: Worker;
  busy: number;
}

const WORKER_URL = new URL('./worker.ts', import.meta.url).href;

export class IdentifyPool {
  private readonly slots: Slot[] = [];
  private readonly pending = new Map<number, { slot: Slot; resolve: (value: unknown) => void; reject: (err: Error) => void }>();
  private nextId = 1;
  private closed = false;

  constructor(
    private readonly databaseUrl: string,
    private readonly log: Logger,
    size = Math.max(1, Math.min(2, os.availableParallelism() - 1)),
  ) {
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  identify(input: SpectrumInput, options: IdentifyOptions): Promise<Identification> {
    return this.send({ kind: 'one', input, options }) as Promise<Identification>;
  }

  identifyMany(inputs: SpectrumInput[], options: IdentifyOptions): Promise<Identification[]> {
    return this.send({ kind: 'many', inputs, options }) as Promise<Identification[]>;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private send(job: IdentifyJob): Promise<unknown> {
    if (this.closed) return Promise.reject(new Error('the identification pool is closed'));
    const slot = this.slots.reduce((a, b) => (b.busy < a.busy ? b : a));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { slot, resolve, reject });
      slot.busy++;
      const request: IdentifyRequest = { ...job, id };
      slot.worker.postMessage(request);
    });
  }

  private spawn(): Slot {
    const slot: Slot = { worker: startTypeScriptWorker(WORKER_URL, { databaseUrl: this.databaseUrl }), busy: 0 };
    slot.worker.on('message', (reply: IdentifyReply) => {
      const entry = this.pending.get(reply.id);
      if (!entry) return;
      this.pending.delete(reply.id);
      slot.busy--;
      if ('result' in reply) entry.resolve(reply.result);
      else entry.reject(reply.error.input ? new InputError(reply.error.message, reply.error.field) : new Error(reply.error.message));
    });
    slot.worker.on('error', (err) => this.log.error({ err }, 'identification worker failed'));
    slot.worker.on('exit', (code) => {
      for (const [id, entry] of this.pending) {
        if (entry.slot !== slot) continue;
        this.pending.delete(id);
        entry.reject(new Error(`the identification worker stopped (exit code ${code})`));
      }
      if (this.closed) return;
      const at = this.slots.indexOf(slot);
      if (at >= 0) this.slots[at] = this.spawn();
    });
    return slot;
  }
}
