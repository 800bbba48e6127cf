// XAS normalisation: a port of Larch's `pre_edge` and `find_e0` (xraypy/xraylarch@a272abc:
// larch/xafs/pre_edge.py, larch/math/utils.py; M. Newville, J. Phys.: Conf. Ser. 430, 012007 (2013)),
// checked against values Larch itself computed (tests/fixtures/larch-reference/), plus the simpler path
// for computed (FEFF) spectra. Pure: plain arrays in, plain data out.
import { InputError } from '../errors.ts';
import { derivative, findEnergyStep, indexNearest, indexOf, polyfit, pyRound, smooth } from './math.ts';
import { type OrderedSpectrum, sortAndMergeByEnergy } from './order.ts';

/** Highest degree Larch allows for the post-edge polynomial (`MAX_NNORM`). */
export const MAX_NNORM = 5;
/** Fewest points a spectrum may have (the service's rule for uploads; Larch's E0 search needs a margin). */
export const MIN_POINTS = 20;
/** Beyond Larch: a measured edge step must exceed this many times the noise of μ (else: no clear edge). */
export const MIN_STEP_OVER_NOISE = 5;
/** Larch's floor on the edge step (`max(1e-12, |step|)`). */
const MIN_EDGE_STEP = 1e-12;

/** Options of {@link preEdge}; each left out takes Larch's default (see the doc comment of `preEdge`). */
export interface PreEdgeOptions {
  /** Edge energy, eV. Snapped to the nearest grid energy; found by {@link findE0} when absent or outside E[1]…E[N−2]. */
  e0?: number;
  /** Edge step to use instead of the fitted one. */
  step?: number;
  /** Start of the pre-edge fit range, eV relative to E0 (negative). */
  pre1?: number;
  /** End of the pre-edge fit range, eV relative to E0 (negative). */
  pre2?: number;
  /** Start of the post-edge fit range, eV relative to E0. */
  norm1?: number;
  /** End of the post-edge fit range, eV relative to E0. */
  norm2?: number;
  /** Degree of the post-edge polynomial, 0…5. */
  nnorm?: number;
  /** Victoreen exponent: the pre-edge line is fitted to μ·E^nvict. */
  nvict?: number;
  /** Compute `flat` (default true). */
  makeFlat?: boolean;
  /** A computed spectrum (FEFF, FDMNES, a model): use the computed-spectrum path (see `preEdge`). */
  computed?: boolean;
}

/** What {@link preEdge} found and used; arrays are on the input energy grid. */
export interface PreEdgeResult {
  /** Edge energy, eV: a grid energy, `energies[ie0]`. */
  e0: number;
  /** Index of e0 in the energy grid. */
  ie0: number;
  /** Edge step: post-edge minus pre-edge curve at e0 (or the `step` option). */
  edgeStep: number;
  /** Ranges used, eV relative to e0 (Larch's pre1, pre2, norm1, norm2). */
  pre1: number;
  pre2: number;
  norm1: number;
  norm2: number;
  /** Degree of the post-edge polynomial used (it may be lower than asked when the range has few points). */
  nnorm: number;
  /** Victoreen exponent used (0 when the pre-edge range was too short for a line). */
  nvict: number;
  /** Pre-edge line fitted to μ·E^nvict: `(offset + slope·E)·E^(−nvict)` (Larch's pre_offset, pre_slope). */
  preEdgeLine: { offset: number; slope: number };
  /** Post-edge polynomial P of (μ − pre-edge), in powers of absolute E, lowest first (Larch's norm_coefs). */
  normCoefs: number[];
  /** Pre-edge curve. */
  preEdge: number[];
  /** Post-edge curve, pre-edge + P(E). */
  postEdge: number[];
  /** (μ − pre-edge)/edgeStep. */
  norm: number[];
  /** norm with the post-edge curvature removed above e0, so it tends to 1; null when makeFlat is false. */
  flat: number[] | null;
  /** d(norm)/dE, as Larch's dmude. */
  dmude: number[];
  /** Whether the computed-spectrum path was used. */
  computed: boolean;
  /** Things the caller may want to tell the user (a fallback was taken). */
  warnings: string[];
}

