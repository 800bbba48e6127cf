// ENSEMBLE ranking: Pearson correlation of normalised μ over several near-edge windows, each at its best
// rigid shift (identification-lessons.md §2–3), combined by a Borda vote over the windows (§5; ELSIE's
// vote, Zheng et al. npj Comput. Mater. 4, 12 (2018)). Two stages: a low-rank screen over every
// reference at 1-eV shifts, then the exact ensemble at 0.5-eV shifts on the best few hundred.
import { GRID_STEP } from './grid.ts';
import type { PreparedQuery } from './query.ts';
import { centreUnit, type PreparedReferences } from './references.ts';
import { SHIFT_STEPS, WINDOWS } from './windows.ts';

/** References kept by the screen for the exact ensemble (all of them when there are fewer). */
export const SCREEN_KEEP = 300;
/** Candidates, best by main-window correlation, that the window vote is held among. */
export const FINALISTS = 100;
/** Fine shifts searched either side of the screen's best shift (grid steps). */
const REFINE_STEPS = 3;

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
   * Pearson correlation (clamped to [0, 1]) between the query's normalised μ and the reference's broadened,
   * normalised FEFF μ over −5…+60 eV from the half-step, at the best shift: 1 = identical shape.
   */
  score: number;
  /** Borda points summed over the windows (each window gives n−1 … 0 points to its n ranked candidates). */
  votes: number;
  /** Query minus reference energy, eV: half-step difference plus the searched shift (main window). */
  energyShift: number;
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

/** Centred, unit-norm query slices: per window, per shift index 0…2·SHIFT_STEPS. */
function querySlices(query: PreparedQuery): Float32Array[] {
  const nShift = 2 * SHIFT_STEPS + 1;
  return WINDOWS.map((w) => {
    const width = w.end - w.start;
    const out = new Float32Array(nShift * width);
    const row = new Float64Array(width);
    for (let k = 0; k < nShift; k++) {
      for (let j = 0; j < width; j++) row[j] = query.extended[w.start + k + j]!;
      centreUnit(row);
      out.set(row, k * width);
    }
    return out;
  });
}

function dot(a: Float32Array, ao: number, b: Float32Array, bo: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let j = 0;
  for (; j + 3 < n; j += 4) {
    s0 += a[ao + j]! * b[bo + j]!;
    s1 += a[ao + j + 1]! * b[bo + j + 1]!;
    s2 += a[ao + j + 2]! * b[bo + j + 2]!;
    s3 += a[ao + j + 3]! * b[bo + j + 3]!;
  }
  for (; j < n; j++) s0 += a[ao + j]! * b[bo + j]!;
  return s0 + s1 + s2 + s3;
}

/** The k-th largest value of `values` (k ≥ 1), by quickselect on a copy. */
function kthLargest(values: Float32Array, k: number): number {
  const a = Float32Array.from(values);
  let lo = 0;
  let hi = a.length - 1;
  const target = k - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! > pivot) i++;
      while (a[j]! < pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else break;
  }
  return a[target]!;
}

/**
 * Rank the prepared references against a prepared query, best first. Deterministic. See
 * {@link EnsembleMatch} for what score, votes and energyShift mean.
 */
