// ENSEMBLE: the default ranking method (issue 3, item 3). prepareReferences once per catalogue,
// prepareQuery per spectrum, rankEnsemble, then consensus / isConfident on the matches.
export { GRID_MAX, GRID_MIN, GRID_POINTS, GRID_STEP } from './grid.ts';
export { WINDOWS, SHIFT_MAX, type Window } from './windows.ts';
export { broadenComputed, normalizeMeasured, prepareReferences, DEFAULT_BROADENING, type PreparedReferences, type ReferenceOptions } from './references.ts';
export { prepareQuery, type PreparedQuery } from './query.ts';
export { matchCurve, MEASURED_DISTANCE_SCALE, onCommonScale, rankEnsemble, SCREEN_KEEP, type EnsembleMatch, type EnsembleResult, type RankOptions } from './rank.ts';
export {
  abstention, blendWithPrior, consensus, consensusWeights, isConfident, CONSENSUS_TOP, MIN_CONFIDENT_AGREEMENT, MIN_CONFIDENT_MARGIN, MIN_CONFIDENT_SCORE,
  type Consensus, type ConsensusShare,
} from './consensus.ts';
export { oxidationPrior, priorFeatures, PRIOR_BLEND, type OxidationPrior } from './oxidation-prior.ts';
