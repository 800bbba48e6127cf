// A small pool of identification worker threads (src/identify/worker.ts): requests go to the least busy
// worker; a worker that dies fails its requests and is replaced. Errors a user caused come back as InputError.
import os from 'node:os';
import { InputError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { ThreadPool } from '../threads.ts';
import type { Identification, IdentifyOptions } from './identify.ts';
import type { SpectrumInput } from './input.ts';

export type IdentifyJob =
  | { kind: 'one'; input: SpectrumInput; options: IdentifyOptions }
  | { kind: 'many'; inputs: SpectrumInput[]; options: IdentifyOptions };

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

export class IdentifyPool {
  private readonly threads: ThreadPool<IdentifyJob, IdentifyReply, Identification | Identification[]>;

  constructor(databaseUrl: string, log: Logger, size = Math.max(1, Math.min(2, os.availableParallelism() - 1))) {
    this.threads = new ThreadPool({ moduleUrl: WORKER_URL, workerData: { databaseUrl }, size, pool: 'identification', thread: 'identification worker', log, settle });
  }

  identify(input: SpectrumInput, options: IdentifyOptions): Promise<Identification> {
    return this.threads.send({ kind: 'one', input, options }) as Promise<Identification>;
  }

  identifyMany(inputs: SpectrumInput[], options: IdentifyOptions): Promise<Identification[]> {
    return this.threads.send({ kind: 'many', inputs, options }) as Promise<Identification[]>;
  }

  close(): Promise<void> {
    return this.threads.close();
  }
}
