// A worker thread that runs identifications, mixture fits and series decompositions (which build on them), so that
// ranking (milliseconds for ENSEMBLE, about a second for ELSIE_REFERENCE) and fitting never block the API's event loop.
// It holds its own spectral index and database pool.
import { parentPort, workerData } from 'node:worker_threads';
import pg from 'pg';
import { CancelledError, InputError } from '../errors.ts';
import { ReferenceIndex } from '../search/reference-index.ts';
import { isCancelled } from '../threads.ts';
import { identifySpectra, identifySpectrum } from './identify.ts';
import { fitMixture } from './mixture.ts';
import { decomposeSeries } from './series.ts';
import type { IdentifyReply, IdentifyRequest } from './pool.ts';

const { databaseUrl } = workerData as { databaseUrl: string };
const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
pool.on('error', () => undefined);
const index = new ReferenceIndex(pool);

parentPort!.on('message', async (request: IdentifyRequest) => {
  let reply: IdentifyReply;
  try {
    // A request whose client went away while it waited here is not started; a series stops between spectra.
    if (isCancelled(request)) throw new CancelledError('cancelled before it started');
    const result =
      request.kind === 'one'
        ? await identifySpectrum(index, request.input, request.options)
        : request.kind === 'many'
          ? await identifySpectra(index, request.inputs, request.options, request.offset, () => isCancelled(request))
          : request.kind === 'mixture'
            ? await fitMixture(index, request.input, request.options)
            : await decomposeSeries(index, request.inputs, request.options);
    reply = { id: request.id, result };
  } catch (err) {
    const e = err as Error;
    reply = { id: request.id, error: { message: e.message, input: err instanceof InputError, field: err instanceof InputError ? err.field : undefined } };
  }
  parentPort!.postMessage(reply);
});
