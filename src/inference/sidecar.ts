// A model's sidecar (`<name>.json` beside `<name>.onnx`, written by training/train.py): what the ONNX graph
// expects and returns, its energy grid, its descriptor parameters and its test metrics. A model is served only
// when its sidecar is valid, its descriptor is one src/structure/descriptor.ts computes with the declared
// dimension, and the .onnx file's sha256 is the one the sidecar records.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { checkWacsfParameters, descriptorDimension, type WacsfParameters } from '../structure/descriptor.ts';
import { elementBySymbol } from '../structure/elements.ts';

const count = z.number().int().positive();
const finite = z.number().finite();

/** Scores of one split (training/train.py `metrics`); σ statistics only for the ensemble itself. */
const splitMetricsSchema = z
  .object({
    sites: count,
    eta: finite,
    mse: finite,
    meanSpectrumMse: finite,
    medianRelativeError: finite,
    coverage2Sigma: finite.optional(),
    meanSigma: finite.optional(),
  })
  .passthrough();

const ensembleMetricsSchema = splitMetricsSchema.extend({ coverage2Sigma: finite, meanSigma: finite });

// Strict: a parameter this code does not know would change the descriptor in a way it cannot reproduce.
const wacsfSchema = z
  .object({
    kind: z.literal('wacsf'),
    rMin: finite,
    rMax: finite,
    nG2: count,
    nG4: count,
    zetas: z.array(finite).min(1),
    lambdas: z.array(finite).min(1),
    g2Weights: z.array(z.enum(['Z', 'one', 'X'])),
    g4Weights: z.array(z.enum(['Z', 'one', 'X'])),
    globalFeatures: z.boolean().optional(),
    dimension: count,
  })
  .strict();

/** `["sites", n]`: a batch of rows of n values. */
const rowsShape = z.tuple([z.literal('sites'), count]);

export const modelSidecarSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" or "-"'),
    version: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._+-]*$/, 'letters, digits, ".", "_", "+" or "-"'),
    file: z.string().regex(/^[^/\\]+\.onnx$/, 'a file name ending in .onnx, in the same folder'),
    sha256: z.string().regex(/^[0-9a-f]{64}$/, '64 lower-case hex digits'),
    absorbingElement: z.string(),
    edge: z.enum(['K', 'L1', 'L2', 'L3', 'L2_3']),
    spectrumType: z.enum(['XANES', 'EXAFS', 'XAFS']),
    fidelity: z.enum(['FEFF', 'VASP', 'EXPERIMENT']),
    energies: z.array(finite).min(2),
    energyGrid: z.object({ start: finite, step: finite, points: count }),
    descriptor: wacsfSchema,
    inputs: z.object({ descriptor: rowsShape }),
    outputs: z.object({ mean: rowsShape, std: rowsShape }),
    ensemble: z.object({ members: count, hidden: z.array(count), dropout: finite, stdScale: finite, scaling: z.string() }).passthrough(),
    training: z.object({ data: z.string(), createdAt: z.string().datetime({ offset: true }).optional() }).passthrough(),
    metrics: z
      .object({
        val: ensembleMetricsSchema,
        test: ensembleMetricsSchema,
        baselines: z
          .object({
            meanSpectrum: z.object({ test: splitMetricsSchema }).optional(),
            wacsf97Mlp: z.object({ test: splitMetricsSchema }).passthrough().optional(),
          })
          .passthrough(),
      })
      .passthrough(),
  })
  .passthrough();

export type ModelSidecar = z.infer<typeof modelSidecarSchema>;

/** A model whose files were checked: its sidecar, and where its files are. */
export interface ModelFiles {
  /** `<name>@<version>`, the Model table's id. */
  id: string;
  sidecar: ModelSidecar;
  /** The descriptor parameters, without `dimension` (what structureDescriptors takes). */
  descriptor: WacsfParameters;
  sidecarPath: string;
  onnxPath: string;
  /** `<name>.parity.json` (PyTorch's outputs on a few sites), when present. */
  parityPath: string | null;
}

/** A sidecar or model file that cannot be served; the message names the file and what is wrong. */
export class ModelFileError extends Error {
  override name = 'ModelFileError';
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`${file}: ${problem}`);
  }
}

/** What a models folder holds: the models that may be served, and the files refused (with why). */
export interface ModelDirectory {
  dir: string;
  /** False when the folder does not exist (no model is served). */
  exists: boolean;
  models: ModelFiles[];
  rejected: ModelFileError[];
}

export const modelId = (sidecar: Pick<ModelSidecar, 'name' | 'version'>): string => `${sidecar.name}@${sidecar.version}`;

