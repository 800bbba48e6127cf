// Submitting predictions: check the caller, then every input (structure, absorbing element, edge, model) before
// anything is written, then queue one job per distinct request (src/jobs/queue.ts). A request that was asked
// for before gets the existing job, whatever its state: the dedup key is the canonical structure, the absorbing
// element, the edge and the model (name and version).
import { createHash, randomUUID } from 'node:crypto';
import type pg from 'pg';
import { type Caller, requireContributor } from '../auth/access.ts';
import type { Edge, SpectrumType } from '../catalog/records.ts';
import { InputError } from '../errors.ts';
import { chooseModel } from '../inference/choose.ts';
import type { ModelFiles } from '../inference/sidecar.ts';
import { canonicalStructure, hypotheticalMaterialId, structureHash } from '../structure/canonical.ts';
import { resolveStructureInput, type StructureInput } from '../structure/input.ts';
import { isMolecule, type Structure } from '../structure/structure.ts';
import type { PredictionQueue } from './queue.ts';
import type { NewJobRow } from './sql.ts';

/** Most structures one predictSpectra request may submit. */
export const MAX_PREDICTIONS_PER_REQUEST = 10_000;
/** Longest `name` a prediction may carry. */
const MAX_NAME_LENGTH = 200;

/** One prediction asked for (GraphQL PredictionInput). */
export interface PredictionRequest {
  structure: StructureInput;
  absorbingElement: string;
  edge?: Edge | null;
  /** A model name (newest version) or `name@version`; default: the newest model for the element and edge. */
  model?: string | null;
  /** The submitter's label for the structure. */
  name?: string | null;
}

/** What a job's row keeps as `input`: what the worker needs to run it. */
export interface JobInput {
  /** The canonical structure (src/structure/canonical.ts): the material's stored structure, what the model sees. */
  structure: Structure;
  /** `hyp-<hash of the canonical structure>`. */
  materialId: string;
  spectrumType: SpectrumType;
}

/** Checks and prepares the job rows of a request's inputs (prepareRequests, or the same on a worker thread). */
export type PrepareRequests = (models: readonly ModelFiles[], requests: readonly PredictionRequest[], submittedBy: string | null) => Promise<NewJobRow[]>;

/** Where the jobs go. */
export interface SubmitDependencies {
  queue: PredictionQueue;
  pool: pg.Pool;
  /** The models this process serves. */
  models: readonly ModelFiles[];
  /** Where the structures are parsed and checked (default: here, prepareRequests): the API passes its worker thread's. */
  prepare?: PrepareRequests;
}

/** The job row of one checked request (its id is used only if the dedup key is new). */
export function prepareRequest(models: readonly ModelFiles[], request: PredictionRequest, submittedBy: string | null): NewJobRow {
  const parsed = resolveStructureInput(request.structure ?? {});
  if (isMolecule(parsed)) {
    throw new InputError('predictions are stored in the catalogue as crystal structures: give a periodic structure (with a lattice), not a molecule', 'structure');
  }
  if (typeof request.absorbingElement !== 'string' || request.absorbingElement.trim() === '') {
    throw new InputError('absorbingElement is missing: name the element whose absorption to predict, e.g. "Cu"', 'absorbingElement');
  }
  const absorbingElement = request.absorbingElement.trim();
  const model = chooseModel(models, { model: request.model, absorbingElement, edge: request.edge });
  if (request.name != null && request.name.length > MAX_NAME_LENGTH) {
    throw new InputError(`name is ${request.name.length} characters long; at most ${MAX_NAME_LENGTH} are kept`, 'name');
  }
  const structure = canonicalStructure(parsed);
  const edge = model.sidecar.edge;
  const dedupKey = createHash('sha256').update([structureHash(structure), absorbingElement, edge, model.id].join('|')).digest('hex');
  const input: JobInput = { structure, materialId: hypotheticalMaterialId(structure), spectrumType: model.sidecar.spectrumType };
  return { id: randomUUID(), dedupKey, absorbingElement, edge, modelId: model.id, input, name: request.name ?? null, submittedBy };
}

/**
 * Queue predictions; returns their job ids in input order (a request asked for before, or twice in `requests`,
 * gets the existing job). Checks the number of inputs, then the caller (requireContributor, one unit per structure:
 * a request over the size limit is refused without costing the key anything), then every input;
 * an invalid input throws an InputError naming it (`inputs[3].structure: …` when there are several) and nothing
 * is queued.
 */
export async function submitPredictions(deps: SubmitDependencies, caller: Caller | null, requests: readonly PredictionRequest[]): Promise<string[]> {
  if (requests.length > MAX_PREDICTIONS_PER_REQUEST) {
    throw new InputError(
      `${requests.length.toLocaleString('en-US')} inputs in one request; at most ${MAX_PREDICTIONS_PER_REQUEST.toLocaleString('en-US')} are accepted: split them over several requests`,
      'inputs',
    );
  }
  const submitter = await requireContributor(caller, requests.length);
  if (requests.length === 0) return [];
  const rows = deps.prepare ? await deps.prepare(deps.models, requests, submitter.keyId) : prepareRequests(deps.models, requests, submitter.keyId);
  return deps.queue.enqueue(deps.pool, rows);
}

/** The job rows of every request, in order; an InputError names the first invalid one (`inputs[3].structure: …` when there are several). */
export function prepareRequests(models: readonly ModelFiles[], requests: readonly PredictionRequest[], submittedBy: string | null): NewJobRow[] {
  const several = requests.length > 1;
  return requests.map((request, i) => {
    try {
      return prepareRequest(models, request, submittedBy);
    } catch (err) {
      if (!(err instanceof InputError) || !several) throw err;
      throw new InputError(`inputs[${i}]${err.field ? `.${err.field}` : ''}: ${err.message}`, `inputs[${i}]${err.field ? `.${err.field}` : ''}`);
    }
  });
}
