/**
 * The 33 "weak learners" shipped with the reference ELSIE (veidt/elsie/valid_ensemble.json; Zheng et al.,
 * npj Comput. Mater. 4, 12 (2018)), in the reference's order: the full grid of 11 chains × 3 metrics.
 *
 * Kept with its duplicates on purpose: the five `…square,intnorm` chains give bit-identical similarities and
 * the three small-scale `…sigmoid,intnorm` chains rank identically (notes/elsie.md §1.4), so the 33 votes are
 * ~12 distinct ones weighted unevenly. ELSIE_REFERENCE reproduces that; our own ENSEMBLE should not.
 */
import type { SimilarityMetric } from './similarity.ts';
import type { PreprocessTag } from './transforms.ts';

/** One learner: a preprocessing chain and the similarity measure applied after it. */
export interface Learner {
  /** Preprocessing steps, applied in order to both spectra. */
  chain: readonly PreprocessTag[];
  /** Similarity measure between the two preprocessed vectors. */
  metric: SimilarityMetric;
}

/** The 11 preprocessing chains of the shipped ensemble, in `valid_ensemble.json` order. */
export const ELSIE_CHAINS: readonly (readonly PreprocessTag[])[] = [
  ['areanorm', 'sigmoid', 'intnorm'],
  ['areanorm', 'square', 'intnorm'],
  ['intnorm', 'sigmoid', 'intnorm'],
  ['intnorm', 'square', 'intnorm'],
  ['maxnorm', 'sigmoid', 'intnorm'],
  ['maxnorm', 'square', 'intnorm'],
  ['sigmoid', 'intnorm'],
  ['snvnorm', 'square', 'intnorm'],
  ['square', 'intnorm'],
  ['vecnorm', 'sigmoid', 'intnorm'],
  ['vecnorm', 'square', 'intnorm'],
];

/** The 3 similarity measures of the shipped ensemble, in `valid_ensemble.json` order. */
export const ELSIE_METRICS: readonly SimilarityMetric[] = ['Cosine', 'Euclidean', 'Ruzicka'];

/** The 33 shipped learners, chain-major as in `valid_ensemble.json`. */
export const ELSIE_LEARNERS: readonly Learner[] = ELSIE_CHAINS.flatMap((chain) =>
  ELSIE_METRICS.map((metric) => ({ chain, metric })),
);
