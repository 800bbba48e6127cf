// A worker thread that runs predictions (featurisation, then one ONNX `run` over every site class of a batch),
// so that neither ever blocks the event loop of the process that queued them (the API's, or a prediction
// worker's, which must keep its job heartbeats going). Each thread opens each model once, on first use.
import { parentPort, workerData } from 'node:worker_threads';
import { InputError } from '../errors.ts';
import { openModel, type OpenModel } from './model.ts';
import type { InferenceReply, InferenceRequest, ItemResult } from './pool.ts';
import { missingAbsorberMessage, type PredictionItem, predictStructure, predictStructures } from './predict.ts';
import type { SessionOptions } from './session.ts';

const { sessionOptions } = workerData as { sessionOptions: SessionOptions };
const models = new Map<string, Promise<OpenModel>>();

function modelFor(request: InferenceRequest): Promise<OpenModel> {
  let model = models.get(request.model.id);
  if (!model) {
    model = openModel(request.model, sessionOptions);
    model.catch(() => models.delete(request.model.id));
    models.set(request.model.id, model);
  }
  return model;
}

const failure = (err: unknown): ItemResult =>
  err instanceof InputError ? { inputError: err.message } : { error: err instanceof Error ? err.message : String(err) };

/**
 * Every item's prediction, or why it has none: items without an atom of their element are answered at once;
 * the others go through the model in one run. Should that batch fail, each item is run alone, so that one bad
 * structure fails only itself.
 */
async function predictBatch(model: OpenModel, items: readonly PredictionItem[]): Promise<ItemResult[]> {
  const results: ItemResult[] = new Array(items.length);
  const runnable: number[] = [];
  items.forEach((item, i) => {
    if (item.structure.species.includes(item.element)) runnable.push(i);
    else results[i] = { inputError: missingAbsorberMessage(item.structure, item.element) };
  });
  try {
    const predictions = await predictStructures(model, runnable.map((i) => items[i]!));
    runnable.forEach((i, k) => (results[i] = { prediction: predictions[k]! }));
  } catch (err) {
    if (runnable.length === 1) results[runnable[0]!] = failure(err);
    else {
      for (const i of runnable) {
        try {
          results[i] = { prediction: await predictStructure(model, items[i]!) };
        } catch (itemErr) {
          results[i] = failure(itemErr);
        }
      }
    }
  }
  return results;
}

parentPort!.on('message', async (request: InferenceRequest) => {
  let reply: InferenceReply;
  try {
    const model = await modelFor(request);
    const started = performance.now();
    const results = await predictBatch(model, request.items);
    reply = { id: request.id, results, computeMs: performance.now() - started, provider: model.session.provider };
  } catch (err) {
    reply = { id: request.id, error: err instanceof Error ? err.message : String(err) };
  }
  parentPort!.postMessage(reply);
});
