// Linear-combination fitting of one spectrum by a set of references (standards), as Larch's `lincombo_fit`
// (larch/math/lincombo_fitting.py, Larch 0.9.58): data ≈ Σ w_j ref_j on the data's own energies inside the range,
// weights w_j ≥ 0, Σw = 1 optionally (`sum_to_one`). Beyond Larch: an energy shift per component within bounds
// (Larch shifts the data by one `e0_shift` instead: `commonShift` is that), exact non-negativity with the sum kept
// exactly (NNLS), and a report of ill-conditioned problems instead of NaN weights.
import { InputError } from '../../errors.ts';
import { combine, componentColumns, modelDerivatives, solveColumns, type ModelAt, type ModelInputs } from './model.ts';
import { prepareMixture, type MixtureReference, type MixtureSpectrum, type PreparedMixture } from './problem.ts';
import { searchShifts } from './shift-search.ts';
import { collinearity, informationCriteria, scaledCovariance } from './statistics.ts';

/** Options of {@link lincomboFit}. */
export interface LincomboOptions {
  /** Fit range [emin, emax], absolute eV: the spectrum's points inside it are fitted (required). */
  range: readonly [number, number];
  /** Constrain the weights to sum to 1 (Larch's `sum_to_one`). Default true. */
  sumToOne?: boolean;
  /** Largest energy shift of a component from its start, eV; 0 (the default) fixes every shift at its start. */
  maxShift?: number;
  /** Starting shift of each reference, eV, in the order of the references (a shift s reads the reference at E − s). Default 0. */
  shiftStart?: readonly number[];
  /** Fit one shift common to every component (the data's calibration is off; Larch's `vary_e0`) instead of one each. Default false. */
  commonShift?: boolean;
}

/** Shifts are searched at most this far, eV: further, a reference is of another edge or the calibration needs fixing first. */
export const MAX_SHIFT_LIMIT = 20;
/** Columns (unit-scaled) with a larger condition number are reported ill-conditioned: see {@link LincomboFit.illConditioned}. */
export const CONDITION_LIMIT = 1000;
/**
 * A weight whose standard error exceeds this share of the weight sum is undetermined (its 2σ interval spans the whole
 * 0…1 of a sum-to-one fit): the fit is reported ill-conditioned, as the references are too alike for this data.
 */
export const UNDETERMINED_SIGMA = 0.25;
/** A component is significant when its weight is at least this many standard errors. */
export const SIGNIFICANCE_SIGMAS = 2;

/** One fitted component. */
export interface LincomboComponent {
  /** The reference's id. */
  id: string;
  /** Its weight (≥ 0). */
  weight: number;
  /** Standard error of the weight (lmfit's), or null where the data cannot determine it (ill-conditioned). */
  weightUncertainty: number | null;
  /** Weight ≥ 2 standard errors (false when the uncertainty is unknown). */
  significant: boolean;
  /** Energy shift, eV: the reference is read at E − shift (moved to higher energy by a positive shift). */
  shift: number;
  /** Standard error of the shift; null when the shift was not fitted or cannot be determined (zero weight). */
  shiftUncertainty: number | null;
}

/** The result of one linear-combination fit. */
export interface LincomboFit {
  components: LincomboComponent[];
  /** Σ weights (1 to rounding with sumToOne). */
  weightSum: number;
  sumToOne: boolean;
  /** Σ (data − fit)² over the fit grid. */
  chiSquare: number;
  /** χ² / (points − variables). */
  reducedChiSquare: number;
  /** Larch's R-factor: Σ (data − fit)² / Σ data². */
  rFactor: number;
  /** Points of the spectrum in the range. */
  points: number;
  /** Varied parameters: weights (one fewer with sumToOne) and shifts. */
  variables: number;
  /** Akaike and Bayesian information criteria as lmfit computes them (N = points). */
  aic: number;
  bic: number;
  /** Condition number of the components' unit-scaled columns over the range (1 for one component; capped at 1/ε). */
  conditionNumber: number;
  /**
   * True when two or more references are too alike over the range to be told apart by this data: their columns'
   * condition number exceeds {@link CONDITION_LIMIT}, the covariance is singular, or a weight's standard error exceeds
   * {@link UNDETERMINED_SIGMA} of the weight sum. The weights stay finite (NNLS) but their split is arbitrary.
   */
  illConditioned: boolean;
  /** The fit grid (the spectrum's energies in the range), the data, the fitted curve and data − fit on it. */
  energies: number[];
  data: number[];
  fitted: number[];
  residual: number[];
  warnings: string[];
}

