// ENSEMBLE ranking: Pearson correlation of normalised μ over several near-edge windows, each at its best
// rigid shift (identification-lessons.md §2–3), combined by a Borda vote over the windows (§5; ELSIE's
// vote, Zheng et al. npj Comput. Mater. 4, 12 (2018)), searching a small energy stretch too (§4). Two stages: a
// low-rank screen over every reference at 1-eV shifts, then the exact ensemble at 0.5-eV shifts and every stretch
// on the best few hundred. The inner products run as ONNX graphs (onnx-graphs.ts); the rest is plain TypeScript.
import { GRID_MIN, GRID_POINTS, GRID_STEP } from './grid.ts';
import type { PreparedQuery } from './query.ts';
import type { PreparedReferences } from './references.ts';
import { correlateRows, screenReferences, type SliceColumns } from './onnx-graphs.ts';
import { SHIFT_STEPS, WINDOWS } from './windows.ts';

/** References kept by the screen for the exact ensemble (all of them when there are fewer). */
export const SCREEN_KEEP = 500;
/** Candidates, best by main-window correlation, that the window vote is held among. */
export const FINALISTS = 100;
/** Fine shifts searched either side of the screen's best shift (grid steps). */
const REFINE_STEPS = 3;

/**
 * How a measured reference's correlation with a measured query is put on the scale of computed references (issue 10,
 * item 3): its distance 1 − r is divided by this factor, r' = 1 − (1 − r) / MEASURED_DISTANCE_SCALE. Measured against
 * measured, the same compound correlates far closer to 1 than FEFF of the right structure does (FEFF's own peak
 * positions and widths), so raw correlations would rank any measured reference of a similar compound above every
 * FEFF one. The factor stands for the ratio of the median distances of right matches of the two kinds on real
 * measurements (bench/accuracy.ts, "score scales"): measured vs measured 0.0018 (141 queries), FEFF vs measured 0.013 for
 * the one compound with both kinds here (CuO), ratio 0.14; identification-lessons.md's FEFF range (0.955–0.98) gives
 * 0.04–0.09. One compound cannot fit it: 0.25 keeps the abstention floor (0.98 on this scale) at a raw 0.995 for measured
 * references. Computed queries, and computed references, are left as they are.
 */
export const MEASURED_DISTANCE_SCALE = 0.25;

/** A measured reference's correlation with a measured query on the common scale (see {@link MEASURED_DISTANCE_SCALE}). */
export const onCommonScale = (r: number): number => 1 - (1 - r) / MEASURED_DISTANCE_SCALE;
/** The inverse of {@link onCommonScale}: the correlation as computed. */
const fromCommonScale = (r: number): number => 1 - (1 - r) * MEASURED_DISTANCE_SCALE;

/** Puts the rows (one per reference in `indices`, `nColumn` values each) of the references `sameKind` picks on the common scale, in place. */
function rowsOnCommonScale(values: Float32Array | Float64Array, indices: ArrayLike<number>, nColumn: number, sameKind: (i: number) => boolean): void {
  for (let n = 0; n < indices.length; n++) {
    if (!sameKind(indices[n]!)) continue;
    for (let c = n * nColumn; c < (n + 1) * nColumn; c++) values[c] = onCommonScale(values[c]!);
  }
}

export interface RankOptions {
  /** Matches to return (default 10). */
  top?: number;
  /** Restrict to these reference indices. */
  candidates?: Uint32Array | readonly number[];
  /** Skip the screen: exact ensemble over every candidate and every shift (for checks; slower). */
  exhaustive?: boolean;
  /** References kept by the screen (default {@link SCREEN_KEEP}). */
  screenKeep?: number;
  /** Candidates the window vote is held among (default {@link FINALISTS}; keep ≤ screenKeep). */
  finalists?: number;
}

export interface EnsembleMatch {
  /** Index into the prepared references. */
  index: number;
  /**
   * Pearson correlation (clamped to [0, 1]) between the query's normalised μ and the reference's normalised μ (FEFF:
   * broadened) over −5…+60 eV from the half-step, at the best shift and stretch, on the common scale: a measured
   * reference's correlation with a measured query is put on the computed references' scale ({@link onCommonScale}).
   */
  score: number;
  /** The same correlation as measured, before the common scale (equal to `score` for computed references). */
  correlation: number;
  /** Borda points summed over the windows (each window gives n−1 … 0 points to its n ranked candidates). */
  votes: number;
  /** Query minus reference energy, eV: half-step difference plus the searched shift (main window). */
  energyShift: number;
  /** The stretch of the query's `stretches` that matched best (main window): the query's features at s·e for the reference's at e. */
  energyScale: number;
  /** Shift found by the search on top of the half-step alignment, eV (see {@link matchCurve}). */
  searchedShift: number;
}

export interface EnsembleResult {
  matches: EnsembleMatch[];
  /** Score of the first match. */
  bestScore: number;
  /** bestScore minus the best score of any other candidate (negative when a lower-voted one scored higher). */
  margin: number;
  /** References the query was compared with (after `candidates`). */
  candidatesConsidered: number;
  /** References that reached the exact ensemble. */
  finalists: number;
}

