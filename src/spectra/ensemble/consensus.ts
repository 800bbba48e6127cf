// Consensus of a property (oxidation state, coordination number) over the top matches, and the abstention
// rule (issue 3, item 4): a weighted vote (ELSIE's idea of pooling the top of the ranking, Zheng et al. 2018).

export interface ConsensusShare {
  value: number;
  share: number;
}

export interface Consensus {
  /** The value with the largest weight (smallest value on a tie). */
  value: number;
  /** Its share of the weight of the items that have a value, in [0, 1]. */
  confidence: number;
  /** Every value with its share, largest first (smaller value first on a tie). */
  distribution: ConsensusShare[];
}

/**
 * Weighted vote over items; items whose value is null (unknown) or whose weight is not positive are left
 * out. Values are pooled after rounding to 0.01 (site-averaged values of mixed-valence materials are
 * fractional). Null when nothing is left.
 */
export function consensus(items: readonly { weight: number; value: number | null }[]): Consensus | null {
  const pooled = new Map<number, number>();
  let total = 0;
  for (const { weight, value } of items) {
    if (value === null || !Number.isFinite(value) || !(weight > 0)) continue;
    const key = Math.round(value * 100) / 100;
    pooled.set(key, (pooled.get(key) ?? 0) + weight);
    total += weight;
  }
  if (total === 0) return null;
  const distribution = [...pooled.entries()]
    .map(([value, w]) => ({ value, share: w / total }))
    .sort((a, b) => b.share - a.share || a.value - b.value);
  return { value: distribution[0]!.value, confidence: distribution[0]!.share, distribution };
}

/** Matches whose weights enter the consensus, and how they are weighted (see {@link consensusWeights}). */
export const CONSENSUS_TOP = 5;

/**
 * Weights of the first {@link CONSENSUS_TOP} matches for {@link consensus}: their Borda votes (the ensemble's
 * own measure of how strongly each is preferred). Callers zip them with the matches' property values.
 */
export function consensusWeights(matches: readonly { votes: number }[]): number[] {
  return matches.slice(0, CONSENSUS_TOP).map((m) => Math.max(m.votes, 1e-9));
}

/**
 * Abstention thresholds (see {@link isConfident}). bench/accuracy.ts shows SYNTHETIC in-catalogue queries at
 * bestScore ≥ 0.996 (p1) but also SYNTHETIC queries with their formula left out at 0.995 (median): perturbing
 * FEFF by itself cannot model FEFF's error against experiment, so the score floor follows the measured
 * range in ../shared/notes/identification-lessons.md (in-catalogue compounds: best of the catalogue at
 * 0.985–0.995), with a margin below it for the extra broadening used here.
 */
export const MIN_CONFIDENT_SCORE = 0.98;
export const MIN_CONFIDENT_MARGIN = 0;

/**
 * Whether an identification may be called confident: the best match's score (main-window Pearson) is at
 * least {@link MIN_CONFIDENT_SCORE}, and no other candidate correlates better than the one the window vote
 * put first (margin ≥ {@link MIN_CONFIDENT_MARGIN}: windows and main score disagree on a near-tie otherwise).
 */
export function isConfident(result: { bestScore: number; margin: number }): boolean {
  return result.bestScore >= MIN_CONFIDENT_SCORE && result.margin >= MIN_CONFIDENT_MARGIN;
}
