// Linear-combination fitting of XANES by references (issue 13): NNLS, one fit (Larch's lincombo_fit) and every
// combination ranked (Larch's lincombo_fitall). Pure functions of arrays: no I/O.
export { crossProducts, nnls, nnlsColumns, type NnlsOptions, type NnlsSolution } from './nnls.ts';
export { MIN_FIT_POINTS, type MixtureReference, type MixtureSpectrum } from './problem.ts';
export {
  CONDITION_LIMIT,
  UNDETERMINED_SIGMA,
  MAX_SHIFT_LIMIT,
  SIGNIFICANCE_SIGMAS,
  lincomboFit,
  type LincomboComponent,
  type LincomboFit,
  type LincomboOptions,
} from './lincombo.ts';
export {
  DEFAULT_MAX_COMPONENTS,
  DEFAULT_MIN_WEIGHT,
  DEFAULT_RESOLUTION,
  MAX_CANDIDATES,
  MAX_COMPONENTS,
  fitAllCombinations,
  rankingCriterion,
  type FitAllOptions,
  type FitAllResult,
  type RankedFit,
} from './fitall.ts';