/** The checked settings of a fit, per reference of a {@link PreparedMixture}. */
export interface FitSettings {
  sumToOne: boolean;
  maxShift: number;
  /** Starting shift per prepared reference, eV. */
  shiftStart: Float64Array;
  commonShift: boolean;
}

/** Checks the options (InputError saying what to fix) and returns the settings for `count` references. */
export function fitSettings(options: LincomboOptions, count: number): FitSettings {
  const maxShift = options.maxShift ?? 0;
  if (!Number.isFinite(maxShift) || maxShift < 0 || maxShift > MAX_SHIFT_LIMIT) {
    throw new InputError(`maxShift must be between 0 and ${MAX_SHIFT_LIMIT} eV; got ${maxShift}`, 'maxShift');
  }
  const start = options.shiftStart ?? new Array<number>(count).fill(0);
  if (start.length !== count) {
    throw new InputError(`shiftStart has ${start.length} shifts for ${count} references: give one per reference`, 'shiftStart');
  }
  start.forEach((s, i) => {
    if (!Number.isFinite(s) || Math.abs(s) > MAX_SHIFT_LIMIT) {
      throw new InputError(`shiftStart[${i}] must be a finite shift within ±${MAX_SHIFT_LIMIT} eV; got ${s}`, 'shiftStart');
    }
  });
  return { sumToOne: options.sumToOne ?? true, maxShift, shiftStart: Float64Array.from(start), commonShift: options.commonShift ?? false };
}

/**
 * Fits the spectrum by the references (see the module comment). Throws InputError for a range with fewer than 10
 * points of the spectrum, references that do not cover it, bad shift options, or more parameters than points.
 */
export function lincomboFit(spectrum: MixtureSpectrum, references: readonly MixtureReference[], options: LincomboOptions): LincomboFit {
  const prepared = prepareMixture(spectrum, references, options.range);
  const settings = fitSettings(options, references.length);
  return fitCombination(prepared, references.map((_, i) => i), settings);
}

/** Columns (and slopes) of prepared references at their starting shifts, reused across combinations when shifts are fixed. */
export type StartColumns = { columns: Float64Array[]; slopes: Float64Array[] };

/** The number of varied parameters of a fit of k components. */
export function variableCount(k: number, settings: FitSettings): number {
  const weights = settings.sumToOne ? k - 1 : k;
  const shifts = settings.maxShift > 0 ? (settings.commonShift ? 1 : k) : 0;
  return weights + shifts;
}

/** Fits the prepared references `indices` (a combination of them) to the prepared spectrum. */
export function fitCombination(prepared: PreparedMixture, indices: readonly number[], settings: FitSettings, startColumns?: StartColumns): LincomboFit {
  const k = indices.length;
  const n = prepared.energies.length;
  const variables = variableCount(k, settings);
  if (n - variables < 1) {
    throw new InputError(`the range holds ${n} points but the fit varies ${variables} parameters: widen range, or fit fewer components or shifts`, 'range');
  }
  const inputs: ModelInputs = {
    energies: prepared.energies,
    data: prepared.data,
    splines: indices.map((i) => prepared.references[i]!.spline),
    sumToOne: settings.sumToOne,
  };
  const start = Float64Array.from(indices, (i) => settings.shiftStart[i]!);
  const varyShift = settings.maxShift > 0;
  let model: ModelAt;
  if (varyShift) {
    model = searchShifts(inputs, { start, maxShift: settings.maxShift, common: settings.commonShift }).model;
  } else if (startColumns) {
    model = solveColumns(inputs, start, indices.map((i) => startColumns.columns[i]!), indices.map((i) => startColumns.slopes[i]!));
  } else {
    const { columns, slopes } = componentColumns(inputs, start);
    model = solveColumns(inputs, start, columns, slopes);
  }
  return describeFit(prepared, indices, settings, model, variables);
}

