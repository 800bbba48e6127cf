// Non-negative least squares: Lawson & Hanson, "Solving Least Squares Problems" (1974), ch. 23 (algorithm NNLS), run on
// the cross-products AᵀA and Aᵀb as in Bro & de Jong, J. Chemometrics 11, 393 (1997) ("fast NNLS"): the fits here have
// k ≤ 8 columns and a few hundred rows, so every iteration is a k×k solve. With `sumToOne` the same active-set method
// keeps the equality Σx = 1 exact in every subproblem (the weights move on the plane Σx = 1, starting from the best
// single column), instead of approximating it by a heavily weighted row of ones. Subproblems are solved by a
// minimum-norm eigen solve, so identical columns give finite weights, never NaN.
import { solvePsd, zeroSumBasis } from './small-linalg.ts';

/** Options of {@link nnls}. */
export interface NnlsOptions {
  /** Constrain the weights to sum to exactly 1 (besides x ≥ 0). Default false. */
  sumToOne?: boolean;
  /** Outer iterations before giving up (Lawson–Hanson use 3k). Default 10k + 30. */
  maxIterations?: number;
}

/** Solution of {@link nnls}. */
export interface NnlsSolution {
  /** The weights x ≥ 0 (Σx = 1 exactly up to rounding with `sumToOne`). */
  weights: Float64Array;
  /** Outer iterations used. */
  iterations: number;
  /** False when the iteration limit stopped it before the optimality test passed (the weights are still feasible). */
  converged: boolean;
}

/** The cross-products of columns `a` (k columns of n values) with themselves (k×k, row-major) and with `b`. */
export function crossProducts(a: readonly ArrayLike<number>[], b: ArrayLike<number>): { gram: Float64Array; atb: Float64Array } {
  const k = a.length;
  const gram = new Float64Array(k * k);
  const atb = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    const ai = a[i]!;
    let s = 0;
    for (let t = 0; t < b.length; t++) s += ai[t]! * b[t]!;
    atb[i] = s;
    for (let j = i; j < k; j++) {
      const aj = a[j]!;
      let g = 0;
      for (let t = 0; t < b.length; t++) g += ai[t]! * aj[t]!;
      gram[i * k + j] = g;
      gram[j * k + i] = g;
    }
  }
  return { gram, atb };
}

/** Least squares on the passive set: min ‖A_P z − b‖², with Σz = 1 when `sumToOne`; entries outside P are 0. */
function passiveSolution(gram: Float64Array, atb: Float64Array, k: number, passive: Uint8Array, sumToOne: boolean): Float64Array {
  const index: number[] = [];
  for (let i = 0; i < k; i++) if (passive[i]) index.push(i);
  const p = index.length;
  const z = new Float64Array(k);
  if (p === 0) return z;
  const gpp = new Float64Array(p * p);
  for (let r = 0; r < p; r++) for (let c = 0; c < p; c++) gpp[r * p + c] = gram[index[r]! * k + index[c]!]!;
  if (!sumToOne) {
    const zp = solvePsd(gpp, index.map((i) => atb[i]!), p);
    index.forEach((i, r) => (z[i] = zp[r]!));
    return z;
  }
  // z = z₀ + N u with z₀ = 1/p (on the plane Σz = 1) and N an orthonormal basis of Σ = 0: the reduced problem
  // (Nᵀ G N) u = Nᵀ (c − G z₀) is unconstrained, and its minimum-norm u keeps z nearest the even split.
  const z0 = 1 / p;
  if (p === 1) {
    z[index[0]!] = 1;
    return z;
  }
  const q = p - 1;
  const basis = zeroSumBasis(p);
  const rhs = new Float64Array(p);
  for (let r = 0; r < p; r++) {
    let gz = 0;
    for (let c = 0; c < p; c++) gz += gpp[r * p + c]!;
    rhs[r] = atb[index[r]!]! - gz * z0;
  }
  const reduced = new Float64Array(q * q);
  const reducedRhs = new Float64Array(q);
  const gn = new Float64Array(p * q);
  for (let r = 0; r < p; r++) {
    for (let c = 0; c < q; c++) {
      let s = 0;
      for (let t = 0; t < p; t++) s += gpp[r * p + t]! * basis[t * q + c]!;
      gn[r * q + c] = s;
    }
  }
  for (let a = 0; a < q; a++) {
    let s = 0;
    for (let r = 0; r < p; r++) s += basis[r * q + a]! * rhs[r]!;
    reducedRhs[a] = s;
    for (let b = 0; b < q; b++) {
      let t = 0;
      for (let r = 0; r < p; r++) t += basis[r * q + a]! * gn[r * q + b]!;
      reduced[a * q + b] = t;
    }
  }
  const u = solvePsd(reduced, reducedRhs, q);
  for (let r = 0; r < p; r++) {
    let s = z0;
    for (let c = 0; c < q; c++) s += basis[r * q + c]! * u[c]!;
    z[index[r]!] = s;
  }
  return z;
}