/** A spectrum made fit for {@link preEdge} by {@link prepareSpectrum}. */
export type PreparedSpectrum = OrderedSpectrum;

/**
 * Put a spectrum in the form {@link preEdge} requires: sorted by energy, with points at the same energy
 * merged into one (their mean μ), saying so in `warnings`.
 *
 * Sorting is Larch's own hygiene. For duplicates Larch instead nudges repeated energies by 0.0005 eV
 * (`remove_dups`), which turns them into a spike in dμ/dE; merging is what the service promises
 * (issue 3, item 7) and keeps E0 honest. Non-finite values are left for `preEdge` to reject.
 */
export function prepareSpectrum(energies: readonly number[], mu: readonly number[]): PreparedSpectrum {
  checkLengths(energies, mu);
  return sortAndMergeByEnergy(energies, mu);
}

/**
 * E0 as Larch's `find_e0` finds it: the energy of the maximum of dμ/dE, with its guards against glitches.
 *
 * 1. Unsmoothed pass: d = gradient(μ)/gradient(E), rescaled to [0, 1] by its minimum and range over the
 *    interior (leaving out nmin = max(3, int(0.02·N)) points at each end); candidates are points with
 *    d > 0.6 (0.3 when N ≤ 20; the threshold halves up to twice while fewer than 3 qualify); E0 is the
 *    candidate with the largest d whose two neighbours are candidates too, at least nmin from either end.
 * 2. Refinement: the same search on i ± 75 points (clipped to [3, N−3]), with d smoothed by a Lorentzian of
 *    half-width estep = ½(clip(estep₁, 0.01, 1) + clip(E₁/25000, 0.01, 1)), estep₁ being half Larch's
 *    robust energy step. When the first pass lands in the first 5 % of points (a likely glitch), the window
 *    is [max(3, i − 20), N − 3] and E₁ is the mean energy.
 *
 * Beyond Larch, a spectrum with no clear edge is an error, not a guess: the unsmoothed pass must find three
 * consecutive points of steep rise (Larch would fall back to any point).
 *
 * @throws InputError when the input is unusable (see {@link preEdge}) or has no clear edge.
 */
export function findE0(energies: readonly number[], mu: readonly number[]): number {
  checkSpectrum(energies, mu);
  return findE0Larch(energies, mu).e0;
}

/**
 * E0 of a computed spectrum (Larch's `iscalc` rule): the first energy where dμ/dE exceeds 0.99 of its
 * maximum. Computed spectra have no noise or glitches, so the guards and smoothing of {@link findE0} are
 * not needed.
 */
export function findE0Computed(energies: readonly number[], mu: readonly number[]): number {
  checkSpectrum(energies, mu);
  return energies[computedEdgeIndex(energies, mu)]!;
}

