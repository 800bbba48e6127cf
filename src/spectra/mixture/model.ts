// One linear-combination model at given energy shifts: the references read at E − shift on the fit grid, their
// non-negative weights by NNLS (exact Σw = 1 when asked), the fitted curve and χ² = Σ (data − fit)² (Larch's
// `lincombo_fit` fits with unit weights, so χ² is the plain sum of squares), and its derivatives by each parameter.
import { crossProducts, nnls } from './nnls.ts';
import { evaluateShifted, type CubicSpline } from './spline.ts';

/** What a model needs: the fit grid, the data on it, and the components' splines. */
export interface ModelInputs {
  energies: Float64Array;
  data: Float64Array;
  splines: readonly CubicSpline[];
  sumToOne: boolean;
}

/** The model at one set of shifts. */
export interface ModelAt {
  /** Shift of each component, eV: component j is read at E − shifts[j]. */
  shifts: Float64Array;
  /** Component j on the fit grid. */
  columns: Float64Array[];
  /** dμ/dE of component j on the fit grid (at E − shift); empty when not asked for. */
  slopes: Float64Array[];
  weights: Float64Array;
  fitted: Float64Array;
  chiSquare: number;
}

/** The components read at `shifts` (with their slopes unless `withSlopes` is false: then empty arrays): the columns of the linear problem. */
export function componentColumns(inputs: ModelInputs, shifts: ArrayLike<number>, withSlopes = true): { columns: Float64Array[]; slopes: Float64Array[] } {
  const n = inputs.energies.length;
  const columns: Float64Array[] = [];
  const slopes: Float64Array[] = [];
  for (let j = 0; j < inputs.splines.length; j++) {
    const column = new Float64Array(n);
    const slope = new Float64Array(withSlopes ? n : 0);
    evaluateShifted(inputs.splines[j]!, inputs.energies, shifts[j]!, column, withSlopes ? slope : undefined);
    columns.push(column);
    slopes.push(slope);
  }
  return { columns, slopes };
}

/** Σ w_j column_j, and χ² against the data. */
export function combine(data: Float64Array, columns: readonly Float64Array[], weights: ArrayLike<number>): { fitted: Float64Array; chiSquare: number } {
  const n = data.length;
  const fitted = new Float64Array(n);
  for (let j = 0; j < columns.length; j++) {
    const w = weights[j]!;
    const column = columns[j]!;
    if (w !== 0) for (let i = 0; i < n; i++) fitted[i] = fitted[i]! + w * column[i]!;
  }
  let chiSquare = 0;
  for (let i = 0; i < n; i++) chiSquare += (data[i]! - fitted[i]!) ** 2;
  return { fitted, chiSquare };
}

/** The best non-negative weights for the given columns, and the resulting model. */
export function solveColumns(inputs: ModelInputs, shifts: Float64Array, columns: Float64Array[], slopes: Float64Array[]): ModelAt {
  const { gram, atb } = crossProducts(columns, inputs.data);
  const { weights } = nnls(gram, atb, columns.length, { sumToOne: inputs.sumToOne });
  const { fitted, chiSquare } = combine(inputs.data, columns, weights);
  return { shifts, columns, slopes, weights, fitted, chiSquare };
}

/** The model with each component at its shift (slopes left empty when `withSlopes` is false). */
export function modelAt(inputs: ModelInputs, shifts: ArrayLike<number>, withSlopes = true): ModelAt {
  const s = Float64Array.from(shifts);
  const { columns, slopes } = componentColumns(inputs, s, withSlopes);
  return solveColumns(inputs, s, columns, slopes);
}

/**
 * Derivatives of the fitted curve with respect to the model's parameters at `model` (the Jacobian's columns): the
 * weights of the components `weightsOf` (column j for a free sum; with Σw = 1, column j − column of the last of them,
 * whose weight is 1 − the others', as Larch's expression parameter) and the shifts (−w_j·dμ_j/dE for each component,
 * or their sum for a common offset; zero where the model was evaluated without slopes).
 */
export function modelDerivatives(
  model: ModelAt,
  sumToOne: boolean,
  common: boolean,
  weightsOf: readonly number[],
): { weightDirections: Float64Array[]; shiftDirections: Float64Array[] } {
  const n = model.fitted.length;
  const weightDirections: Float64Array[] = [];
  if (sumToOne) {
    const last = model.columns[weightsOf[weightsOf.length - 1]!];
    for (let a = 0; a + 1 < weightsOf.length; a++) {
      const column = model.columns[weightsOf[a]!]!;
      const direction = new Float64Array(n);
      for (let i = 0; i < n; i++) direction[i] = column[i]! - last![i]!;
      weightDirections.push(direction);
    }
  } else {
    for (const j of weightsOf) weightDirections.push(model.columns[j]!);
  }
  const k = model.columns.length;
  const shiftDirections: Float64Array[] = [];
  for (let j = 0; j < k; j++) {
    if (!common || j === 0) shiftDirections.push(new Float64Array(n));
    const direction = shiftDirections[shiftDirections.length - 1]!;
    const w = model.weights[j]!;
    const slope = model.slopes[j]!;
    if (w !== 0 && slope.length === n) for (let i = 0; i < n; i++) direction[i] = direction[i]! - w * slope[i]!;
  }
  return { weightDirections, shiftDirections };
}
