// A small pool of identification worker threads (src/identify/worker.ts): requests go to the least busy
// worker; a worker that dies fails its requests and is replaced. Errors a user caused come back as InputError.
import os from 'node:os';
import { InputError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { type Cancellable, ThreadPool } from '../threads.ts';
import { checkBatch } from './batch.ts';
import type { Identification, IdentifyOptions } from './identify.ts';
import type { SpectrumInput } from './input.ts';
import type { MixtureAnalysis, MixtureOptions } from './mixture.ts';
import type { SeriesDecomposition, SeriesOptions } from './series.ts';

export type IdentifyJob =
  | { kind: 'one'; input: SpectrumInput; options: IdentifyOptions }
  | { kind: 'many'; inputs: SpectrumInput[]; options: IdentifyOptions; offset: number }
  | { kind: 'mixture'; input: SpectrumInput; options: MixtureOptions }
  | { kind: 'series'; inputs: SpectrumInput[]; options: SeriesOptions };

export type IdentifyRequest = IdentifyJob & Cancellable & { id: number };

/** What a thread answers to each kind of job. */
export type IdentifyResult = Identification | Identification[] | MixtureAnalysis | SeriesDecomposition;

export type IdentifyReply =
  | { id: number; result: IdentifyResult }
  | { id: number; error: { message: string; input: boolean; field?: string } };

const WORKER_URL = new URL('./worker.ts', import.meta.url).href;

/** Turn a worker's reply into the caller's answer; errors a user caused become InputError. */
function settle(reply: IdentifyReply): { value: IdentifyResult } | { error: Error } {
  if ('result' in reply) return { value: reply.result };
  return { error: reply.error.input ? new InputError(reply.error.message, reply.error.field) : new Error(reply.error.message) };
}

/** A series is split across the threads (IDENTIFY_THREADS) only in parts of at least this many spectra. */
const MIN_PART = 50;

export class IdentifyPool {
  private readonly threads: ThreadPool<IdentifyJob, IdentifyReply, IdentifyResult>;
  private readonly size: number;

  constructor(databaseUrl: string, log: Logger, size?: number) {
    this.size = size ?? Math.max(1, Math.min(2, os.availableParallelism() - 1));
    this.threads = new ThreadPool({ moduleUrl: WORKER_URL, workerData: { databaseUrl }, size: this.size, pool: 'identification', thread: 'identification worker', log, settle });
  }

  /** One identification; `signal` (the request's) cancels it when its client goes away. */
  identify(input: SpectrumInput, options: IdentifyOptions, signal?: AbortSignal): Promise<Identification> {
    return this.threads.send({ kind: 'one', input, options }, signal) as Promise<Identification>;
  }

  /** A series, split into one part per thread (in order); the error of the earliest failing input wins. */
  async identifyMany(inputs: SpectrumInput[], options: IdentifyOptions, signal?: AbortSignal): Promise<Identification[]> {
    checkBatch(inputs);
    const parts = Math.max(1, Math.min(this.size, Math.floor(inputs.length / MIN_PART)));
    const length = Math.ceil(inputs.length / parts);
    const sent = Array.from({ length: parts }, (_, p) =>
      this.threads.send({ kind: 'many', inputs: inputs.slice(p * length, (p + 1) * length), options, offset: p * length }, signal) as Promise<Identification[]>,
    );
    const settled = await Promise.allSettled(sent);
    const failed = settled.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
    return settled.flatMap((s) => (s.status === 'fulfilled' ? s.value : []));
  }

  /** fitMixture in a thread: identification for candidates, then every combination fitted. */
  fitMixture(input: SpectrumInput, options: MixtureOptions, signal?: AbortSignal): Promise<MixtureAnalysis> {
    return this.threads.send({ kind: 'mixture', input, options }, signal) as Promise<MixtureAnalysis>;
  }

  /** decomposeSeries in one thread (PCA and MCR-ALS work on the whole series at once). */
  decomposeSeries(inputs: SpectrumInput[], options: SeriesOptions, signal?: AbortSignal): Promise<SeriesDecomposition> {
    checkBatch(inputs);
    return this.threads.send({ kind: 'series', inputs, options }, signal) as Promise<SeriesDecomposition>;
  }

  close(): Promise<void> {
    return this.threads.close();
  }
}
