// The learned oxidation-state prior (identification-lessons.md §6): a small classifier that reads the query's
// normalised near-edge μ and gives the probability of each oxidation state of the absorber. It is trained on
// catalogue spectra made to look measured (training/oxidation_prior.py, training/oxidation-features.ts) and
// served from models/oxidation-prior/ with onnxruntime-node. The features are cut here, for training and serving
// alike, from the query ENSEMBLE already prepared: one definition, no parity to keep.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ort from 'onnxruntime-node';
import { sessionOptions } from '../../inference/session.ts';
import { GRID_MIN, GRID_STEP } from './grid.ts';
import type { PreparedQuery } from './query.ts';
import { SHIFT_STEPS } from './windows.ts';

/**
 * How much the prior's probabilities count beside the top matches' vote in the reported oxidation state of a measured
 * spectrum. bench/accuracy.ts, SYNTHETIC queries of 851 materials the prior never saw, oxidation state right: with the
 * FEFF-vs-experiment gap 67.9 % (vote) → 70.3 % (blend 0.5; 70.9 % at 2); without the gap 84.6 % → 81.4 %, which is
 * why computed inputs are not blended. Measured spectra always carry the gap; 0.5 takes most of the gain.
 */
export const PRIOR_BLEND = 0.5;

/** Feature window, eV relative to the half-step, and its points (GRID_STEP apart). */
export const PRIOR_FROM = -10;
export const PRIOR_TO = 60;
export const PRIOR_FEATURES = Math.round((PRIOR_TO - PRIOR_FROM) / GRID_STEP) + 1;

/** The classifier's input: the query's normalised μ at halfStep + PRIOR_FROM … PRIOR_TO, unstretched, unshifted. */
export function priorFeatures(query: PreparedQuery): Float32Array {
  const extended = query.extended[query.stretches.indexOf(1)]!;
  // extended[i] is at halfStep + GRID_MIN + (i − SHIFT_STEPS)·GRID_STEP.
  const first = Math.round((PRIOR_FROM - GRID_MIN) / GRID_STEP) + SHIFT_STEPS;
  return Float32Array.from(extended.subarray(first, first + PRIOR_FEATURES));
}

/** What models/oxidation-prior/<element>-<edge>.json says about its .onnx. */
export interface PriorSidecar {
  absorbingElement: string;
  edge: string;
  file: string;
  /** sha256 of the .onnx file: a file that does not match is refused. */
  sha256: string;
  /** Oxidation states, in the order of the graph's `probabilities` columns. */
  classes: number[];
  features: { from: number; to: number; step: number; count: number };
  metrics?: Record<string, unknown>;
}

export interface OxidationPrior {
  sidecar: PriorSidecar;
  /** Probabilities of sidecar.classes for one query. */
  predict(query: PreparedQuery): Promise<{ value: number; probability: number }[]>;
  /** Probabilities (row-major [rows × classes]) for rows of features ([rows × PRIOR_FEATURES]). */
  predictFeatures(features: Float32Array, rows: number): Promise<Float32Array>;
}

export const PRIOR_DIR = fileURLToPath(new URL('../../../models/oxidation-prior', import.meta.url));

const loaded = new Map<string, Promise<OxidationPrior | null>>();

/** Check a sidecar against the features this code cuts; the reason it cannot be used, or null. */
export function sidecarProblem(sidecar: PriorSidecar): string | null {
  const f = sidecar.features;
  if (f?.from !== PRIOR_FROM || f.to !== PRIOR_TO || f.step !== GRID_STEP || f.count !== PRIOR_FEATURES) {
    return `features ${JSON.stringify(f)} are not this service's (${PRIOR_FROM}…${PRIOR_TO} eV, step ${GRID_STEP}, ${PRIOR_FEATURES} values)`;
  }
  if (!Array.isArray(sidecar.classes) || sidecar.classes.length < 2 || !sidecar.classes.every(Number.isFinite)) return 'classes must be two or more numbers';
  return null;
}

async function open(absorbingElement: string, edge: string, dir: string): Promise<OxidationPrior | null> {
  const sidecarPath = path.join(dir, `${absorbingElement.toLowerCase()}-${edge.toLowerCase()}.json`);
  if (!fs.existsSync(sidecarPath)) return null;
  const sidecar = JSON.parse(fs.readFileSync(sidecarPath, 'utf8')) as PriorSidecar;
  const problem = sidecarProblem(sidecar);
  if (problem) throw new Error(`${sidecarPath}: ${problem}`);
  const bytes = fs.readFileSync(path.join(dir, sidecar.file));
  const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
  if (sha256 !== sidecar.sha256) throw new Error(`${sidecar.file} has sha256 ${sha256}, its sidecar says ${sidecar.sha256}: retrain or restore the file`);
  const session = await ort.InferenceSession.create(bytes, sessionOptions('cpu', 1));
  const predictFeatures = async (features: Float32Array, rows: number): Promise<Float32Array> => {
    if (features.length !== rows * PRIOR_FEATURES) throw new Error(`prior: ${features.length} values are not ${rows} rows of ${PRIOR_FEATURES}`);
    const out = await session.run({ features: new ort.Tensor('float32', features, [rows, PRIOR_FEATURES]) });
    return out.probabilities!.data as Float32Array;
  };
  return {
    sidecar,
    predictFeatures,
    async predict(query) {
      const p = await predictFeatures(priorFeatures(query), 1);
      return sidecar.classes.map((value, k) => ({ value, probability: p[k]! }));
    },
  };
}

/** The prior for an element and edge, or null when there is none; opened once per process (thread). */
export function oxidationPrior(absorbingElement: string, edge: string, dir = PRIOR_DIR): Promise<OxidationPrior | null> {
  const key = `${dir}|${absorbingElement}|${edge}`;
  let prior = loaded.get(key);
  if (!prior) {
    prior = open(absorbingElement, edge, dir);
    prior.catch(() => loaded.delete(key));
    loaded.set(key, prior);
  }
  return prior;
}
