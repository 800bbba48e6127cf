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

/**
 * A consensus blended with the oxidation-state prior's probabilities (identification-lessons.md §6): each value's
 * share becomes (vote share + weight · probability) / (1 + weight). The prior alone when there is no vote.
 */
export function blendWithPrior(vote: Consensus | null, prior: readonly { value: number; probability: number }[], weight: number): Consensus | null {
  const items = [
    ...(vote?.distribution ?? []).map((d) => ({ value: d.value, weight: d.share })),
    ...prior.map((p) => ({ value: p.value, weight: (vote ? weight : 1) * p.probability })),
  ];
  return consensus(items);
}

/** Matches whose weights enter the consensus, and how they are weighted (see {@link consensusWeights}). */
export const CONSENSUS_TOP = 5;

/** Smallest distance the kernel of {@link consensusWeights} divides by (a perfect first match would weigh alone). */
export const MIN_KERNEL_DISTANCE = 1e-3;

/**
 * Weights of the first {@link CONSENSUS_TOP} matches for {@link consensus}: a similarity kernel on the distance 1 − score,
 * scaled by the first match's, w = exp(−(1 − score) / (1 − score₁)). Matches about as close as the first vote about
 * equally (the FEFF catalogue's many near-identical polymorphs); one much closer than the rest speaks for most of the
 * weight (a measured standard of the compound itself). Measured (bench:accuracy, measured library, leave one source
 * out): oxidation state right for 93 % of queries whose compound has another source, against 79 % with the Borda
 * votes as weights (which are nearly equal for the top five). Callers zip them with the matches' property values.
 */
export function consensusWeights(matches: readonly { score: number }[]): number[] {
  const top = matches.slice(0, CONSENSUS_TOP);
  if (top.length === 0) return [];
  const scale = Math.max(1 - top[0]!.score, MIN_KERNEL_DISTANCE);
  return top.map((m) => Math.exp(-(1 - m.score) / scale));
}

/**
 * Abstention thresholds (see {@link abstention}). bench/accuracy.ts measures them on SYNTHETIC queries. Plain
 * perturbations of FEFF (broadening, shift, background, noise) keep in-catalogue queries at bestScore ≥ 0.996 (p1)
 * but leave formula-left-out ones at 0.995 (median), and once the FEFF-vs-experiment gap is added (energy stretch
 * 1–3 %, near-edge amplitude 10–30 %) the two have the same bestScore distribution (median 0.988 both): a score floor
 * alone cannot tell a compound the catalogue holds from one it lacks, as found on measured spectra
 * (../shared/notes/identification-lessons.md). So the floor follows the measured in-catalogue range (best of the
 * catalogue at 0.985–0.995, with a margin for the extra broadening used here), and a third condition asks the top
 * matches to agree on the chemistry: with the gap, the consensus oxidation state is right for 63 % of the queries that
 * pass the score floor and margin, but for 76 % of those whose winning oxidation state holds ≥ 80 % of the consensus weight (energy-stretch search on).
 */
export const MIN_CONFIDENT_SCORE = 0.98;
export const MIN_CONFIDENT_MARGIN = 0;
export const MIN_CONFIDENT_AGREEMENT = 0.8;

/**
 * Whether an identification may be called confident, and if not, why: the best match's score (main-window
 * Pearson) is at least {@link MIN_CONFIDENT_SCORE}; no other candidate correlates better than the one the window
 * vote put first (margin ≥ {@link MIN_CONFIDENT_MARGIN}: windows and main score disagree on a near-tie otherwise);
 * and the consensus oxidation state of the top matches holds at least {@link MIN_CONFIDENT_AGREEMENT} of their
 * weight (`agreement`: the oxidation-state Consensus confidence, null when no top match has one).
 */
export function abstention(result: { bestScore: number; margin: number }, agreement: number | null): { confident: boolean; reason: string | null } {
  if (!(result.bestScore >= MIN_CONFIDENT_SCORE)) {
    return { confident: false, reason: `the best match is weak (score ${result.bestScore.toFixed(3)} < ${MIN_CONFIDENT_SCORE})` };
  }
  if (!(result.margin >= MIN_CONFIDENT_MARGIN)) {
    return { confident: false, reason: 'the top is a near-tie: another candidate correlates better than the one the window vote ranks first' };
  }
  if (agreement === null || !(agreement >= MIN_CONFIDENT_AGREEMENT)) {
    const share = agreement === null ? 'none of them has an oxidation state' : `the leading one holds ${Math.round(agreement * 100)} % of the weight`;
    return { confident: false, reason: `the top matches disagree on the oxidation state (${share}, < ${MIN_CONFIDENT_AGREEMENT * 100} %)` };
  }
  return { confident: true, reason: null };
}

/** {@link abstention}'s verdict alone. */
export function isConfident(result: { bestScore: number; margin: number }, agreement: number | null): boolean {
  return abstention(result, agreement).confident;
}
