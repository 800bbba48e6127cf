// The catalogue side of ENSEMBLE, built once per catalogue: every FEFF spectrum normalised by the
// computed-spectrum path, broadened, aligned at its half-step and resampled on one relative grid, then
// stored per window as mean-centred, unit-norm float32 rows (so a Pearson correlation is one dot product),
// plus a low-rank projection of the main window for the screen.
import { InputError } from '../../errors.ts';
import { preEdge, prepareSpectrum } from '../normalize.ts';
import { GRID_MIN, GRID_POINTS, GRID_STEP, gaussianBroaden, halfStepEnergy, resampleUniform } from './grid.ts';
import { symmetricEigen } from './linalg.ts';
import { WINDOWS } from './windows.ts';

/** Options of {@link prepareReferences}. */
export interface ReferenceOptions {
  /** Extra Gaussian broadening of FEFF, FWHM eV (identification-lessons.md §4: 1–2 eV helps). Default 1.5. */
  broadening?: number;
  /** Components of the screen's projection basis. Default 24. */
  screenRank?: number;
}

export const DEFAULT_BROADENING = 1.5;
export const DEFAULT_SCREEN_RANK = 24;
/** Fine internal step for broadening, eV. */
const FINE_STEP = 0.1;
/** At most this many rows (evenly strided) estimate the projection basis. */
const BASIS_SAMPLE = 6000;

/** One window's reference rows: N × width, each mean-centred with unit norm (0 row when flat). */
export interface WindowMatrix {
  width: number;
  rows: Float32Array;
}

/** The prepared catalogue. Treat as opaque outside this module family. */
export interface PreparedReferences {
  ids: string[];
  count: number;
  /** Absolute half-step energy of each reference (after broadening), eV. */
  halfStep: Float64Array;
  /** Normalised, broadened μ on the common relative grid, N × GRID_POINTS. */
  grid: Float32Array;
  windows: WindowMatrix[];
  /** 1 for a measured reference (EXPERIMENT: normalised like a measured query, not broadened), 0 for a computed one. */
  measured: Uint8Array;
  /** 1 where the reference could be normalised; 0 for those left out of every ranking (see `skipped`). */
  usable: Uint8Array;
  /** Indices of the usable references, ascending. */
  usableIndices: Uint32Array;
  /** References without a usable edge (a bad upload must not break identification for its element). */
  skipped: { id: string; reason: string }[];
  /** Screen basis of window 0: K × width (rows), and the references' K coordinates (N × K). */
  basis: Float32Array;
  rank: number;
  projected: Float32Array;
  /** The screen's bias for the whole catalogue: 0 where usable, −Infinity where not (see onnx-graphs.ts). */
  screenBias: Float32Array;
  broadening: number;
}

/**
 * A computed spectrum (FEFF, a model) as ENSEMBLE compares it, from its normalised μ (the computed-spectrum path of
 * src/spectra/normalize.ts): 0 below its first energy, broadened by `broadening` eV FWHM on a fine uniform grid, with
 * its half-step. The catalogue's references and computed queries both go through it, so a computed spectrum sent
 * back matches its own entry exactly.
 */
export function broadenComputed(
  energies: ArrayLike<number>,
  norm: ArrayLike<number>,
  broadening: number,
): { energies: Float64Array; mu: Float64Array; halfStep: number } {
  // Below the first FEFF energy (the Fermi level) μ is 0 (lessons §1); broaden on a fine uniform grid.
  const start = energies[0]! - 30;
  const n = Math.floor((energies[energies.length - 1]! - start) / FINE_STEP) + 1;
  const fine = gaussianBroaden(resampleUniform(energies, norm, start, FINE_STEP, n, 0), FINE_STEP, broadening);
  const fineE = new Float64Array(n);
  for (let i = 0; i < n; i++) fineE[i] = start + i * FINE_STEP;
  const halfStep = halfStepEnergy(fineE, fine);
  if (!Number.isFinite(halfStep)) throw new Error('computed spectrum never reaches half its edge step');
  return { energies: fineE, mu: fine, halfStep };
}

/** Normalised, broadened, half-step-aligned μ of one computed spectrum on the common grid. */
export function alignComputed(
  energies: ArrayLike<number>,
  mu: ArrayLike<number>,
  broadening: number,
): { halfStep: number; values: Float64Array } {
  // Computed-spectrum normalisation (Larch's iscalc rule: pre-edge = μ[0], flat post-edge).
  const norm = preEdge(Array.from(energies), Array.from(mu), { computed: true, makeFlat: false }).norm;
  const b = broadenComputed(energies, norm, broadening);
  return { halfStep: b.halfStep, values: resampleUniform(b.energies, b.mu, b.halfStep + GRID_MIN, GRID_STEP, GRID_POINTS, 0) };
}

/**
 * A measured spectrum as ENSEMBLE compares it (a query, or a measured reference: "both normalised alike"): sorted,
 * Larch `pre_edge` with its defaults, flattened (identification-lessons.md §1), no broadening; its half-step.
 * Throws InputError when it has no usable edge.
 */