export function rankEnsemble(query: PreparedQuery, refs: PreparedReferences, options: RankOptions = {}): EnsembleResult {
  const top = options.top ?? 10;
  const requested = options.candidates ? Uint32Array.from(options.candidates) : Uint32Array.from({ length: refs.count }, (_, i) => i);
  for (const i of requested) if (i >= refs.count) throw new Error(`candidate ${i} is not a reference index (there are ${refs.count})`);
  const all = requested.filter((i) => refs.usable[i] === 1);
  const nShift = 2 * SHIFT_STEPS + 1;
  const slices = querySlices(query);
  const keep = options.screenKeep ?? SCREEN_KEEP;

  // Stage 1: screen by the projected main-window correlation at 1-eV shifts.
  let finalists = all;
  let centre: Int32Array | null = null;
  if (!options.exhaustive && all.length > keep) {
    const p = refs.windows[0]!.width;
    const rank = refs.rank;
    const coarse: number[] = [];
    for (let k = SHIFT_STEPS % 2; k < nShift; k += 2) coarse.push(k);
    const qp = new Float32Array(coarse.length * rank);
    coarse.forEach((k, c) => {
      for (let r = 0; r < rank; r++) qp[c * rank + r] = dot(refs.basis, r * p, slices[0]!, k * p, p);
    });
    const screen = new Float32Array(all.length);
    const bestK = new Int32Array(all.length);
    for (let n = 0; n < all.length; n++) {
      const off = all[n]! * rank;
      let best = -Infinity;
      let bk = 0;
      for (let c = 0; c < coarse.length; c++) {
        const s = dot(refs.projected, off, qp, c * rank, rank);
        if (s > best) {
          best = s;
          bk = coarse[c]!;
        }
      }
      screen[n] = best;
      bestK[n] = bk;
    }
    const threshold = kthLargest(screen, keep);
    const chosen: number[] = [];
    const chosenK: number[] = [];
    for (let n = 0; n < all.length && chosen.length < keep; n++) {
      if (screen[n]! >= threshold) {
        chosen.push(all[n]!);
        chosenK.push(bestK[n]!);
      }
    }
    finalists = Uint32Array.from(chosen);
    centre = Int32Array.from(chosenK);
  }

  // Stage 2: exact main-window correlation at 0.5-eV shifts (around the screen's best shift, or all shifts).
  const nPre = finalists.length;
  const main0 = refs.windows[0]!;
  const preScore = new Float64Array(nPre);
  const preK = new Int32Array(nPre);
  for (let n = 0; n < nPre; n++) {
    const i = finalists[n]!;
    const k0 = centre ? Math.max(0, centre[n]! - REFINE_STEPS) : 0;
    const k1 = centre ? Math.min(nShift - 1, centre[n]! + REFINE_STEPS) : nShift - 1;
    let best = -Infinity;
    let bk = k0;
    for (let k = k0; k <= k1; k++) {
      const s = dot(main0.rows, i * main0.width, slices[0]!, k * main0.width, main0.width);
      if (s > best) {
        best = s;
        bk = k;
      }
    }
    preScore[n] = best;
    preK[n] = bk;
  }
  // The vote is held among the FINALISTS best by that correlation, so the screen changes nothing as long as
  // it keeps them (checked against `exhaustive` in bench/accuracy.ts and the unit tests).
  const byScore = Array.from({ length: nPre }, (_, n) => n).sort((a, b) => preScore[b]! - preScore[a]! || finalists[a]! - finalists[b]!);
  const picked = byScore.slice(0, options.finalists ?? FINALISTS);
  const m = picked.length;
  const corr = WINDOWS.map(() => new Float64Array(m));
  const shift = new Float64Array(m);
  const chosen = new Uint32Array(m);
  for (let n = 0; n < m; n++) {
    const i = finalists[picked[n]!]!;
    chosen[n] = i;
    const kc = preK[picked[n]!]!;
    corr[0]![n] = preScore[picked[n]!]!;
    // Sub-step shift: vertex of the parabola through the best main-window shift and its neighbours.
    let delta = 0;
    if (kc > 0 && kc < nShift - 1) {
      const a = dot(main0.rows, i * main0.width, slices[0]!, (kc - 1) * main0.width, main0.width);
      const b = corr[0]![n]!;
      const c = dot(main0.rows, i * main0.width, slices[0]!, (kc + 1) * main0.width, main0.width);
      const den = a - 2 * b + c;
      if (den < 0) delta = Math.max(-0.5, Math.min(0.5, (0.5 * (a - c)) / den));
    }
    shift[n] = (kc - SHIFT_STEPS + delta) * GRID_STEP;
    // Other windows: best shift within ±REFINE_STEPS of the main window's.
    for (let w = 1; w < WINDOWS.length; w++) {
      const win = refs.windows[w]!;
      let best = -Infinity;
      for (let k = Math.max(0, kc - REFINE_STEPS); k <= Math.min(nShift - 1, kc + REFINE_STEPS); k++) {
        const s = dot(win.rows, i * win.width, slices[w]!, k * win.width, win.width);
        if (s > best) best = s;
      }
      corr[w]![n] = best;
    }
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
    votes: votes[n]!,
    energyShift: query.halfStep - refs.halfStep[chosen[n]!]! + shift[n]!,
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
