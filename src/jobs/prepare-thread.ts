// A worker thread that parses and checks submitted structures (src/jobs/submit.ts prepareRequests), so that a
// request of many large structures (up to 2,000 atoms each, ~0.2 s apiece) never holds the API's event loop.
import { parentPort } from 'node:worker_threads';
import { InputError } from '../errors.ts';
import type { PrepareReply, PrepareRequest } from './prepare-pool.ts';
import { prepareRequests } from './submit.ts';

parentPort!.on('message', (request: PrepareRequest) => {
  let reply: PrepareReply;
  try {
    reply = { id: request.id, rows: prepareRequests(request.models, request.requests, request.submittedBy) };
  } catch (err) {
    const e = err as Error;
    reply = { id: request.id, error: { message: e.message, input: err instanceof InputError, field: err instanceof InputError ? err.field : undefined } };
  }
  parentPort!.postMessage(reply);
});
