// The query side of ENSEMBLE: normalise (Larch pre_edge for measured spectra, the computed path for
// computed ones), align at the half-step, resample on the common grid widened by the shift range so each
// searched shift is a slice.
import { InputError } from '../../errors.ts';
import { findE0, preEdge, prepareSpectrum } from '../normalize.ts';
import { GRID_MIN, GRID_POINTS, GRID_STEP, halfStepEnergy, resampleUniform } from './grid.ts';
import { broadenComputed, DEFAULT_BROADENING, normalizeMeasured } from './references.ts';
import { SHIFT_STEPS, STRETCHES } from './windows.ts';

/** A query ready for {@link rankEnsemble}. */
export interface PreparedQuery {
  /** Edge energy found by the normalisation (Larch: maximum derivative), eV. */
  e0: number;
  /** Edge step of the raw μ. */
  edgeStep: number;
  /** Half-step energy (first crossing of 0.5 of the normalised μ; of the broadened μ for a computed one), eV: the alignment point. */
  halfStep: number;
  /** The normalised spectrum for plotting (flattened for measured spectra), on the input energies. */
  energies: number[];
  mu: number[];
  computed: boolean;
  /**
   * Energy stretches searched: STRETCHES for a measured spectrum; only 1 for a computed one, which has no
   * FEFF-vs-experiment gap to bridge (the stretch search cost predicted spectra ranks: bench:model).
   */
  stretches: readonly number[];
  /**
   * Per stretch s of `stretches` (same order): normalised μ at halfStep + s·(GRID_MIN + (i − SHIFT_STEPS)·GRID_STEP),
   * i < GRID_POINTS + 2·SHIFT_STEPS, so that a slice is the query stretched by s and shifted by a whole step.
   */
  extended: Float64Array[];
  warnings: string[];
}

/**
 * Normalise and align a spectrum to be identified. Measured spectra: Larch `pre_edge` defaults, flattened
 * (identification-lessons.md §1); computed ones (`computed: true`): exactly as the catalogue's references
 * ({@link broadenComputed}: 0 below the first energy, the same extra broadening). Throws InputError for a spectrum
 * with no usable edge.
 */
export function prepareQuery(
  energies: readonly number[],
  mu: readonly number[],
  options: { computed?: boolean; broadening?: number; normalized?: boolean } = {},
): PreparedQuery {
  const computed = options.computed ?? false;
  let e: number[];
  let norm: number[];
  let pre: { e0: number; edgeStep: number; warnings: string[] };
  let curve: { energies: ArrayLike<number>; mu: ArrayLike<number>; halfStep: number };
  if (options.normalized && !computed) {
    // Already normalised and flattened (a series component from decomposeSeries): compared as it is.
    const s = prepareSpectrum(energies, mu);
    e = s.energies;
    norm = s.mu;
    const halfStep = halfStepEnergy(e, norm);
    if (!Number.isFinite(halfStep)) throw new InputError('the normalised spectrum never reaches half its edge step: check mu', 'mu');
    pre = { e0: findE0(e, norm), edgeStep: 1, warnings: s.warnings };
    curve = { energies: e, mu: norm, halfStep };
  } else if (computed) {
    const s = prepareSpectrum(energies, mu);
    e = s.energies;
    const p = preEdge(e, s.mu, { computed });
    pre = { e0: p.e0, edgeStep: p.edgeStep, warnings: [...s.warnings, ...p.warnings] };
    norm = p.norm;
    try {
      curve = broadenComputed(e, norm, options.broadening ?? DEFAULT_BROADENING);
    } catch (err) {
      throw new InputError(`${(err as Error).message}: check mu`, 'mu');
    }
  } else {
    const m = normalizeMeasured(energies, mu);
    e = m.energies;
    norm = m.flat;
    pre = m;
    curve = { energies: e, mu: norm, halfStep: m.halfStep };
  }
  const halfStep = curve.halfStep;
  const n = GRID_POINTS + 2 * SHIFT_STEPS;
  const stretches = computed ? [1] : STRETCHES;
  const extended = stretches.map((stretch) =>
    resampleUniform(curve.energies, curve.mu, halfStep + stretch * (GRID_MIN - SHIFT_STEPS * GRID_STEP), stretch * GRID_STEP, n, computed ? 0 : null),
  );
  const warnings = [...pre.warnings];
  if (e[e.length - 1]! < halfStep + 60) {
    warnings.push(`the spectrum ends ${(e[e.length - 1]! - halfStep).toFixed(1)} eV above the half-step; matching uses up to +90 eV, the rest is held at the last value`);
  }
  return { e0: pre.e0, edgeStep: pre.edgeStep, halfStep, energies: e, mu: norm, computed, stretches, extended, warnings };
}
