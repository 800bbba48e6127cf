// A worker thread that runs identifications, so that ranking (milliseconds for ENSEMBLE, about a second for
// ELSIE_REFERENCE) never blocks the API's event loop. It holds its own spectral index and database pool.
import { parentPort, workerData } from 'node:worker_threads';
import pg from 'pg';
import { InputError } from '../errors.ts';
import { ReferenceIndex } from '../search/reference-index.ts';
import { identifySpectra, identifySpectrum } from './identify.ts';
import type { IdentifyReply, IdentifyRequest } from './pool.ts';

const { databaseUrl } = workerData as { databaseUrl: string };
const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
pool.on('error', () => undefined);
const index = new ReferenceIndex(pool);

parentPort!.on('message', async (request: IdentifyRequest) => {
  let reply: IdentifyReply;
  try {
    const result =
      request.kind === 'one'
        ? await identifySpectrum(index, request.input, request.options)
        : await identifySpectra(index, request.inputs, request.options, request.offset);
    reply = { id: request.id, result };
  } catch (err) {
    const e = err as Error;
    reply = { id: request.id, error: { message: e.message, input: err instanceof InputError, field: err instanceof InputError ? err.field : undefined } };
  }
  parentPort!.postMessage(reply);
});
