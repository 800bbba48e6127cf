// Energy shifts of the components within bounds, with the weights solved exactly (NNLS) at every trial: variable
// projection (Golub & Pereyra, SIAM J. Numer. Anal. 10, 413 (1973)) with Kaufman's Jacobian (BIT 15, 49 (1975)) and a
// Levenberg–Marquardt damping on the shifts. A coarse scan of one offset common to all components (1-eV steps
// across the bounds) picks the starting point, so a shift a few eV off is not missed for a nearby local minimum.
import { modelAt, modelDerivatives, type ModelAt, type ModelInputs } from './model.ts';
import { solvePsd } from './small-linalg.ts';

/** How the shifts vary. */
export interface ShiftBounds {
  /** Starting shift of each component, eV; also the centre of its bounds. */
  start: Float64Array;
  /** Largest departure from the start, eV (> 0). */
  maxShift: number;
  /** One offset shared by every component (the data's energy calibration; Larch's `vary_e0`) instead of one each. */
  common: boolean;
}

/** Coarse-scan step of the starting offset, eV: finer than the width of the edge's features (several eV). */
const SCAN_STEP = 1;
/** Converged when no shift moves by more than this, eV. */
const SHIFT_TOLERANCE = 1e-5;
const MAX_ITERATIONS = 60;

/** The shifts as the search's parameters: k of them, or one common offset. */
function shiftsOf(bounds: ShiftBounds, parameters: Float64Array): Float64Array {
  const k = bounds.start.length;
  const shifts = new Float64Array(k);
  for (let j = 0; j < k; j++) shifts[j] = bounds.start[j]! + (bounds.common ? parameters[0]! : parameters[j]!);
  return shifts;
}

/** Normal matrix and right-hand side of the columns `d` against `r`: (DᵀD, Dᵀr). */
function normalEquations(d: readonly Float64Array[], r: Float64Array): { matrix: Float64Array; rhs: Float64Array } {
  const p = d.length;
  const matrix = new Float64Array(p * p);
  const rhs = new Float64Array(p);
  for (let a = 0; a < p; a++) {
    const da = d[a]!;
    let s = 0;
    for (let i = 0; i < r.length; i++) s += da[i]! * r[i]!;
    rhs[a] = s;
    for (let b = a; b < p; b++) {
      const db = d[b]!;
      let t = 0;
      for (let i = 0; i < r.length; i++) t += da[i]! * db[i]!;
      matrix[a * p + b] = t;
      matrix[b * p + a] = t;
    }
  }
  return { matrix, rhs };
}

/**
 * The damped Gauss–Newton step of the m shift parameters (the last m of the normal equations, after q weight
 * directions), with every shift at a bound that the step would push outwards held where it is.
 */
function boundedStep(matrix: Float64Array, rhs: Float64Array, q: number, m: number, lambda: number, parameters: Float64Array, max: number): Float64Array {
  const p = q + m;
  const held = new Uint8Array(m);
  for (let round = 0; round <= m; round++) {
    const damped = Float64Array.from(matrix);
    const right = Float64Array.from(rhs);
    for (let a = 0; a < m; a++) {
      const r = q + a;
      damped[r * p + r] = matrix[r * p + r]! * (1 + lambda) + 1e-12;
      if (!held[a]) continue;
      for (let c = 0; c < p; c++) damped[r * p + c] = damped[c * p + r] = 0;
      damped[r * p + r] = 1;
      right[r] = 0;
    }
    const step = solvePsd(damped, right, p).subarray(q);
    let newlyHeld = false;
    for (let a = 0; a < m; a++) {
      const outwards = (parameters[a]! >= max && step[a]! > 0) || (parameters[a]! <= -max && step[a]! < 0);
      if (!held[a] && outwards) {
        held[a] = 1;
        newlyHeld = true;
      }
    }
    if (!newlyHeld) return step;
  }
  return new Float64Array(m);
}

/** The model at the best shifts within the bounds (see the module comment), and the number of models evaluated. */
export function searchShifts(inputs: ModelInputs, bounds: ShiftBounds): { model: ModelAt; evaluations: number } {
  const k = bounds.start.length;
  const m = bounds.common ? 1 : k;
  const max = bounds.maxShift;
  let evaluations = 0;
  const evaluate = (parameters: Float64Array, withSlopes = true): ModelAt => {
    evaluations++;
    return modelAt(inputs, shiftsOf(bounds, parameters), withSlopes);
  };
  // Coarse scan of a common offset.
  const steps = Math.max(1, Math.round(max / SCAN_STEP));
  let parameters = new Float64Array(m);
  let best = evaluate(parameters, false);
  for (let s = -steps; s <= steps; s++) {
    if (s === 0) continue;
    const trial = new Float64Array(m).fill((s / steps) * max);
    const model = evaluate(trial, false);
    if (model.chiSquare < best.chiSquare) {
      best = model;
      parameters = trial;
    }
  }
  best = evaluate(parameters);
  // Levenberg–Marquardt on the shifts, the weights projected out (solved exactly at each trial). A shift held at its
  // bound by a step pointing outwards is left out of that step (projected Gauss–Newton), so the others still converge.
  let lambda = 1e-3;
  for (let iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
    const passive: number[] = [];
    best.weights.forEach((w, j) => {
      if (w > 0) passive.push(j);
    });
    const { weightDirections, shiftDirections } = modelDerivatives(best, inputs.sumToOne, bounds.common, passive);
    const residual = new Float64Array(inputs.data.length);
    for (let i = 0; i < residual.length; i++) residual[i] = inputs.data[i]! - best.fitted[i]!;
    const q = weightDirections.length;
    const { matrix, rhs } = normalEquations([...weightDirections, ...shiftDirections], residual);
    let improved = false;
    while (lambda < 1e10) {
      const step = boundedStep(matrix, rhs, q, m, lambda, parameters, max);
      const trial = new Float64Array(m);
      let moved = 0;
      for (let a = 0; a < m; a++) {
        trial[a] = Math.min(max, Math.max(-max, parameters[a]! + step[a]!));
        moved = Math.max(moved, Math.abs(trial[a]! - parameters[a]!));
      }
      if (moved < SHIFT_TOLERANCE) break;
      const model = evaluate(trial);
      if (model.chiSquare < best.chiSquare) {
        // Stop once a step gains nothing measurable (χ² flat to 1e-9).
        improved = best.chiSquare - model.chiSquare > 1e-9 * best.chiSquare;
        best = model;
        parameters = trial;
        lambda = Math.max(lambda / 4, 1e-9);
        break;
      }
      lambda *= 4;
    }
    if (!improved) break;
  }
  return { model: best, evaluations };
}