export function normalizeMeasured(
  energies: readonly number[],
  mu: readonly number[],
): { energies: number[]; flat: number[]; halfStep: number; e0: number; edgeStep: number; warnings: string[] } {
  const s = prepareSpectrum(energies, mu);
  const pre = preEdge(s.energies, s.mu, { computed: false });
  const flat = pre.flat!;
  const halfStep = halfStepEnergy(s.energies, flat);
  if (!Number.isFinite(halfStep)) throw new InputError('the normalised spectrum never reaches half its edge step: check mu', 'mu');
  return { energies: s.energies, flat, halfStep, e0: pre.e0, edgeStep: pre.edgeStep, warnings: [...s.warnings, ...pre.warnings] };
}

/** Normalised, half-step-aligned μ of one measured spectrum on the common grid (held at its first and last values). */
export function alignMeasured(energies: readonly number[], mu: readonly number[]): { halfStep: number; values: Float64Array } {
  const m = normalizeMeasured(energies, mu);
  return { halfStep: m.halfStep, values: resampleUniform(m.energies, m.flat, m.halfStep + GRID_MIN, GRID_STEP, GRID_POINTS, null) };
}

/** Mean-centre and scale to unit norm in place; returns the norm before scaling. */
export function centreUnit(x: Float64Array | Float32Array): number {
  let mean = 0;
  for (let i = 0; i < x.length; i++) mean += x[i]!;
  mean /= x.length;
  let ss = 0;
  for (let i = 0; i < x.length; i++) {
    x[i] = x[i]! - mean;
    ss += x[i]! * x[i]!;
  }
  const norm = Math.sqrt(ss);
  const inv = norm > 1e-12 ? 1 / norm : 0;
  for (let i = 0; i < x.length; i++) x[i] = x[i]! * inv;
  return norm;
}

/**
 * Prepare a catalogue of references for {@link rankEnsemble}: computed spectra (FEFF, predictions) by the computed path
 * with the extra broadening, measured ones (`measured: true`) like a measured query. A reference that cannot be
 * normalised (no clear edge) is listed in `skipped` and never ranked.
 */
export function prepareReferences(
  refs: readonly { id: string; energies: ArrayLike<number>; mu: ArrayLike<number>; measured?: boolean }[],
  options: ReferenceOptions = {},
): PreparedReferences {
  const broadening = options.broadening ?? DEFAULT_BROADENING;
  const count = refs.length;
  const halfStep = new Float64Array(count);
  const grid = new Float32Array(count * GRID_POINTS);
  const usable = new Uint8Array(count);
  const measured = Uint8Array.from(refs, (r) => (r.measured ? 1 : 0));
  const skipped: { id: string; reason: string }[] = [];
  refs.forEach((r, i) => {
    try {
      const a = r.measured ? alignMeasured(Array.from(r.energies), Array.from(r.mu)) : alignComputed(r.energies, r.mu, broadening);
      halfStep[i] = a.halfStep;
      grid.set(a.values, i * GRID_POINTS);
      usable[i] = 1;
    } catch (error) {
      skipped.push({ id: r.id, reason: (error as Error).message });
    }
  });
  const windows = WINDOWS.map((w) => {
    const width = w.end - w.start;
    const rows = new Float32Array(count * width);
    const row = new Float64Array(width);
    for (let i = 0; i < count; i++) {
      for (let k = 0; k < width; k++) row[k] = grid[i * GRID_POINTS + w.start + k]!;
      centreUnit(row);
      rows.set(row, i * width);
    }
    return { width, rows };
  });

  // Screen basis: leading eigenvectors of the second-moment matrix of the main window's rows (a projection
  // that keeps dot products, not a whitening: lessons "what hurt").
  const main = windows[0]!;
  const p = main.width;
  const rank = Math.min(options.screenRank ?? DEFAULT_SCREEN_RANK, p);
  const moment = new Float64Array(p * p);
  const stride = Math.max(1, Math.ceil(count / BASIS_SAMPLE));
  for (let i = 0; i < count; i += stride) {
    const off = i * p;
    for (let a = 0; a < p; a++) {
      const va = main.rows[off + a]!;
      if (va === 0) continue;
      for (let b = a; b < p; b++) moment[a * p + b] = moment[a * p + b]! + va * main.rows[off + b]!;
    }
  }
  for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) moment[a * p + b] = moment[b * p + a]!;
  const { vectors } = count > 0 ? symmetricEigen(moment, p) : { vectors: new Float64Array(p * p) };
  const basis = Float32Array.from(vectors.subarray(0, rank * p));
  const projected = new Float32Array(count * rank);
  for (let i = 0; i < count; i++) {
    for (let c = 0; c < rank; c++) {
      let s = 0;
      for (let k = 0; k < p; k++) s += basis[c * p + k]! * main.rows[i * p + k]!;
      projected[i * rank + c] = s;
    }
  }
  const screenBias = Float32Array.from(usable, (u) => (u === 1 ? 0 : -Infinity));
  const usableIndices = Uint32Array.from(usable.keys()).filter((i) => usable[i] === 1);
  return { ids: refs.map((r) => r.id), count, halfStep, grid, windows, measured, usable, usableIndices, skipped, basis, rank, projected, screenBias, broadening };
}