/** sha256 of a file, hex. */
export function fileSha256(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** The consistency checks zod cannot express; throws an Error saying what disagrees. */
function checkSidecar(s: ModelSidecar): WacsfParameters {
  if (!elementBySymbol(s.absorbingElement)) throw new Error(`absorbingElement "${s.absorbingElement}" is not an element symbol`);
  const { dimension, ...params } = s.descriptor;
  checkWacsfParameters(params);
  const expected = descriptorDimension(params);
  if (dimension !== expected) throw new Error(`descriptor.dimension is ${dimension} but these parameters give ${expected} values`);
  if (s.inputs.descriptor[1] !== dimension) throw new Error(`inputs.descriptor has ${s.inputs.descriptor[1]} columns but descriptor.dimension is ${dimension}`);
  const points = s.energies.length;
  for (const output of ['mean', 'std'] as const) {
    if (s.outputs[output][1] !== points) throw new Error(`outputs.${output} has ${s.outputs[output][1]} columns but there are ${points} energies`);
  }
  if (s.energyGrid.points !== points) throw new Error(`energyGrid.points is ${s.energyGrid.points} but there are ${points} energies`);
  for (let i = 1; i < points; i++) {
    if (!(s.energies[i]! > s.energies[i - 1]!)) throw new Error(`energies must increase: ${s.energies[i]} follows ${s.energies[i - 1]} at point ${i}`);
  }
  return params;
}

/**
 * Read and check one sidecar: valid JSON of the sidecar schema, a descriptor this code computes with the
 * declared dimension, shapes that agree with the energy grid, and an .onnx file whose sha256 is the recorded
 * one. Throws a ModelFileError naming the file otherwise.
 */
export function readSidecar(sidecarPath: string): ModelFiles {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(sidecarPath, 'utf8'));
  } catch (err) {
    throw new ModelFileError(sidecarPath, `cannot read the sidecar (${(err as Error).message})`);
  }
  const parsed = modelSidecarSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new ModelFileError(sidecarPath, `not a valid model sidecar: ${problems}`);
  }
  const sidecar = parsed.data;
  let descriptor: WacsfParameters;
  try {
    descriptor = checkSidecar(sidecar);
  } catch (err) {
    throw new ModelFileError(sidecarPath, (err as Error).message);
  }
  const dir = path.dirname(sidecarPath);
  const onnxPath = path.join(dir, sidecar.file);
  if (!fs.existsSync(onnxPath)) throw new ModelFileError(sidecarPath, `its model file ${sidecar.file} is not in ${dir}`);
  const actual = fileSha256(onnxPath);
  if (actual !== sidecar.sha256) {
    throw new ModelFileError(onnxPath, `sha256 is ${actual} but its sidecar ${path.basename(sidecarPath)} records ${sidecar.sha256}: the file was changed or belongs to another model; it is not served`);
  }
  const parityPath = path.join(dir, `${path.basename(sidecarPath, '.json')}.parity.json`);
  return { id: modelId(sidecar), sidecar, descriptor, sidecarPath, onnxPath, parityPath: fs.existsSync(parityPath) ? parityPath : null };
}

/** A `.json` file is a model sidecar candidate when it is not a parity probe and names (or sits beside) an .onnx file. */
function isSidecarCandidate(dir: string, name: string): boolean {
  if (!name.endsWith('.json') || name.endsWith('.parity.json')) return false;
  if (fs.existsSync(path.join(dir, `${name.slice(0, -'.json'.length)}.onnx`))) return true;
  try {
    const value = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8')) as { file?: unknown };
    return typeof value?.file === 'string' && value.file.endsWith('.onnx'); // a sidecar whose model file is missing: report it
  } catch {
    return false;
  }
}

/**
 * Every model sidecar of `dir` (`*.json` beside its `.onnx`; parity probes and unrelated JSON are ignored),
 * checked by readSidecar. Refused files are returned with their errors, never thrown; a second sidecar of the
 * same name and version is refused.
 */
export function readModelDir(dir: string): ModelDirectory {
  if (!fs.existsSync(dir)) return { dir, exists: false, models: [], rejected: [] };
  const models: ModelFiles[] = [];
  const rejected: ModelFileError[] = [];
  const names = fs.readdirSync(dir).sort();
  for (const name of names.filter((n) => isSidecarCandidate(dir, n))) {
    const file = path.join(dir, name);
    try {
      const model = readSidecar(file);
      const twin = models.find((m) => m.id === model.id);
      if (twin) throw new ModelFileError(file, `declares ${model.id}, already declared by ${path.basename(twin.sidecarPath)}`);
      models.push(model);
    } catch (err) {
      rejected.push(err instanceof ModelFileError ? err : new ModelFileError(file, (err as Error).message));
    }
  }
  return { dir, exists: true, models, rejected };
}