/**
 * The query's slices of each window, one per (stretch t, shift k), column c = t·nShift + k, as the correlate graph
 * takes them: raw values and 1/‖centred slice‖ (running sums give each slice's mean and norm in one pass).
 */
function querySlices(query: PreparedQuery): SliceColumns[] {
  const nShift = 2 * SHIFT_STEPS + 1;
  const count = query.stretches.length * nShift;
  return WINDOWS.map((w) => {
    const width = w.end - w.start;
    const values = new Float32Array(width * count);
    const scale = new Float32Array(count);
    query.extended.forEach((extended, t) => {
      const span = nShift - 1 + width;
      const sum = new Float64Array(span + 1);
      const squares = new Float64Array(span + 1);
      for (let i = 0; i < span; i++) {
        const v = extended[w.start + i]!;
        sum[i + 1] = sum[i]! + v;
        squares[i + 1] = squares[i]! + v * v;
      }
      for (let k = 0; k < nShift; k++) {
        const c = t * nShift + k;
        const mean = (sum[k + width]! - sum[k]!) / width;
        const ss = squares[k + width]! - squares[k]! - width * mean * mean;
        scale[c] = ss > 1e-24 ? 1 / Math.sqrt(ss) : 0;
        for (let j = 0; j < width; j++) values[j * count + c] = extended[w.start + k + j]!;
      }
    });
    return { width, count, values, scale };
  });
}

/**
 * Rank the prepared references against a prepared query, best first. Deterministic. See
 * {@link EnsembleMatch} for what score, votes and energyShift mean.
 */
