/**
 * Alignment and the per-pair comparison grid of the reference ELSIE (veidt/elsie/spectra_similarity.py).
 *
 * The target (the unknown) is never moved; the reference is shifted so that both "onsets" coincide, then
 * both are interpolated linearly onto a 200-point grid spanning their overlap. Each pair gets its own grid.
 *
 * Reference flaws reproduced on purpose (ELSIE_REFERENCE is the yardstick, see ../shared/notes/elsie.md §1 from the repository root):
 * - alignment is onset-only: the first point above 6 % of the spectrum's own maximum, with no normalisation;
 * - the lower-end padding is always 49 points (a `linspace(..., retstep=…)` quirk), and only one spectrum is padded;
 * - no stretch, no amplitude fit, no edge-step normalisation.
 */
import { arrayMax, interp1dLinear, linspace, type NumericArray } from './numeric.ts';

/** A spectrum as the reference takes it: energies (increasing, eV) and μ, same length. */
export interface XySpectrum {
  /** Energies in eV, increasing. */
  energies: NumericArray;
  /** Absorption μ(E), one per energy. */
  mu: NumericArray;
}

/** One target–reference pair on its own grid, ready for the preprocessing chains. */
export interface AlignedPair {
  /** False when the raw energy ranges do not overlap (or the shifted overlap is empty): the pair scores 0. */
  valid: boolean;
  /** onset(reference) − onset(target), eV: the reference's energies were reduced by this much. */
  energyShift: number;
  /** The pair's comparison grid (eV, target frame), `interpPoints` long; empty when invalid. */
  grid: Float64Array;
  /** Target μ on the grid. */
  target: Float64Array;
  /** Shifted reference μ on the grid. */
  reference: Float64Array;
}

/** Onset threshold, a fraction of the spectrum's maximum (`_spectrum_shift(intensity_threshold=0.06)`). */
export const ONSET_THRESHOLD = 0.06;
/** Points of the per-pair grid (`SpectraSimilarity(interp_points=200)`). */
export const INTERP_POINTS = 200;
/** Points of `np.linspace`'s default, of which the padding keeps all but the last (`spectra_lower_extend`). */
const PAD_LINSPACE_POINTS = 50;

/** Raw-range overlap test: false only when the ranges are disjoint (veidt `SpectraSimilarity._energy_validation`). */
export function energiesOverlap(a: NumericArray, b: NumericArray): boolean {
  const min1 = a[0]!, max1 = a[a.length - 1]!, min2 = b[0]!, max2 = b[b.length - 1]!;
  return !(min2 > max1 || min1 > max2);
}

/** Prepend 49 points from `emin` up to the first energy, μ held at μ[0] (veidt `spectra_lower_extend`, one side only). */
export function padLowerEnd(s: XySpectrum, emin: number): { energies: Float64Array; mu: Float64Array } {
  const n = s.energies.length;
  const first = s.energies[0]!;
  if (!(first > emin)) return { energies: Float64Array.from(s.energies), mu: Float64Array.from(s.mu) };
  const pad = linspace(emin, first, PAD_LINSPACE_POINTS); // the quirk: always 50 points, last one dropped
  const k = PAD_LINSPACE_POINTS - 1;
  const energies = new Float64Array(k + n);
  const mu = new Float64Array(k + n);
  const y0 = s.mu[0]!;
  for (let i = 0; i < k; i++) {
    energies[i] = pad[i]!;
    mu[i] = y0;
  }
  for (let i = 0; i < n; i++) {
    energies[k + i] = s.energies[i]!;
    mu[k + i] = s.mu[i]!;
  }
  return { energies, mu };
}

/** First energy whose μ exceeds `threshold`·max μ, or the first energy if none does (veidt `absorption_onset_shift`, `np.argmax`). */
export function absorptionOnset(energies: NumericArray, mu: NumericArray, threshold = ONSET_THRESHOLD): number {
  const thr = arrayMax(mu) * threshold;
  for (let i = 0; i < mu.length; i++) if (mu[i]! > thr) return energies[i]!;
  return energies[0]!;
}

/**
 * Align a reference onto the target and interpolate both onto their overlap grid
 * (veidt `SpectraSimilarity._spectrum_shift('threshold_shift', 0.06)` then `get_shifted_similarity(energy_variation=None)`).
 */
export function alignPair(target: XySpectrum, reference: XySpectrum, interpPoints = INTERP_POINTS): AlignedPair {
  const empty = new Float64Array(0);
  const valid = energiesOverlap(target.energies, reference.energies);
  // Pad whichever starts later; the target first (`if … elif`), so only one is ever padded.
  const emin = Math.min(target.energies[0]!, reference.energies[0]!);
  let t: { energies: NumericArray; mu: NumericArray } = target;
  let r: { energies: NumericArray; mu: NumericArray } = reference;
  if (target.energies[0]! > emin) t = padLowerEnd(target, emin);
  else if (reference.energies[0]! > emin) r = padLowerEnd(reference, emin);

  const energyShift = absorptionOnset(r.energies, r.mu) - absorptionOnset(t.energies, t.mu);
  if (!valid) return { valid, energyShift, grid: empty, target: empty, reference: empty };

  const rx = new Float64Array(r.energies.length);
  for (let i = 0; i < rx.length; i++) rx[i] = r.energies[i]! - energyShift;
  const lo = Math.max(t.energies[0]!, rx[0]!);
  const hi = Math.min(t.energies[t.energies.length - 1]!, rx[rx.length - 1]!);
  // The reference would raise inside interp1d here (no overlap after the shift); the notes count any failed pair as 0.
  if (!(hi > lo)) return { valid: false, energyShift, grid: empty, target: empty, reference: empty };
  const grid = linspace(lo, hi, interpPoints);
  return {
    valid: true,
    energyShift,
    grid,
    target: interp1dLinear(t.energies, t.mu, grid),
    reference: interp1dLinear(rx, r.mu, grid),
  };
}