/**
 * Normalise μ(E) as Larch's `pre_edge` does (xraylarch `larch/xafs/pre_edge.py`, default parameters):
 *
 * - **E0**: {@link findE0} (maximum derivative with Larch's guards), unless `e0` is given within E[1]…E[N−2];
 *   snapped to the nearest grid energy.
 * - **Pre-edge line** fitted to μ·E^nvict over [e0+pre1, e0+pre2):
 *   `pre1` = 5·round((E[1]−e0)/5) when more than 20 points lie below e0, else 2·round((E[1]−e0)/2) (the
 *   first point is skipped as often bad), never below E[0]−e0; `pre2` = pre1/2 (Larch's docstring says
 *   ≈ pre1/3; its code halves); `nvict` = 0. Fewer than 3 points in the range: a constant (nvict 0).
 * - **Post-edge polynomial** P of degree `nnorm` fitted to μ − pre-edge over [e0+norm1, e0+norm2), in
 *   absolute E: `norm2` = 5·round((E_max−e0)/5), at most E_max−e0; `norm1` = min(25, 5·round(norm2/15)),
 *   at most norm2−2 (Larch's docstring says ≈ min(150, norm2/3); its code differs); `nnorm` = 2 when
 *   norm2−norm1 ≥ 300 eV, 1 when ≥ 30 eV, else 0, at most 5, at most 1 when the range holds fewer than
 *   5 points, and 0 (the range moved 2 points down) when fewer than 2.
 * - **Edge step** = P(e0) (post-edge minus pre-edge at e0, floored at 1e-12), or the `step` option;
 *   **norm** = (μ − pre-edge)/step; **flat** = norm − r + r(e0) above e0 with r = P(E)/step, norm below
 *   (`makeFlat`, default true); **dmude** = gradient(norm)/gradient(E).
 *
 * **Computed spectra** (`computed: true`; the catalogue's FEFF spectra): FEFF's μ has no pre-edge region
 * (its grid starts a few eV below the edge) and FEFF already divides μ by the atomic cross-section 50 eV
 * above the edge, so μ tends to ~1 there (seed/omnixas-cu-feff/README.md, caveats). So: e0 by
 * {@link findE0Computed}; the pre-edge is the constant μ[0] (Larch's iscalc rule; there is nothing to fit a
 * line to); and `nnorm` defaults to 0, so the edge step is the mean of μ − μ[0] over the post-edge range
 * and flat equals norm. A line or parabola fitted to ~100 eV of XANES follows its oscillations, not a
 * background, and would tilt the step by several per cent from one spectrum to the next; FEFF's own
 * background is already flat. Ranges and explicit options work as above.
 *
 * Input: energies in eV, strictly increasing (use {@link prepareSpectrum} to sort and merge duplicates),
 * all values finite, at least {@link MIN_POINTS} points, μ not constant.
 *
 * Guards beyond Larch (which would return a number for any input): a measured spectrum must show three
 * consecutive points of steep rise ({@link findE0}) and an edge step of at least
 * {@link MIN_STEP_OVER_NOISE} times the point-to-point noise of μ; the step must be positive (Larch takes
 * its absolute value, which turns an inverted spectrum upside down silently).
 *
 * @throws InputError for input that breaks those rules, for a spectrum with no clear edge, and when μ does
 *   not rise across the edge (a negative edge step: usually i0/itrans swapped), each with what to fix.
 */