/**
 * Minimises ‖A x − b‖² subject to x ≥ 0 (and Σx = 1 with `sumToOne`), given the cross-products `gram` = AᵀA (k×k,
 * row-major) and `atb` = Aᵀb (see {@link crossProducts}). Lawson–Hanson's active set: move the column whose gradient
 * most wants to grow into the passive set, solve least squares on the passive set, and step back to the feasible
 * boundary whenever that solution has a non-positive entry.
 */
export function nnls(gram: Float64Array, atb: Float64Array, k: number, options: NnlsOptions = {}): NnlsSolution {
  const sumToOne = options.sumToOne ?? false;
  const maxIterations = options.maxIterations ?? 10 * k + 30;
  const x = new Float64Array(k);
  if (k === 0) return { weights: x, iterations: 0, converged: true };
  let scale = 0;
  for (let i = 0; i < k; i++) scale = Math.max(scale, Math.abs(gram[i * k + i]!), Math.abs(atb[i]!));
  // Optimality is tested on the gradient, whose entries carry rounding of order ε·scale.
  const tolerance = 1e-11 * Math.max(scale, Number.MIN_VALUE);
  const passive = new Uint8Array(k);
  // A column just added and at once dropped again (rounding) is not retried until the weights change.
  const blocked = new Uint8Array(k);
  if (sumToOne) {
    // Start at the best vertex of the simplex: the single column minimising ½‖a_j‖² − a_j·b.
    let best = 0;
    for (let j = 1; j < k; j++) if (0.5 * gram[j * k + j]! - atb[j]! < 0.5 * gram[best * k + best]! - atb[best]!) best = j;
    x[best] = 1;
    passive[best] = 1;
  }
  const gradient = new Float64Array(k);
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations) {
    iterations++;
    // gradient of ½‖Ax − b‖²: G x − c.
    for (let i = 0; i < k; i++) {
      let s = -atb[i]!;
      for (let j = 0; j < k; j++) s += gram[i * k + j]! * x[j]!;
      gradient[i] = s;
    }
    // With Σx = 1 the multiplier μ makes the passive gradient zero (gᵢ + μ = 0); the active duals are gᵢ + μ.
    let mu = 0;
    if (sumToOne) {
      let count = 0;
      for (let i = 0; i < k; i++) if (passive[i]) (mu -= gradient[i]!), count++;
      mu /= count;
    }
    let entering = -1;
    let mostNegative = -tolerance;
    for (let i = 0; i < k; i++) {
      if (passive[i] || blocked[i]) continue;
      const dual = gradient[i]! + mu;
      if (dual < mostNegative) {
        mostNegative = dual;
        entering = i;
      }
    }
    if (entering < 0) {
      converged = !blocked.some((b, i) => b === 1 && !passive[i] && gradient[i]! + mu < -tolerance);
      break;
    }
    passive[entering] = 1;
    for (let inner = 0; inner < maxIterations; inner++) {
      const z = passiveSolution(gram, atb, k, passive, sumToOne);
      let feasible = true;
      for (let i = 0; i < k; i++) if (passive[i] && !(z[i]! > 0)) feasible = false;
      if (feasible) {
        x.set(z);
        break;
      }
      // Step from x towards z as far as feasibility allows, and drop the entries that reach zero.
      let alpha = 1;
      let leaving = -1;
      for (let i = 0; i < k; i++) {
        if (!passive[i] || z[i]! > 0) continue;
        const step = x[i]! / (x[i]! - z[i]!);
        if (step < alpha) {
          alpha = step;
          leaving = i;
        }
      }
      let largest = 0;
      for (let i = 0; i < k; i++) {
        x[i] = passive[i] ? x[i]! + alpha * (z[i]! - x[i]!) : 0;
        largest = Math.max(largest, Math.abs(x[i]!));
      }
      const tiny = 1e-14 * Math.max(1, largest);
      for (let i = 0; i < k; i++) {
        if (passive[i] && (i === leaving || x[i]! <= tiny)) {
          passive[i] = 0;
          x[i] = 0;
        }
      }
      if (sumToOne) renormalise(x);
    }
    if (passive[entering]) blocked.fill(0);
    else blocked[entering] = 1;
  }
  for (let i = 0; i < k; i++) if (!(x[i]! > 0)) x[i] = 0;
  if (sumToOne) renormalise(x);
  return { weights: x, iterations, converged };
}

/** Scales non-negative x to sum to 1 (rounding drift of the steps). */
function renormalise(x: Float64Array): void {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i]!;
  if (sum > 0) for (let i = 0; i < x.length; i++) x[i] = x[i]! / sum;
}

/** {@link nnls} from the columns of A (k arrays of n values) and b. */
export function nnlsColumns(a: readonly ArrayLike<number>[], b: ArrayLike<number>, options: NnlsOptions = {}): NnlsSolution {
  const { gram, atb } = crossProducts(a, b);
  return nnls(gram, atb, a.length, options);
}
