// Small numerical helpers for spectra, written to give the same numbers as the NumPy / Larch calls they
// replace (np.gradient, np.interp, np.linspace, np.polyfit, Python's round, larch.math index_of,
// index_nearest, smooth, find_energy_step), so that ports of Larch code agree with Larch to rounding.
// Pure functions of arrays: no I/O.
import { convolve } from './fft.ts';

/** Python's `round(x)`: to the nearest integer, halves to the even neighbour (banker's rounding). */
export function pyRound(x: number): number {
  const r = Math.round(x);
  // Math.round sends halves up; Python sends them to the even integer.
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** `np.gradient(y)` with unit spacing: one-sided differences at the ends, central (halved) inside. */
export function gradient(y: ArrayLike<number>): Float64Array {
  const n = y.length;
  const g = new Float64Array(n);
  if (n < 2) return g;
  g[0] = y[1]! - y[0]!;
  g[n - 1] = y[n - 1]! - y[n - 2]!;
  for (let i = 1; i < n - 1; i++) g[i] = (y[i + 1]! - y[i - 1]!) / 2;
  return g;
}

/** dy/dx as Larch computes it: `np.gradient(y) / np.gradient(x)` (larch/xafs/pre_edge.py). */
export function derivative(x: ArrayLike<number>, y: ArrayLike<number>): Float64Array {
  const gy = gradient(y);
  const gx = gradient(x);
  for (let i = 0; i < gy.length; i++) gy[i] = gy[i]! / gx[i]!;
  return gy;
}

/** `np.interp(xNew, x, y)`: linear interpolation on increasing `x`, clamped to the end values outside it. */
export function interp(xNew: ArrayLike<number>, x: ArrayLike<number>, y: ArrayLike<number>): Float64Array {
  const n = x.length;
  const out = new Float64Array(xNew.length);
  let j = 0;
  for (let i = 0; i < xNew.length; i++) {
    const v = xNew[i]!;
    if (v <= x[0]!) {
      out[i] = y[0]!;
      continue;
    }
    if (v >= x[n - 1]!) {
      out[i] = y[n - 1]!;
      continue;
    }
    // Inputs are usually increasing too; restart the search only when they are not.
    if (j > 0 && x[j]! > v) j = 0;
    while (x[j + 1]! <= v) j++;
    const slope = (y[j + 1]! - y[j]!) / (x[j + 1]! - x[j]!);
    out[i] = slope * (v - x[j]!) + y[j]!;
  }
  return out;
}

/** `np.linspace(start, stop, n)`: `start + i·step`, with the last point set to `stop` exactly. */
export function linspace(start: number, stop: number, n: number): Float64Array {
  const out = new Float64Array(n);
  if (n === 1) {
    out[0] = start;
    return out;
  }
  const step = (stop - start) / (n - 1);
  for (let i = 0; i < n; i++) out[i] = i * step + start;
  out[n - 1] = stop;
  return out;
}

/** Larch `index_of(array, value)`: the last index with `array[i] <= value`, 0 when value is below the array. */
export function indexOf(array: ArrayLike<number>, value: number): number {
  let best = 0;
  for (let i = 0; i < array.length; i++) if (array[i]! <= value) best = i;
  return best;
}

/** Larch `index_nearest(array, value)`: the first index of the smallest |array[i] − value|. */
export function indexNearest(array: ArrayLike<number>, value: number): number {
  let best = 0;
  let bestDistance = Infinity;
  for (let i = 0; i < array.length; i++) {
    const d = Math.abs(array[i]! - value);
    if (d < bestDistance) {
      best = i;
      bestDistance = d;
    }
  }
  return best;
}

/**
 * Larch `find_energy_step(energy, frac_ignore=0.01, nave=10)` for increasing energies: sort the steps, drop
 * the smallest `frac_ignore` of them (glitches, repeated points), and average the next `nave`.
 */
export function findEnergyStep(energies: ArrayLike<number>, fracIgnore = 0.01, nave = 10): number {
  const steps: number[] = [];
  for (let i = 1; i < energies.length; i++) steps.push(energies[i]! - energies[i - 1]!);
  steps.sort((a, b) => a - b);
  const nskip = Math.trunc(fracIgnore * energies.length);
  const used = steps.slice(nskip, nskip + nave);
  return used.reduce((s, v) => s + v, 0) / used.length;
}

/** Lorentzian of unit area, `1/(π σ (1 + ((x − center)/σ)²))` (larch.math.lineshapes.lorentzian). */
export function lorentzian(x: number, center: number, sigma: number): number {
  const s = Math.max(sigma, 1e-15);
  const t = (x - center) / s;
  return 1 / (1 + t * t) / (Math.PI * s);
}

/**
 * Larch `smooth(x, y, sigma, xstep, npad=5, form='lorentzian')` (larch/math/utils.py): resample y(x) on a
 * uniform grid of step `xstep` padded by `npad` steps, mirror it at both ends, convolve with a unit-area
 * Lorentzian of half-width `sigma` (same units as x), and interpolate back onto x.
 */
export function smooth(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  sigma: number,
  xstep?: number,
  npad = 5,
): Float64Array {
  const n = x.length;
  let step = xstep;
  if (step === undefined) {
    step = Infinity;
    for (let i = 1; i < n; i++) step = Math.min(step, x[i]! - x[i - 1]!);
  }
  if (!(step >= 1e-12)) throw new Error('cannot smooth: x must be strictly increasing');
  const xmin = step * Math.trunc((x[0]! - npad * step) / step);
  const xmax = step * Math.trunc((x[n - 1]! + npad * step) / step);
  const npts = Math.min(1 + Math.trunc(Math.abs(xmax - xmin + step * 0.1) / step), 50 * n);
  const x0 = linspace(xmin, xmax, npts);
  const y0 = interp(x0, x, y);

  // Window on 0 … 2·npts−1 centred at npts, σ in grid steps, scaled to unit sum.
  const width = 2 * npts;
  const win = new Float64Array(width);
  let total = 0;
  for (let m = 0; m < width; m++) total += win[m] = lorentzian(m, npts, sigma / step);
  for (let m = 0; m < width; m++) win[m] = win[m]! / total;

  // y1 = [y0[npts-1] … y0[1], y0, y0[npts-1] … y0[0]] (NumPy's y0[npts:0:-1], y0, y0[-1:-npts-1:-1]).
  const y1 = new Float64Array(3 * npts - 1);
  for (let i = 0; i < npts - 1; i++) y1[i] = y0[npts - 1 - i]!;
  y1.set(y0, npts - 1);
  for (let i = 0; i < npts; i++) y1[2 * npts - 1 + i] = y0[npts - 1 - i]!;

  // np.convolve(win, y1, mode='valid'): npts values, y2[k] = Σ_m win[m]·y1[k + width − 1 − m] (by FFT: same sums).
  const y2 = convolve(win, y1).subarray(width - 1, width - 1 + npts);
  return interp(x, x0, y2);
}

/** A least-squares polynomial, kept in a centred and scaled variable so that evaluating it loses no digits. */
export interface Polynomial {
  /** Degree of the fit. */
  degree: number;
  /** Coefficients in powers of the original x, lowest first: p(x) = Σ c_k x^k (Larch's `norm_coefs` order). */
  coefficients: number[];
  /** p(x), evaluated in the centred variable (stable even when x ≈ 10⁴ and the degree is 2 or more). */
  evaluate(x: number): number;
}

/**
 * Least-squares polynomial fit of degree `degree` to (x, y), as `np.polyfit` computes it: the
 * Vandermonde system is solved by Householder QR in t = (x − mean)/halfRange, which is well conditioned
 * where NumPy's column scaling in raw x is not; the fitted values agree with NumPy's to rounding.
 */
export function polyfit(x: ArrayLike<number>, y: ArrayLike<number>, degree: number): Polynomial {
  const n = x.length;
  const cols = degree + 1;
  if (n < cols) throw new Error(`polyfit: degree ${degree} needs at least ${cols} points, got ${n}`);
  let lo = Infinity;
  let hi = -Infinity;
  let mean = 0;
  for (let i = 0; i < n; i++) {
    lo = Math.min(lo, x[i]!);
    hi = Math.max(hi, x[i]!);
    mean += x[i]!;
  }
  mean /= n;
  const scale = hi > lo ? (hi - lo) / 2 : 1;

  // A (n × cols, column-major) and b; Householder QR in place, then back substitution.
  const a = new Float64Array(n * cols);
  const b = Float64Array.from({ length: n }, (_, i) => y[i]!);
  for (let i = 0; i < n; i++) {
    const t = (x[i]! - mean) / scale;
    let p = 1;
    for (let j = 0; j < cols; j++) {
      a[j * n + i] = p;
      p *= t;
    }
  }
  for (let j = 0; j < cols; j++) {
    let norm = 0;
    for (let i = j; i < n; i++) norm += a[j * n + i]! ** 2;
    norm = Math.sqrt(norm);
    if (norm === 0) throw new Error('polyfit: the x values do not determine the polynomial (all equal?)');
    const alpha = a[j * n + j]! > 0 ? -norm : norm;
    const v = new Float64Array(n - j);
    for (let i = j; i < n; i++) v[i - j] = a[j * n + i]!;
    v[0] = v[0]! - alpha;
    let vv = 0;
    for (let i = 0; i < v.length; i++) vv += v[i]! ** 2;
    if (vv === 0) continue;
    for (let k = j; k < cols; k++) {
      let dot = 0;
      for (let i = j; i < n; i++) dot += v[i - j]! * a[k * n + i]!;
      const f = (2 * dot) / vv;
      for (let i = j; i < n; i++) a[k * n + i] = a[k * n + i]! - f * v[i - j]!;
    }
    let dot = 0;
    for (let i = j; i < n; i++) dot += v[i - j]! * b[i]!;
    const f = (2 * dot) / vv;
    for (let i = j; i < n; i++) b[i] = b[i]! - f * v[i - j]!;
  }
  const c = new Float64Array(cols);
  for (let j = cols - 1; j >= 0; j--) {
    let s = b[j]!;
    for (let k = j + 1; k < cols; k++) s -= a[k * n + j]! * c[k]!;
    c[j] = s / a[j * n + j]!;
  }

  // Expand Σ c_j ((x − mean)/scale)^j into powers of x (binomial theorem), for reporting.
  const coefficients = new Array<number>(cols).fill(0);
  for (let j = 0; j < cols; j++) {
    let binom = 1;
    for (let k = 0; k <= j; k++) {
      coefficients[k] = coefficients[k]! + (c[j]! / scale ** j) * binom * (-mean) ** (j - k);
      binom = (binom * (j - k)) / (k + 1);
    }
  }
  const centred = Array.from(c);
  return {
    degree,
    coefficients,
    evaluate(xv: number): number {
      const t = (xv - mean) / scale;
      let s = 0;
      for (let j = cols - 1; j >= 0; j--) s = s * t + centred[j]!;
      return s;
    },
  };
}