export async function rankEnsemble(query: PreparedQuery, refs: PreparedReferences, options: RankOptions = {}): Promise<EnsembleResult> {
  const top = options.top ?? 10;
  let all = refs.usableIndices;
  if (options.candidates) {
    const requested = Uint32Array.from(options.candidates);
    for (const i of requested) if (i >= refs.count) throw new Error(`candidate ${i} is not a reference index (there are ${refs.count})`);
    all = requested.filter((i) => refs.usable[i] === 1);
  }
  const nShift = 2 * SHIFT_STEPS + 1;
  const nColumn = query.stretches.length * nShift;
  const slices = querySlices(query);
  const keep = options.screenKeep ?? SCREEN_KEEP;

  // Stage 1: screen by the projected main-window correlation at 1-eV shifts (run by ONNX Runtime: onnx-graphs.ts).
  let finalists: Uint32Array = all;
  let centre: Int32Array | null = null;
  if (!options.exhaustive && all.length > keep) {
    // Unstretched only: the stretches change a reference's score by less than the screen keeps room for.
    const unstretched = query.stretches.indexOf(1);
    const coarse: number[] = [];
    for (let k = SHIFT_STEPS % 2; k < nShift; k += 2) coarse.push(unstretched * nShift + k);
    let bias = refs.screenBias;
    if (options.candidates) {
      bias = new Float32Array(refs.count).fill(-Infinity);
      for (const i of all) bias[i] = 0;
    }
    const hits = await screenReferences(refs.projected, refs.count, refs.rank, refs.basis, slices[0]!, coarse, bias, keep);
    finalists = hits.indices;
    centre = Int32Array.from(hits.shiftIndices, (c) => coarse[c]! % nShift);
  }

  // Stage 2: exact main-window correlation at 0.5-eV shifts, every stretch (shifts around the screen's best one,
  // or all of them).
  const nPre = finalists.length;
  const main0 = refs.windows[0]!;
  const mainCorr = await correlateRows(main0.rows, finalists, slices[0]!);
  // Measured against measured: no stretch (it bridges FEFF's peak positions), and the common scale.
  const unstretchedIndex = query.stretches.indexOf(1);
  const sameKind = (i: number) => !query.computed && refs.measured[i] === 1;
  rowsOnCommonScale(mainCorr, finalists, nColumn, sameKind);
  const preScore = new Float64Array(nPre);
  const preColumn = new Int32Array(nPre);
  for (let n = 0; n < nPre; n++) {
    const k0 = centre ? Math.max(0, centre[n]! - REFINE_STEPS) : 0;
    const k1 = centre ? Math.min(nShift - 1, centre[n]! + REFINE_STEPS) : nShift - 1;
    let best = -Infinity;
    let bc = k0;
    const measuredRef = sameKind(finalists[n]!);
    for (let t = 0; t < query.stretches.length; t++) {
      if (measuredRef && t !== unstretchedIndex) continue;
      for (let k = k0; k <= k1; k++) {
        const s = mainCorr[n * nColumn + t * nShift + k]!;
        if (s > best) {
          best = s;
          bc = t * nShift + k;
        }
      }
    }
    preScore[n] = best;
    preColumn[n] = bc;
  }
  // The vote is held among the FINALISTS best by that correlation, so the screen changes nothing as long as
  // it keeps them (checked against `exhaustive` in bench/accuracy.ts and the unit tests).
  const byScore = Array.from({ length: nPre }, (_, n) => n).sort((a, b) => preScore[b]! - preScore[a]! || finalists[a]! - finalists[b]!);
  const picked = byScore.slice(0, options.finalists ?? FINALISTS);
  const m = picked.length;
  const chosen = Uint32Array.from(picked, (n) => finalists[n]!);
  const others = await Promise.all(
    refs.windows.slice(1).map((win, w) => correlateRows(win.rows, chosen, slices[w + 1]!)),
  );
  for (const values of others) rowsOnCommonScale(values, chosen, nColumn, sameKind);
  const corr = WINDOWS.map(() => new Float64Array(m));
  const shift = new Float64Array(m);
  const stretch = new Float64Array(m);
  for (let n = 0; n < m; n++) {
    const column = preColumn[picked[n]!]!;
    const t = Math.floor(column / nShift);
    const kc = column % nShift;
    corr[0]![n] = preScore[picked[n]!]!;
    // Sub-step shift: vertex of the parabola through the best main-window shift and its neighbours.
    let delta = 0;
    if (kc > 0 && kc < nShift - 1) {
      const at = picked[n]! * nColumn + column;
      const a = mainCorr[at - 1]!;
      const b = corr[0]![n]!;
      const c = mainCorr[at + 1]!;
      const den = a - 2 * b + c;
      if (den < 0) delta = Math.max(-0.5, Math.min(0.5, (0.5 * (a - c)) / den));
    }
    // Slice k of stretch s starts s·(k − SHIFT_STEPS) grid steps from the unshifted one.
    shift[n] = query.stretches[t]! * (kc - SHIFT_STEPS + delta) * GRID_STEP;
    stretch[n] = query.stretches[t]!;
    // Other windows: the main window's stretch, best shift within ±REFINE_STEPS of its shift.
    others.forEach((values, w) => {
      let best = -Infinity;
      for (let k = Math.max(0, kc - REFINE_STEPS); k <= Math.min(nShift - 1, kc + REFINE_STEPS); k++) best = Math.max(best, values[n * nColumn + t * nShift + k]!);
      corr[w + 1]![n] = best;
    });
  }

  // Borda vote over the windows: in each, the best of m candidates gets m−1 points, the worst 0.
  const votes = new Float64Array(m);
  const order = new Uint32Array(m);
  for (const c of corr) {
    for (let n = 0; n < m; n++) order[n] = n;
    order.sort((a, b) => c[b]! - c[a]! || a - b);
    for (let r = 0; r < m; r++) votes[order[r]!] = votes[order[r]!]! + (m - 1 - r);
  }
  const main = corr[0]!;
  const ranked = Array.from({ length: m }, (_, n) => n).sort((a, b) => votes[b]! - votes[a]! || main[b]! - main[a]! || a - b);
  const matches = ranked.slice(0, top).map((n) => ({
    index: chosen[n]!,
    score: Math.max(0, Math.min(1, main[n]!)),
    correlation: Math.max(0, Math.min(1, sameKind(chosen[n]!) ? fromCommonScale(main[n]!) : main[n]!)),
    votes: votes[n]!,
    energyShift: query.halfStep - refs.halfStep[chosen[n]!]! + shift[n]!,
    energyScale: stretch[n]!,
    searchedShift: shift[n]!,
  }));
  const first = ranked[0];
  let bestScore = 0;
  let margin = 0;
  if (first !== undefined) {
    bestScore = Math.max(0, Math.min(1, main[first]!));
    let other = -Infinity;
    for (let n = 0; n < m; n++) if (n !== first && main[n]! > other) other = main[n]!;
    margin = other === -Infinity ? bestScore : bestScore - Math.max(0, Math.min(1, other));
  }
  return { matches, bestScore, margin, candidatesConsidered: all.length, finalists: m };
}

/**
 * A match's reference curve exactly as it was compared, on the query's energy axis: the reference's normalised (FEFF:
 * broadened) μ on the common grid, grid point e (eV from the reference's half-step) placed at
 * queryHalfStep + energyScale·e + searchedShift — the query's features at s·e for the reference's at e, shifted.
 * Pearson correlation ignores offset and scale, so both curves sit on the normalised scale (0 before, 1 after the edge).
 */
export function matchCurve(
  query: Pick<PreparedQuery, 'halfStep'>,
  refs: Pick<PreparedReferences, 'grid' | 'halfStep'>,
  match: Pick<EnsembleMatch, 'index' | 'energyScale' | 'searchedShift'>,
): { energies: number[]; mu: number[]; referenceHalfStep: number } {
  const energies: number[] = [];
  const mu: number[] = [];
  for (let i = 0; i < GRID_POINTS; i++) {
    energies.push(query.halfStep + match.energyScale * (GRID_MIN + i * GRID_STEP) + match.searchedShift);
    mu.push(refs.grid[match.index * GRID_POINTS + i]!);
  }
  return { energies, mu, referenceHalfStep: refs.halfStep[match.index]! };
}