export function preEdge(energies: readonly number[], mu: readonly number[], options: PreEdgeOptions = {}): PreEdgeResult {
  checkSpectrum(energies, mu);
  const n = energies.length;
  const computed = options.computed ?? false;
  const makeFlat = options.makeFlat ?? true;
  const warnings: string[] = [];
  const emin = energies[0]!;
  const emax = energies[n - 1]!;

  // E0: given (inside E[1]…E[N−2], as Larch requires), else found; then snapped to the grid.
  let e0: number;
  if (options.e0 !== undefined && options.e0 >= energies[1]! && options.e0 <= energies[n - 2]!) {
    e0 = options.e0;
  } else {
    if (options.e0 !== undefined) {
      warnings.push(`e0 = ${options.e0} eV lies outside the data (${energies[1]}…${energies[n - 2]} eV); e0 was found from the data instead`);
    }
    if (computed) {
      e0 = energies[computedEdgeIndex(energies, mu)]!;
    } else {
      const found = findE0Larch(energies, mu);
      e0 = found.e0;
      warnings.push(...found.warnings);
    }
  }
  const ie0 = indexNearest(energies, e0);
  e0 = energies[ie0]!;

  // Pre-edge ranges (Larch's defaults).
  let pre1 = options.pre1 ?? (ie0 > 20 ? 5 * pyRound((energies[1]! - e0) / 5) : 2 * pyRound((energies[1]! - e0) / 2));
  pre1 = Math.max(pre1, emin - e0);
  let pre2 = options.pre2 ?? 0.5 * pre1;
  if (pre1 > pre2) [pre1, pre2] = [pre2, pre1];

  // Pre-edge curve: a line in μ·E^nvict, a constant when the range is too short, μ[0] for computed spectra.
  let nvict = options.nvict ?? 0;
  let offset: number;
  let slope = 0;
  if (computed) {
    offset = mu[0]!;
    nvict = 0;
    pre1 = pre2 = emin - e0;
  } else {
    const p1 = indexOf(energies, e0 + pre1);
    const p2 = indexNearest(energies, e0 + pre2);
    if (p2 - p1 < 3) {
      const end = Math.max(p2, p1 + 1);
      offset = mean(mu.slice(p1, end));
      if (nvict !== 0) warnings.push('the pre-edge range holds fewer than 3 points: the pre-edge is a constant and nvict was set to 0');
      else warnings.push('the pre-edge range holds fewer than 3 points: the pre-edge is a constant');
      nvict = 0;
    } else {
      if (nvict !== 0 && energies[p1]! <= 0) {
        throw new InputError(`nvict = ${nvict} needs positive energies; got ${energies[p1]} eV`, 'nvict');
      }
      const ex = energies.slice(p1, p2);
      const mx = ex.map((e, i) => mu[p1 + i]! * e ** nvict);
      const line = polyfit(ex, mx, 1);
      [offset, slope] = line.coefficients as [number, number];
      // Evaluate the fit through `line` (centred) so no digits are lost to offset + slope·E cancellation.
      return finish(line.evaluate);
    }
  }
  return finish((e) => offset + slope * e);

  function finish(preLine: (e: number) => number): PreEdgeResult {
    const preEdgeCurve = energies.map((e) => preLine(e) * (nvict === 0 ? 1 : e ** -nvict));

    // Post-edge ranges (Larch's defaults).
    let norm2 = options.norm2 ?? 5 * pyRound((emax - e0) / 5);
    norm2 = Math.min(norm2, emax - e0);
    let norm1 = options.norm1 ?? Math.min(25, 5 * pyRound(norm2 / 15));
    if (norm1 > norm2) [norm1, norm2] = [norm2, norm1];
    norm1 = Math.min(norm1, norm2 - 2);
    let nnorm = options.nnorm ?? (computed ? 0 : norm2 - norm1 >= 300 ? 2 : norm2 - norm1 >= 30 ? 1 : 0);
    nnorm = Math.max(0, Math.min(MAX_NNORM, Math.trunc(nnorm)));

    let q1 = indexOf(energies, e0 + norm1);
    const q2 = indexNearest(energies, e0 + norm2);
    if (q2 - q1 < 5 && nnorm > 1) {
      nnorm = 1;
      warnings.push('the post-edge range holds fewer than 5 points: the post-edge polynomial was lowered to a line');
    }
    if (q2 - q1 < 2) {
      nnorm = 0;
      q1 = Math.max(0, q1 - 2);
      warnings.push('the post-edge range holds fewer than 2 points: the post-edge is a constant over the 2 points below it');
    }
    const q2End = Math.max(q2, q1 + 1);
    const ex = energies.slice(q1, q2End);
    const presub = ex.map((_, i) => mu[q1 + i]! - preEdgeCurve[q1 + i]!);
    const post = polyfit(ex, presub, Math.min(nnorm, ex.length - 1));
    const p = energies.map((e) => post.evaluate(e));
    const postEdgeCurve = p.map((v, i) => v + preEdgeCurve[i]!);

    let edgeStep: number;
    if (options.step !== undefined) {
      edgeStep = Math.max(MIN_EDGE_STEP, Math.abs(options.step));
    } else {
      const raw = p[ie0]!;
      if (!(raw > 0)) {
        throw new InputError(
          `mu does not rise across the edge at E0 = ${e0} eV (post-edge minus pre-edge = ${raw.toPrecision(4)}); ` +
            'check that mu is absorption (ln(i0/itrans) or ifluor/i0), not its inverse',
          'mu',
        );
      }
      edgeStep = Math.max(MIN_EDGE_STEP, raw);
      const noise = noiseLevel(mu);
      if (!computed && edgeStep < MIN_STEP_OVER_NOISE * noise) {
        throw new InputError(
          `no clear absorption edge: the edge step at E0 = ${e0} eV (${edgeStep.toPrecision(3)}) is less than ` +
            `${MIN_STEP_OVER_NOISE} times the noise of mu (${noise.toPrecision(3)}); check the energy range and the data`,
          'mu',
        );
      }
    }
    const norm = mu.map((m, i) => (m - preEdgeCurve[i]!) / edgeStep);
    let flat: number[] | null = null;
    if (makeFlat) {
      const r0 = p[ie0]! / edgeStep;
      flat = norm.map((v, i) => (i < ie0 ? v : v - p[i]! / edgeStep + r0));
    }
    return {
      e0,
      ie0,
      edgeStep,
      pre1,
      pre2,
      norm1,
      norm2,
      nnorm: post.degree,
      nvict,
      preEdgeLine: { offset, slope },
      normCoefs: post.coefficients,
      preEdge: preEdgeCurve,
      postEdge: postEdgeCurve,
      norm,
      flat,
      dmude: Array.from(derivative(energies, norm)),
      computed,
      warnings,
    };
  }
}

