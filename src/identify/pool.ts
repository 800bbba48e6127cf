// A small pool of identification worker threads (src/identify/worker.ts): requests go to the least busy
// worker; a worker that dies fails its requests and is replaced. Errors a user caused come back as InputError.
import os from 'node:os';
import { InputError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { ThreadPool } from '../threads.ts';
import { checkBatch } from './batch.ts';
import type { Identification, IdentifyOptions } from './identify.ts';
import type { SpectrumInput } from './input.ts';

export type IdentifyJob =
  | { kind: 'one'; input: SpectrumInput; options: IdentifyOptions }
  | { kind: 'many'; inputs: SpectrumInput[]; options: IdentifyOptions; offset: number };

export type IdentifyRequest = IdentifyJob & { id: number };

export type IdentifyReply =
  | { id: number; result: Identification | Identification[] }
  | { id: number; error: { message: string; input: boolean; field?: string } };

const WORKER_URL = new URL('./worker.ts', import.meta.url).href;

/** Turn a worker's reply into the caller's answer; errors a user caused become InputError. */
function settle(reply: IdentifyReply): { value: Identification | Identification[] } | { error: Error } {
  if ('result' in reply) return { value: reply.result };
  return { error: reply.error.input ? new InputError(reply.error.message, reply.error.field) : new Error(reply.error.message) };
}

/** A series is split across the threads (IDENTIFY_THREADS) only in parts of at least this many spectra. */
const MIN_PART = 50;

export class IdentifyPool {
  private readonly threads: ThreadPool<IdentifyJob, IdentifyReply, Identification | Identification[]>;
  private readonly size: number;

  constructor(databaseUrl: string, log: Logger, size?: number) {
    this.size = size ?? Math.max(1, Math.min(2, os.availableParallelism() - 1));
    this.threads = new ThreadPool({ moduleUrl: WORKER_URL, workerData: { databaseUrl }, size: this.size, pool: 'identification', thread: 'identification worker', log, settle });
  }

  identify(input: SpectrumInput, options: IdentifyOptions): Promise<Identification> {
    return this.threads.send({ kind: 'one', input, options }) as Promise<Identification>;
  }

  /** A series, split into one part per thread (in order); the error of the earliest failing input wins. */
  async identifyMany(inputs: SpectrumInput[], options: IdentifyOptions): Promise<Identification[]> {
    checkBatch(inputs);
    const parts = Math.max(1, Math.min(this.size, Math.floor(inputs.length / MIN_PART)));
    const length = Math.ceil(inputs.length / parts);
    const sent = Array.from({ length: parts }, (_, p) =>
      this.threads.send({ kind: 'many', inputs: inputs.slice(p * length, (p + 1) * length), options, offset: p * length }) as Promise<Identification[]>,
    );
    const settled = await Promise.allSettled(sent);
    const failed = settled.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
    return settled.flatMap((s) => (s.status === 'fulfilled' ? s.value : []));
  }

  close(): Promise<void> {
    return this.threads.close();
  }
}