/** The fit's statistics, uncertainties, flags and warnings at the solution `model`. */
function describeFit(prepared: PreparedMixture, indices: readonly number[], settings: FitSettings, model: ModelAt, variables: number): LincomboFit {
  const k = indices.length;
  const n = prepared.energies.length;
  const ids = indices.map((i) => prepared.references[i]!.id);
  const varyShift = settings.maxShift > 0;
  const { fitted, chiSquare } = combine(prepared.data, model.columns, model.weights);
  const reducedChiSquare = chiSquare / (n - variables);
  const rFactor = chiSquare / prepared.dataSumSquares;
  const { aic, bic } = informationCriteria(chiSquare, n, variables);
  const warnings: string[] = [];

  // Covariance of every varied parameter (as lmfit: weights at their bound included); shifts of zero-weight
  // components are left out, the data says nothing about them. With Σw = 1 the last weight is 1 − Σ others (Larch's
  // expression parameter) and its error follows from the covariance of the others.
  const all = indices.map((_, j) => j);
  const { weightDirections, shiftDirections } = modelDerivatives(model, settings.sumToOne, settings.commonShift, all);
  const shiftParameters: number[] = [];
  if (varyShift) {
    shiftDirections.forEach((_, a) => {
      const determined = settings.commonShift ? model.weights.some((w) => w > 0) : model.weights[a]! > 0;
      if (determined) shiftParameters.push(a);
    });
  }
  const directions = [...weightDirections, ...shiftParameters.map((a) => shiftDirections[a]!)];
  const covariance = scaledCovariance(directions, reducedChiSquare);
  const p = directions.length;
  const q = weightDirections.length;
  const weightUncertainty = (j: number): number | null => {
    if (settings.sumToOne && k === 1) return 0;
    if (!covariance) return null;
    if (!settings.sumToOne || j < k - 1) return Math.sqrt(Math.max(covariance[j * p + j]!, 0));
    let variance = 0;
    for (let a = 0; a < q; a++) for (let b = 0; b < q; b++) variance += covariance[a * p + b]!;
    return Math.sqrt(Math.max(variance, 0));
  };
  const shiftUncertainty = (j: number): number | null => {
    if (!covariance || !varyShift) return null;
    const at = shiftParameters.indexOf(settings.commonShift ? 0 : j);
    if (at < 0) return null;
    const r = q + at;
    return Math.sqrt(Math.max(covariance[r * p + r]!, 0));
  };

  const { conditionNumber, pair, cosine } = collinearity(model.columns);
  const weightSum = model.weights.reduce((s, w) => s + w, 0);
  const sigmas = indices.map((_, j) => weightUncertainty(j));
  const largestSigma = Math.max(0, ...sigmas.map((s) => s ?? 0));
  const illConditioned =
    conditionNumber > CONDITION_LIMIT || (covariance === null && p > 0) || largestSigma > UNDETERMINED_SIGMA * Math.max(weightSum, Number.MIN_VALUE);
  if (illConditioned) {
    const alike = pair ? `"${ids[pair[0]]}" and "${ids[pair[1]]}" (cosine ${cosine.toFixed(6)})` : 'the references';
    const spread = covariance === null ? 'undetermined' : `uncertain to ±${largestSigma.toPrecision(2)}`;
    warnings.push(
      `ill-conditioned: the weights are ${spread}, the references too alike over the range for this data (most alike: ${alike}; ` +
        `condition number ${conditionNumber.toPrecision(3)}): leave one of them out, widen the range, or measure with less noise`,
    );
  }
  const components = ids.map((id, j): LincomboComponent => {
    const weight = model.weights[j]!;
    const sigma = sigmas[j]!;
    const significant = sigma !== null && weight >= SIGNIFICANCE_SIGMAS * sigma && weight > 0;
    if (weight === 0) warnings.push(`"${id}" has weight 0 (its bound): it does not improve the fit`);
    else if (sigma !== null && !significant) {
      warnings.push(`the weight of "${id}" (${weight.toFixed(4)} ± ${sigma.toFixed(4)}) is below ${SIGNIFICANCE_SIGMAS}σ: not significant`);
    }
    const shift = model.shifts[j]!;
    if (varyShift && weight > 0 && Math.abs(Math.abs(shift - settings.shiftStart[indices[j]!]!) - settings.maxShift) < 1e-6) {
      warnings.push(`the shift of "${id}" (${shift.toFixed(2)} eV) reached its bound (±${settings.maxShift} eV from its start): widen maxShift or check the energy calibration`);
    }
    const ref = prepared.references[indices[j]!]!;
    if (prepared.energies[0]! - shift < ref.first || prepared.energies[n - 1]! - shift > ref.last) {
      warnings.push(`"${id}" shifted by ${shift.toFixed(2)} eV is read beyond its data, where it is held at its end value`);
    }
    return { id, weight, weightUncertainty: sigma, significant, shift, shiftUncertainty: shiftUncertainty(j) };
  });
  return {
    components,
    weightSum,
    sumToOne: settings.sumToOne,
    chiSquare,
    reducedChiSquare,
    rFactor,
    points: n,
    variables,
    aic,
    bic,
    conditionNumber,
    illConditioned,
    energies: Array.from(prepared.energies),
    data: Array.from(prepared.data),
    fitted: Array.from(fitted),
    residual: Array.from(prepared.data, (v, i) => v - fitted[i]!),
    warnings,
  };
}
