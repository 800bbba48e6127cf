// SYNTHETIC "measurements" of computed (FEFF) spectra: what an experiment adds to a spectrum (a pre-edge region,
// broadening, an energy offset, scale, a sloping background, noise) and how FEFF differs from a measurement of the
// same compound (peak positions stretched about the edge, near-edge peak heights off by tens of per cent;
// ../shared/notes/identification-lessons.md). Used by bench/accuracy.ts (fixed magnitudes) and by the oxidation-state
// prior's training data (training/oxidation-features.ts, ranges that include no change). Pure given `random`.
import { standardNormal } from '../bench/support.ts';

/** A magnitude range [low, high]; `signed` ranges take either sign with equal odds. */
export type Range = readonly [number, number];

const uniform = (r: () => number, [a, b]: Range): number => a + (b - a) * r();
const signed = (r: () => number, range: Range): number => (r() < 0.5 ? -1 : 1) * uniform(r, range);

export interface MeasurementOptions {
  /** Extra Gaussian broadening FWHM, eV. */
  broadening: Range;
  /** Rigid shift magnitude, eV (either sign). */
  shift: Range;
  /** Scale factor range (drawn log-uniformly). */
  scale: Range;
  /** Background offset and slope (per eV), in units of the scale. */
  offset: Range;
  slope: Range;
  /** Gaussian noise, fraction of the edge step (× scale). */
  noise: number;
}

/** bench/accuracy.ts's perturbation: FWHM 1–2 eV, shift ±(1–5) eV, scale 0.2–5, sloping background, 1 % noise. */
export const BENCH_MEASUREMENT: MeasurementOptions = {
  broadening: [1, 2],
  shift: [1, 5],
  scale: [0.2, 5],
  offset: [-0.5, 1.5],
  slope: [-3e-3, 1e-3],
  noise: 0.01,
};

/**
 * A SYNTHETIC measurement of a computed spectrum: 0 below its first energy, a 50-eV pre-edge region, Gaussian
 * broadening, a rigid shift, arbitrary scale, a sloping background (offset and slope), Gaussian noise; 0.5-eV steps.
 */
export function measurementLike(
  energies: readonly number[],
  mu: readonly number[],
  r: () => number,
  options: MeasurementOptions = BENCH_MEASUREMENT,
): { energies: number[]; mu: number[]; shift: number } {
  const step = 0.5;
  const start = energies[0]! - 50;
  const n = Math.floor((energies[energies.length - 1]! - start) / step) + 1;
  const fwhm = uniform(r, options.broadening);
  const sigma = Math.max(fwhm, 1e-6) / 2.3548;
  const shift = signed(r, options.shift);
  const scale = Math.exp(uniform(r, [Math.log(options.scale[0]), Math.log(options.scale[1])]));
  const offset = uniform(r, options.offset) * scale;
  const slope = uniform(r, options.slope) * scale;
  const e0 = energies[0]!;
  const out: number[] = [];
  const es: number[] = [];
  // Broaden by direct Gaussian quadrature on the source (0 below its first energy, held above its last).
  const at = (e: number): number => {
    if (e < energies[0]!) return 0;
    if (e >= energies[energies.length - 1]!) return mu[mu.length - 1]!;
    let j = 0;
    while (energies[j + 1]! <= e) j++;
    return mu[j]! + ((e - energies[j]!) / (energies[j + 1]! - energies[j]!)) * (mu[j + 1]! - mu[j]!);
  };
  for (let i = 0; i < n; i++) {
    const e = start + i * step;
    let s = 0;
    let w = 0;
    for (let k = -16; k <= 16; k++) {
      const x = (k / 4) * sigma;
      const g = Math.exp(-0.5 * (x / sigma) ** 2);
      s += g * at(e + x);
      w += g;
    }
    es.push(e + shift);
    out.push(scale * (s / w) + offset + slope * (e - e0) + options.noise * scale * standardNormal(r));
  }
  return { energies: es, mu: out, shift };
}

export interface GapOptions {
  /** Stretch of the energy axis about the edge, magnitude (either sign): 0.02 = ±2 %. */
  stretch: Range;
  /** Relative change of μ over the first ~20 eV above the edge, magnitude (either sign). */
  amplitude: Range;
}

/** bench/accuracy.ts's gap: stretch 1–3 %, near-edge amplitude 10–30 %. */
export const BENCH_GAP: GapOptions = { stretch: [0.01, 0.03], amplitude: [0.1, 0.3] };

/**
 * SYNTHETIC FEFF-vs-experiment gap, applied to the computed spectrum before {@link measurementLike}: the energy axis
 * is stretched about the edge (E0 = steepest rise), and the first 20 eV above the edge are scaled with a smooth
 * Gaussian window (width 6 eV, centred 8 eV above E0).
 */
export function gapLike(energies: readonly number[], mu: readonly number[], r: () => number, options: GapOptions = BENCH_GAP): { energies: number[]; mu: number[] } {
  let steepest = 1;
  for (let i = 1; i < energies.length - 1; i++) {
    const slope = (mu[i + 1]! - mu[i - 1]!) / (energies[i + 1]! - energies[i - 1]!);
    const best = (mu[steepest + 1]! - mu[steepest - 1]!) / (energies[steepest + 1]! - energies[steepest - 1]!);
    if (slope > best) steepest = i;
  }
  const e0 = energies[steepest]!;
  const stretch = 1 + signed(r, options.stretch);
  const amplitude = signed(r, options.amplitude);
  return {
    energies: energies.map((e) => e0 + (e - e0) * stretch),
    mu: mu.map((m, i) => m * (1 + amplitude * Math.exp(-0.5 * ((energies[i]! - e0 - 8) / 6) ** 2))),
  };
}
