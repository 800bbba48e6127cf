// Non-negative least squares for many right-hand sides that share one cross-product matrix, as MCR-ALS needs (every
// spectrum of the series against the same component spectra, every energy against the same concentrations). Most
// right-hand sides have a strictly positive unconstrained solution, which is then the constrained optimum (the
// Karush–Kuhn–Tucker conditions hold with no bound active): one triangular solve with a Cholesky factor computed once
// answers them. The rest go to Lawson–Hanson NNLS on the cross-products (src/spectra/mixture/nnls.ts; Bro & de Jong,
// J. Chemometrics 11, 393 (1997)), which also keeps Σx = 1 exact for closure.
import { nnls } from '../mixture/nnls.ts';

/** Solves x ≥ 0 (and Σx = 1 with `sumToOne`) minimising ½xᵀAx − bᵀx for one A; writes into `out` (length k). */
export type BatchNnls = (b: Float64Array, out: Float64Array) => Float64Array;

/**
 * A solver for symmetric positive semi-definite `a` (k × k, row-major; not modified) and many `b`. The fast path: the
 * unconstrained minimiser y = A⁻¹b, or with `sumToOne` the one on the plane Σx = 1, x = y − A⁻¹1 · (Σy − 1) / (1ᵀA⁻¹1),
 * kept when every entry is positive. Singular A (two identical columns) always takes the NNLS path, which gives finite
 * weights.
 */
export function batchNnls(a: Float64Array, k: number, options: { sumToOne?: boolean } = {}): BatchNnls {
  const sumToOne = options.sumToOne ?? false;
  const factor = cholesky(a, k);
  const ones = new Float64Array(k).fill(1);
  const towardsPlane = new Float64Array(k);
  let planeScale = 0;
  if (factor && sumToOne) {
    solveWithFactor(factor, k, ones, towardsPlane);
    for (let i = 0; i < k; i++) planeScale += towardsPlane[i]!;
  }
  const fast = factor !== null && (!sumToOne || planeScale > 0);
  return (b, out) => {
    if (fast) {
      solveWithFactor(factor!, k, b, out);
      if (sumToOne) {
        let excess = -1;
        for (let i = 0; i < k; i++) excess += out[i]!;
        for (let i = 0; i < k; i++) out[i] = out[i]! - (towardsPlane[i]! * excess) / planeScale;
      }
      let positive = true;
      for (let i = 0; i < k; i++) if (!(out[i]! > 0)) positive = false;
      if (positive) return out;
    }
    out.set(nnls(a, b, k, { sumToOne }).weights);
    return out;
  };
}

/** Lower Cholesky factor of `a` (k × k), or null when it is not clearly positive definite. */
function cholesky(a: Float64Array, k: number): Float64Array | null {
  let trace = 0;
  for (let i = 0; i < k; i++) trace += a[i * k + i]!;
  const floor = 1e-12 * (trace / k);
  const l = new Float64Array(k * k);
  for (let r = 0; r < k; r++) {
    for (let c = 0; c <= r; c++) {
      let sum = a[r * k + c]!;
      for (let q = 0; q < c; q++) sum -= l[r * k + q]! * l[c * k + q]!;
      if (r === c) {
        if (!(sum > floor)) return null;
        l[r * k + r] = Math.sqrt(sum);
      } else {
        l[r * k + c] = sum / l[c * k + c]!;
      }
    }
  }
  return l;
}

/** x = (L Lᵀ)⁻¹ b. */
function solveWithFactor(l: Float64Array, k: number, b: ArrayLike<number>, x: Float64Array): void {
  for (let r = 0; r < k; r++) {
    let sum = b[r]!;
    for (let q = 0; q < r; q++) sum -= l[r * k + q]! * x[q]!;
    x[r] = sum / l[r * k + r]!;
  }
  for (let r = k - 1; r >= 0; r--) {
    let sum = x[r]!;
    for (let q = r + 1; q < k; q++) sum -= l[q * k + r]! * x[q]!;
    x[r] = sum / l[r * k + r]!;
  }
}
