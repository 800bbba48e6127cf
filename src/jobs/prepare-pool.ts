// The API's structure-checking thread (src/jobs/prepare-thread.ts): predictSpectrum/predictSpectra parse and check
// their structures there, off the event loop. Errors a user caused come back as InputError.
import { InputError } from '../errors.ts';
import type { ModelFiles } from '../inference/sidecar.ts';
import type { Logger } from '../logger.ts';
import { ThreadPool } from '../threads.ts';
import type { NewJobRow } from './sql.ts';
import type { PredictionRequest, PrepareRequests } from './submit.ts';

export interface PrepareJob {
  models: readonly ModelFiles[];
  requests: readonly PredictionRequest[];
  submittedBy: string | null;
}

export type PrepareRequest = PrepareJob & { id: number };

export type PrepareReply = { id: number; rows: NewJobRow[] } | { id: number; error: { message: string; input: boolean; field?: string } };

const THREAD_URL = new URL('./prepare-thread.ts', import.meta.url).href;

function settle(reply: PrepareReply): { value: NewJobRow[] } | { error: Error } {
  if ('rows' in reply) return { value: reply.rows };
  return { error: reply.error.input ? new InputError(reply.error.message, reply.error.field) : new Error(reply.error.message) };
}

export class PreparePool {
  private readonly threads: ThreadPool<PrepareJob, PrepareReply, NewJobRow[]>;

  constructor(log: Logger, size = 1) {
    this.threads = new ThreadPool({ moduleUrl: THREAD_URL, workerData: null, size, pool: 'structure-check', thread: 'structure-check thread', log, settle });
  }

  /** prepareRequests on the thread. */
  readonly prepare: PrepareRequests = (models, requests, submittedBy) => this.threads.send({ models, requests, submittedBy });

  close(): Promise<void> {
    return this.threads.close();
  }
}
