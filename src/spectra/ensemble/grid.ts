// The common relative-energy grid of the ENSEMBLE method and the signal steps that put a spectrum on it:
// half-step alignment, Gaussian broadening, resampling. Pure functions of arrays.

/** Grid step, eV. Shifts are searched in whole steps and refined to a fraction of one (parabola). */
export const GRID_STEP = 0.5;
/** First and last grid energy, eV relative to the half-step. FEFF starts at the Fermi level, 4–16 eV below it. */
export const GRID_MIN = -20;
export const GRID_MAX = 100;
/** Number of points of the reference grid. */
export const GRID_POINTS = Math.round((GRID_MAX - GRID_MIN) / GRID_STEP) + 1;

/** Energy of grid point i, eV relative to the half-step. */
export const gridEnergy = (i: number): number => GRID_MIN + i * GRID_STEP;
/** Index of the grid point at relative energy e (rounded). */
export const gridIndex = (e: number): number => Math.round((e - GRID_MIN) / GRID_STEP);

/**
 * Half-step energy: the first upward crossing of 0.5 by the normalised μ, linearly interpolated
 * (identification-lessons.md §2: robust where the maximum of dμ/dE jumps between a shoulder and the main rise).
 * A 3-point running mean guards against a single noisy point crossing early. NaN when μ never reaches 0.5.
 */
export function halfStepEnergy(energies: ArrayLike<number>, norm: ArrayLike<number>): number {
  const n = energies.length;
  const at = (i: number): number => (norm[Math.max(0, i - 1)]! + norm[i]! + norm[Math.min(n - 1, i + 1)]!) / 3;
  for (let i = 1; i < n; i++) {
    const a = at(i - 1);
    const b = at(i);
    if (a < 0.5 && b >= 0.5) {
      const t = (0.5 - a) / (b - a);
      return energies[i - 1]! + t * (energies[i]! - energies[i - 1]!);
    }
  }
  return Number.NaN;
}

/**
 * μ on a uniform grid `start + i·step` (i < n): linear interpolation; `below` before the first energy
 * (0 for FEFF, whose spectrum starts at the Fermi level: identification-lessons.md §1), the last value after.
 */
export function resampleUniform(
  energies: ArrayLike<number>,
  mu: ArrayLike<number>,
  start: number,
  step: number,
  n: number,
  below: number | null = null,
): Float64Array {
  const out = new Float64Array(n);
  const m = energies.length;
  let j = 0;
  for (let i = 0; i < n; i++) {
    const e = start + i * step;
    if (e < energies[0]!) {
      out[i] = below ?? mu[0]!;
      continue;
    }
    if (e >= energies[m - 1]!) {
      out[i] = mu[m - 1]!;
      continue;
    }
    while (energies[j + 1]! <= e) j++;
    const t = (e - energies[j]!) / (energies[j + 1]! - energies[j]!);
    out[i] = mu[j]! + t * (mu[j + 1]! - mu[j]!);
  }
  return out;
}

/**
 * Convolve a uniformly sampled signal with a unit-area Gaussian of the given FWHM (eV), the ends held
 * constant (identification-lessons.md §4: FEFF needs ~1–2 eV extra broadening to look like experiment).
 */
export function gaussianBroaden(y: ArrayLike<number>, step: number, fwhm: number): Float64Array {
  const n = y.length;
  const out = new Float64Array(n);
  if (!(fwhm > 0)) {
    for (let i = 0; i < n; i++) out[i] = y[i]!;
    return out;
  }
  const sigma = fwhm / (2 * Math.sqrt(2 * Math.LN2)) / step;
  const half = Math.ceil(4 * sigma);
  const kernel = new Float64Array(2 * half + 1);
  let total = 0;
  for (let k = -half; k <= half; k++) total += kernel[k + half] = Math.exp(-0.5 * (k / sigma) ** 2);
  for (let k = 0; k < kernel.length; k++) kernel[k] = kernel[k]! / total;
  for (let i = 0; i < n; i++) {
    let s = 0;
    if (i >= half && i + half < n) {
      // Inside: no clamping (the hot path; Math lookups here cost ~50× under jest's module sandbox).
      for (let k = 0, j = i - half; k < kernel.length; k++, j++) s += kernel[k]! * y[j]!;
    } else {
      for (let k = -half; k <= half; k++) {
        const j = i + k < 0 ? 0 : i + k > n - 1 ? n - 1 : i + k;
        s += kernel[k + half]! * y[j]!;
      }
    }
    out[i] = s;
  }
  return out;
}
