/**
 * ELSIE_REFERENCE: a faithful reproduction of the reference ELSIE ranking (Zheng et al., npj Comput. Mater.
 * 4, 12 (2018); materialsvirtuallab/veidt `veidt/elsie`, `EnsembleRank(...).borda_rank_vote(valid_ensemble)`),
 * as described in ../shared/notes/elsie.md §1–3. It is the yardstick our own method is measured against, so its
 * known flaws are kept: onset-only alignment, no normalisation of either spectrum, per-pair grids, 33
 * learners that are ~12 distinct ones, and an unstable sort at ties. Its final softmax "probability" is not
 * reproduced (it ranks badly past ~100 references; notes §3): rank by the Borda count.
 *
 * Pure: arrays in, plain data out. Cost: one alignment + 11 chains + 33 measures per reference.
 */
import { alignPair, type XySpectrum } from './grid.ts';
import { ELSIE_LEARNERS, type Learner } from './learners.ts';
import { SIMILARITY_MEASURES } from './similarity.ts';
import { applyChain, type GridSpectrum } from './transforms.ts';
import { bordaPoints, poolByLabel, rankLabels } from './vote.ts';

export type { XySpectrum } from './grid.ts';
export { ELSIE_LEARNERS, type Learner } from './learners.ts';

/** A catalogue spectrum to rank, with the label its votes are pooled under (e.g. an mp-id or spectrum id). */
export interface LabelledSpectrum extends XySpectrum {
  /** Votes of spectra sharing a label are summed, as in the reference. */
  label: string;
}

/** One place in the ranking. */
export interface ElsieRankEntry {
  /** The reference label. */
  label: string;
  /** Borda points summed over all learners (and over all spectra carrying this label). */
  borda: number;
}

/** What the reference ELSIE ranking returns. */
export interface ElsieReferenceResult {
  /** Labels by Borda count, descending; ties in the reference's order. Labels that never got a point are absent. */
  ranking: ElsieRankEntry[];
  /** Label → Borda count (labels that never got a point are absent, as the reference's inner join drops them). */
  borda: Map<string, number>;
  /** Per input reference (same order): onset(reference) − onset(query), eV, as the reference's `energy_shift`. */
  energyShifts: number[];
  /** Per input reference (same order): false when it shares no energy range with the query (scored 0 by every learner). */
  valid: boolean[];
  /** Per learner (in `learners` order), per input reference: the similarity the learner voted on (0 = no vote). */
  similarities: Float64Array[];
}

/** Options; the defaults are the reference's. */
export interface ElsieReferenceOptions {
  /** Learners to vote with (default: the 33 shipped ones, duplicates included). */
  learners?: readonly Learner[];
}

/**
 * Rank `references` against the `query` spectrum exactly as the reference ELSIE does (veidt
 * `EnsembleRank.borda_rank_vote`): align each pair by absorption onset, interpolate both onto the pair's
 * 200-point overlap grid, and for each learner give 1…n Borda points by ascending similarity.
 *
 * The caller filters references by absorbing element and edge; like the reference, this only drops pairs whose
 * energy ranges do not overlap at all.
 */
export function elsieReferenceRank(
  query: XySpectrum,
  references: readonly LabelledSpectrum[],
  options: ElsieReferenceOptions = {},
): ElsieReferenceResult {
  const learners = options.learners ?? ELSIE_LEARNERS;
  checkSpectrum(query, 'query');
  references.forEach((r, i) => checkSpectrum(r, `reference ${i} (${r.label})`));

  const pairs = references.map((r) => alignPair(query, r));

  // Each distinct chain is computed once per pair and shared by the learners using it (same numbers, less work);
  // pairs are processed one at a time so memory stays O(learners × references).
  const chainKeys = [...new Set(learners.map((l) => l.chain.join(',')))];
  const chainOf = new Map(learners.map((l) => [l.chain.join(','), l.chain] as const));
  const learnerChain = learners.map((l) => chainKeys.indexOf(l.chain.join(',')));
  const measures = learners.map((l) => SIMILARITY_MEASURES[l.metric]);
  const similarities = learners.map(() => new Float64Array(pairs.length));
  const outs: { target: GridSpectrum; reference: GridSpectrum }[] = new Array(chainKeys.length);
  for (let i = 0; i < pairs.length; i++) {
    const p = pairs[i]!;
    // An invalid pair scores 0, which the vote drops.
    if (!p.valid) continue;
    chainKeys.forEach((key, c) => {
      const chain = chainOf.get(key)!;
      outs[c] = { target: applyChain({ x: p.grid, y: p.target }, chain), reference: applyChain({ x: p.grid, y: p.reference }, chain) };
    });
    for (let l = 0; l < learners.length; l++) {
      const o = outs[learnerChain[l]!]!;
      const s = measures[l]!(o.target.y, o.reference.y);
      // A NaN also scores 0 (the reference catches the failing measure and sets 0).
      similarities[l]![i] = Number.isNaN(s) ? 0 : s;
    }
  }
  const perLearnerPoints = similarities.map((sims) => bordaPoints(sims));

  const borda = poolByLabel(
    references.map((r) => r.label),
    perLearnerPoints,
  );
  return {
    ranking: rankLabels(borda),
    borda,
    energyShifts: pairs.map((p) => p.energyShift),
    valid: pairs.map((p) => p.valid),
    similarities,
  };
}

function checkSpectrum(s: XySpectrum, what: string): void {
  const n = s.energies.length;
  if (n !== s.mu.length) throw new RangeError(`${what}: ${n} energies but ${s.mu.length} mu values`);
  if (n < 2) throw new RangeError(`${what}: at least 2 points are needed, got ${n}`);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(s.energies[i]) || !Number.isFinite(s.mu[i])) throw new RangeError(`${what}: non-finite value at point ${i}`);
    if (i > 0 && !(s.energies[i]! > s.energies[i - 1]!)) {
      throw new RangeError(`${what}: energy must increase; found ${s.energies[i]} after ${s.energies[i - 1]} at point ${i}`);
    }
  }
}
