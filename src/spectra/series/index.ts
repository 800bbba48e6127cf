// Decomposition of an in-situ series (issue 13, item 3): decomposeSeriesMatrix on spectra already normalised and on one
// grid; seriesPca (component count: Malinowski's IND, noise check) and mcrAls (non-negativity, closure) underneath.
export {
  decomposeSeriesMatrix, edgeStep, EDGE_STEP_TOLERANCE, MAX_COMPONENTS, MAX_SERIES_SPECTRA, MIN_ENERGY_POINTS,
  type DecomposeOptions, type SeriesComponent, type SeriesDecomposition, type SeriesPcaSummary,
} from './decompose.ts';
export { DEFAULT_MAX_COMPONENTS, malinowskiIndicator, NOISE_MARGIN, seriesPca, type ComponentRule, type PcaOptions, type SeriesPca } from './pca.ts';
export { DEFAULT_MAX_ITERATIONS, DEFAULT_TOLERANCE, mcrAls, type LowRank, type McrOptions, type McrResult } from './mcr.ts';
export { estimateNoise, type NoiseEstimate } from './noise.ts';
export { purestSpectra } from './purest.ts';
export { packRows, type SeriesMatrix } from './matrix.ts';
export { batchNnls, type BatchNnls } from './batch-nnls.ts';