// ---- internals ----

interface E0Search {
  e0: number;
  index: number;
  /** Half Larch's robust energy step (what `_finde0` returns as estep). */
  estep: number;
  /** Whether three consecutive points of steep rise were found. */
  found: boolean;
}

/** Larch `find_e0`: an unsmoothed pass, then a smoothed pass on a window around it. */
function findE0Larch(energies: readonly number[], mu: readonly number[]): { e0: number; warnings: string[] } {
  const n = energies.length;
  const first = maxDerivative(energies, mu);
  if (!first.found) {
    throw new InputError(
      'no absorption edge found: mu has no run of three points rising much faster than elsewhere; ' +
        'check that the energy range contains the edge and that mu is absorption',
      'mu',
    );
  }
  const ie0 = first.index;
  let e1 = first.e0;
  let istart = Math.max(3, ie0 - 75);
  let istop = Math.min(ie0 + 75, n - 3);
  if (ie0 < 0.05 * n) {
    // An edge in the first 5 % of the points is more likely a glitch: search almost all of the data.
    e1 = mean(energies);
    istart = Math.max(3, ie0 - 20);
    istop = n - 3;
  }
  const clip = (v: number) => Math.max(0.01, Math.min(1, v));
  const estep = 0.5 * (clip(first.estep) + clip(e1 / 25000));
  const second = maxDerivative(energies.slice(istart, istop), mu.slice(istart, istop), estep);
  if (second.index < 1) {
    return {
      e0: energies[istart + 2]!,
      warnings: ['the smoothed derivative has no clear maximum near the edge; e0 is a rough estimate'],
    };
  }
  return { e0: second.e0, warnings: [] };
}

