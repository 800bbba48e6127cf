/**
 * The preprocessing steps of the reference ELSIE (veidt/elsie/preprocessing.py `Preprocessing`), applied in
 * order to a spectrum already on its per-pair grid. Tags are the reference's (`valid_ensemble.json`).
 */
import { arrayMax, arrayMin, dot, pairwiseSum, trapz, type NumericArray } from './numeric.ts';

/** A preprocessing tag as spelled in the reference's `proc_dict`. */
export type PreprocessTag =
  | 'intnorm'
  | 'maxnorm'
  | 'vecnorm'
  | 'areanorm'
  | 'snvnorm'
  | 'sigmoid'
  | 'square'
  | '1st_der'
  | '2nd_der'
  | '1st_wt'
  | '2nd_wt';

/** Energies and μ flowing through a chain (derivatives shorten both). */
export interface GridSpectrum {
  /** Grid energies, eV. */
  x: Float64Array;
  /** Values on the grid. */
  y: Float64Array;
}

function map(y: NumericArray, f: (v: number) => number): Float64Array {
  const out = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) out[i] = f(y[i]!);
  return out;
}

/** y / Σy (veidt `intensity_normalize` → pymatgen `Spectrum.normalize('sum')`; NumPy pairwise sum). */
export function intensityNormalize(y: NumericArray): Float64Array {
  const s = pairwiseSum(y);
  return map(y, (v) => v / s);
}

/** y / max y (veidt `maximum_intensity_norm` → pymatgen `Spectrum.normalize('max')`). */
export function maximumIntensityNorm(y: NumericArray): Float64Array {
  const m = arrayMax(y);
  return map(y, (v) => v / m);
}

/** y / ‖y‖₂ (veidt `vector_norm_normalize`, `np.linalg.norm`). */
export function vectorNormNormalize(y: NumericArray): Float64Array {
  const n = Math.sqrt(dot(y, y));
  return map(y, (v) => v / n);
}

/** y / ∫y dx, trapezoidal (veidt `area_normalize`, `np.trapz`). */
export function areaNormalize(y: NumericArray, x: NumericArray): Float64Array {
  const a = trapz(y, x);
  return map(y, (v) => v / a);
}

/**
 * "SNV": (y − mean)/mean, then shifted up by |min| (veidt `snv_norm`). Reproduces the reference's bug on
 * purpose: it divides by the mean where standard normal variate divides by the standard deviation.
 */
export function snvNorm(y: NumericArray): Float64Array {
  const mean = pairwiseSum(y) / y.length;
  const z = map(y, (v) => (v - mean) / mean);
  const m = Math.abs(arrayMin(z));
  return map(z, (v) => v + m);
}

/** (1 − cos πy)/2 (veidt `sigmoid_squashing`; periodic, so non-monotonic for y > 1 — reproduced as is). */
export function sigmoidSquashing(y: NumericArray): Float64Array {
  return map(y, (v) => (1 - Math.cos(Math.PI * v)) / 2);
}

/** √|y| (veidt `square_root_squashing`; the tag says "square", the code takes the square root). */
export function squareRootSquashing(y: NumericArray): Float64Array {
  return map(y, (v) => Math.sqrt(Math.abs(v)));
}

/** diff(y)/diff(x) applied `order` times, x losing its last point each time (veidt `derivative_spect`). */
export function derivative(s: GridSpectrum, order: number): GridSpectrum {
  let { x, y } = s;
  for (let k = 0; k < order; k++) {
    const n = y.length - 1;
    const dy = new Float64Array(n);
    for (let i = 0; i < n; i++) dy[i] = (y[i + 1]! - y[i]!) / (x[i + 1]! - x[i]!);
    x = x.subarray(0, n);
    y = dy;
  }
  return { x, y };
}

/** y[:-order] · derivative (veidt `weighted_first_derivative` / `weighted_second_derivative`). */
export function weightedDerivative(s: GridSpectrum, order: number): GridSpectrum {
  const d = derivative(s, order);
  const y = new Float64Array(d.y.length);
  for (let i = 0; i < y.length; i++) y[i] = s.y[i]! * d.y[i]!;
  return { x: d.x, y };
}

/** One preprocessing step by its tag (veidt `Preprocessing.spectrum_process`). */
export function applyStep(s: GridSpectrum, tag: PreprocessTag): GridSpectrum {
  switch (tag) {
    case 'intnorm': return { x: s.x, y: intensityNormalize(s.y) };
    case 'maxnorm': return { x: s.x, y: maximumIntensityNorm(s.y) };
    case 'vecnorm': return { x: s.x, y: vectorNormNormalize(s.y) };
    case 'areanorm': return { x: s.x, y: areaNormalize(s.y, s.x) };
    case 'snvnorm': return { x: s.x, y: snvNorm(s.y) };
    case 'sigmoid': return { x: s.x, y: sigmoidSquashing(s.y) };
    case 'square': return { x: s.x, y: squareRootSquashing(s.y) };
    case '1st_der': return derivative(s, 1);
    case '2nd_der': return derivative(s, 2);
    case '1st_wt': return weightedDerivative(s, 1);
    case '2nd_wt': return weightedDerivative(s, 2);
  }
}

/** A whole chain, in order. */
export function applyChain(s: GridSpectrum, chain: readonly PreprocessTag[]): GridSpectrum {
  let out = s;
  for (const tag of chain) out = applyStep(out, tag);
  return out;
}
