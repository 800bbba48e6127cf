/**
 * The similarity measures of the reference ELSIE's shipped ensemble (veidt/elsie/similarity_measures.py).
 * Inputs are two equal-length vectors that each sum to 1 (every shipped chain ends in `intnorm`); larger = more similar.
 *
 * Dot products are accumulated left to right; the reference's go through BLAS (sklearn, scipy), whose
 * unrolled order can differ in the last bit. That can only matter where two candidates tie to ~1e-16,
 * which the parity test (tests/unit/elsie-reference.test.ts) checks does not happen on the recorded data.
 */
import { dot, pairwiseSum, type NumericArray } from './numeric.ts';

/** A similarity measure's name as the reference spells it. */
export type SimilarityMetric = 'Cosine' | 'Euclidean' | 'Ruzicka';

function checkLengths(a: NumericArray, b: NumericArray): void {
  if (a.length !== b.length) throw new RangeError(`the two spectra have different lengths (${a.length} and ${b.length})`);
}

/** a·b/(‖a‖‖b‖), each row L2-normalised first as sklearn does (veidt `Cosine` → `sklearn cosine_similarity`). */
export function cosineSimilarity(a: NumericArray, b: NumericArray): number {
  checkLengths(a, b);
  const na = Math.sqrt(dot(a, a));
  const nb = Math.sqrt(dot(b, b));
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! / na) * (b[i]! / nb);
  return s;
}

/** 1 − ‖a−b‖₂/√2 (veidt `Euclidean`, distance→similarity 'bin' conversion with d_max = √2). */
export function euclideanSimilarity(a: NumericArray, b: NumericArray): number {
  checkLengths(a, b);
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    s += d * d;
  }
  return 1 - Math.sqrt(s) / Math.SQRT2;
}

/** Σmin(a,b)/Σmax(a,b), the weighted Jaccard (veidt `Ruzicka`; NumPy pairwise sums). */
export function ruzickaSimilarity(a: NumericArray, b: NumericArray): number {
  checkLengths(a, b);
  const mins = new Float64Array(a.length);
  const maxs = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!, y = b[i]!;
    // np.minimum / np.maximum (ternaries: no NaN can reach here, and they avoid a builtin call per point)
    mins[i] = x < y ? x : y;
    maxs[i] = x < y ? y : x;
  }
  return pairwiseSum(mins) / pairwiseSum(maxs);
}

/** The measure by its reference name. */
export const SIMILARITY_MEASURES: Readonly<Record<SimilarityMetric, (a: NumericArray, b: NumericArray) => number>> = {
  Cosine: cosineSimilarity,
  Euclidean: euclideanSimilarity,
  Ruzicka: ruzickaSimilarity,
};