/** Larch `_finde0`: index of the largest rescaled dμ/dE with both neighbours above the threshold. */
function maxDerivative(energies: readonly number[], mu: readonly number[], smoothStep?: number): E0Search {
  const n = energies.length;
  const estep = smoothStep ?? findEnergyStep(energies) / 2;
  let d = derivative(energies, mu);
  if (smoothStep !== undefined) d = smooth(energies, d, estep, estep);
  for (let i = 0; i < n; i++) if (!Number.isFinite(d[i]!)) d[i] = -1;
  const nmin = Math.max(3, Math.trunc(n * 0.02));
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = nmin; i < n - nmin; i++) {
    lo = Math.min(lo, d[i]!);
    hi = Math.max(hi, d[i]!);
  }
  const range = Math.max(1e-10, hi - lo);
  for (let i = 0; i < n; i++) d[i] = (d[i]! - lo) / range;

  let threshold = n > 20 ? 0.6 : 0.3;
  let high = above(d, threshold);
  let found = true;
  if (high.size < 3) {
    for (let k = 0; k < 2 && high.size <= 3; k++) {
      threshold *= 0.5;
      high = above(d, threshold);
    }
  }
  if (high.size < 3) {
    // Larch falls back to every finite point here; for us this means there is no edge.
    found = false;
    high = new Set(Array.from(d.keys()));
  }
  let imax = 0;
  let dmax = 0;
  for (const i of high) {
    if (i < nmin || i > n - nmin) continue;
    if (d[i]! > dmax && high.has(i + 1) && high.has(i - 1)) {
      imax = i;
      dmax = d[i]!;
    }
  }
  if (imax === 0) found = false;
  return { e0: energies[imax]!, index: imax, estep, found };
}

function above(d: Float64Array, threshold: number): Set<number> {
  const out = new Set<number>();
  for (let i = 0; i < d.length; i++) if (d[i]! > threshold) out.add(i);
  return out;
}

/** Larch's iscalc E0: the first index where dμ/dE > 0.99·max(dμ/dE). */
function computedEdgeIndex(energies: readonly number[], mu: readonly number[]): number {
  const d = derivative(energies, mu);
  let max = -Infinity;
  for (const v of d) max = Math.max(max, v);
  if (!(max > 0)) throw new InputError('no absorption edge found: mu never rises with energy', 'mu');
  return d.findIndex((v) => v > 0.99 * max);
}

/**
 * Point-to-point noise of μ: the median |second difference| over 0.6745·√6, the standard deviation of
 * white noise (the median ignores the few large differences at the edge and at real features).
 */
function noiseLevel(mu: readonly number[]): number {
  const d2: number[] = [];
  for (let i = 1; i < mu.length - 1; i++) d2.push(Math.abs(mu[i + 1]! - 2 * mu[i]! + mu[i - 1]!));
  d2.sort((a, b) => a - b);
  const mid = d2.length >> 1;
  const median = d2.length % 2 ? d2[mid]! : (d2[mid - 1]! + d2[mid]!) / 2;
  return median / (0.6745 * Math.sqrt(6));
}

function mean(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]!;
  return s / values.length;
}

function checkLengths(energies: readonly number[], mu: readonly number[]): void {
  if (energies.length !== mu.length) {
    throw new InputError(`energies and mu must have the same length; got ${energies.length} and ${mu.length}`, 'mu');
  }
}

/** The input rules every entry point shares; each message says what to fix. */
function checkSpectrum(energies: readonly number[], mu: readonly number[]): void {
  checkLengths(energies, mu);
  if (energies.length < MIN_POINTS) {
    throw new InputError(`a spectrum needs at least ${MIN_POINTS} points; got ${energies.length}`, 'energies');
  }
  for (let i = 0; i < energies.length; i++) {
    if (!Number.isFinite(energies[i]!)) throw new InputError(`energy at point ${i} is ${energies[i]}; all energies must be finite numbers`, 'energies');
    if (!Number.isFinite(mu[i]!)) throw new InputError(`mu at point ${i} is ${mu[i]}; all mu values must be finite numbers`, 'mu');
    if (i > 0 && !(energies[i]! > energies[i - 1]!)) {
      throw new InputError(
        `energy must increase; found ${energies[i]} after ${energies[i - 1]} at point ${i} (sort the points and merge repeated energies first)`,
        'energies',
      );
    }
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (const m of mu) {
    lo = Math.min(lo, m);
    hi = Math.max(hi, m);
  }
  if (!(hi > lo)) throw new InputError(`mu is constant (${lo}); there is no absorption edge to normalise`, 'mu');
}
