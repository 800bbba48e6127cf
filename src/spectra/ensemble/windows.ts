// The near-edge windows the ENSEMBLE compares on, and the shift search range. Relative energies in eV from
// the half-step. FEFF-anchored near-edge windows with Pearson on μ (identification-lessons.md §3), several
// windows combined by rank (§5). Benchmarked in bench/accuracy.ts.
import { GRID_STEP, gridIndex } from './grid.ts';

/** A comparison window: grid indices [start, end) of the reference grid. */
export interface Window {
  name: string;
  /** eV relative to the half-step. */
  from: number;
  to: number;
  start: number;
  end: number;
}

function window(name: string, from: number, to: number): Window {
  return { name, from, to, start: gridIndex(from), end: gridIndex(to) + 1 };
}

/** Window 0 is the main one: its correlation is the match `score` and drives the screen. */
export const WINDOWS: readonly Window[] = [
  window('near-edge −5…+60 eV', -5, 60),
  window('edge −10…+25 eV', -10, 25),
  window('resonances +5…+45 eV', 5, 45),
  window('long −5…+90 eV', -5, 90),
];

/** Largest rigid shift searched after half-step alignment, eV (lessons §2: residual FEFF–experiment offsets). */
export const SHIFT_MAX = 8;
/** Shift search range in grid steps. */
export const SHIFT_STEPS = Math.round(SHIFT_MAX / GRID_STEP);

/**
 * Energy stretches searched about the half-step for a measured query (a computed one has no FEFF-vs-experiment gap:
 * it is compared unstretched) (lessons §4: FEFF's peaks sit a few per cent too close to or too far
 * from the edge; a ±3 % stretch search moves right answers up). A query is compared as μ(halfStep + s·e) for each s.
 * Measured (bench/accuracy.ts, against no stretch): synthetic self-retrieval top-1 91.7 → 93.9 %; with the synthetic
 * FEFF-vs-experiment gap top-1 14.1 → 15.2 %, top-5 33.3 → 34.1 %; about 1 ms more per query. Three stretches (0.97, 1,
 * 1.03) keep little of it: top-1 91.8 %, with the gap 14.3 %.
 */
export const STRETCHES: readonly number[] = [0.97, 0.985, 1, 1.015, 1.03];
