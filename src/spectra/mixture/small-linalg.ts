// Dense linear algebra on the few-by-few matrices of linear-combination fitting (k ≤ 8 weights, ≤ 16 parameters):
// symmetric positive semi-definite solves through an eigen-decomposition (Jacobi, src/spectra/ensemble/linalg.ts),
// so a singular system (two identical references) gets its minimum-norm solution instead of NaN. Row-major storage.
import { symmetricEigen } from '../ensemble/linalg.ts';

/** Eigenvalues below this fraction of the largest count as zero (Jacobi is accurate to ~1e-16 of the largest). */
export const RELATIVE_EIGEN_CUTOFF = 1e-13;

/** Minimum-norm solution of the symmetric positive semi-definite system `a x = b` (a: p×p row-major). */
export function solvePsd(a: Float64Array, b: ArrayLike<number>, p: number): Float64Array {
  const x = new Float64Array(p);
  if (p === 0) return x;
  const { values, vectors } = symmetricEigen(a, p);
  const cutoff = Math.max(values[0]!, 0) * RELATIVE_EIGEN_CUTOFF;
  for (let r = 0; r < p; r++) {
    const lambda = values[r]!;
    if (!(lambda > cutoff) || lambda <= 0) continue;
    let projection = 0;
    for (let i = 0; i < p; i++) projection += vectors[r * p + i]! * b[i]!;
    const scale = projection / lambda;
    for (let i = 0; i < p; i++) x[i] = x[i]! + scale * vectors[r * p + i]!;
  }
  return x;
}

/** The inverse of symmetric positive definite `a` (p×p), or null when it is singular (an eigenvalue under the cutoff). */
export function invertPd(a: Float64Array, p: number): Float64Array | null {
  if (p === 0) return new Float64Array(0);
  const { values, vectors } = symmetricEigen(a, p);
  const cutoff = Math.max(values[0]!, 0) * RELATIVE_EIGEN_CUTOFF;
  if (!(values[p - 1]! > cutoff) || values[0]! <= 0) return null;
  const inverse = new Float64Array(p * p);
  for (let r = 0; r < p; r++) {
    const inv = 1 / values[r]!;
    for (let i = 0; i < p; i++) {
      const vi = vectors[r * p + i]! * inv;
      for (let j = 0; j < p; j++) inverse[i * p + j] = inverse[i * p + j]! + vi * vectors[r * p + j]!;
    }
  }
  return inverse;
}

/** Largest and smallest eigenvalue of symmetric `a` (p×p). */
export function eigenRange(a: Float64Array, p: number): { largest: number; smallest: number } {
  if (p === 0) return { largest: 0, smallest: 0 };
  const { values } = symmetricEigen(a, p);
  return { largest: values[0]!, smallest: values[p - 1]! };
}

/**
 * An orthonormal basis of the vectors of length p whose entries sum to zero: columns 2…p of the Householder
 * reflection that maps e₁ onto 1/√p (p×(p−1), row-major). Moving along it keeps a sum of weights fixed.
 */
export function zeroSumBasis(p: number): Float64Array {
  const basis = new Float64Array(p * Math.max(p - 1, 0));
  if (p < 2) return basis;
  // v = e₁ − u with u = 1/√p; H = I − 2 v vᵀ / vᵀv is symmetric, orthogonal, and H e₁ = u.
  const u = 1 / Math.sqrt(p);
  const v = new Float64Array(p).fill(-u);
  v[0] = 1 - u;
  let vv = 0;
  for (let i = 0; i < p; i++) vv += v[i]! * v[i]!;
  for (let i = 0; i < p; i++) {
    for (let j = 1; j < p; j++) basis[i * (p - 1) + (j - 1)] = (i === j ? 1 : 0) - (2 * v[i]! * v[j]!) / vv;
  }
  return basis;
}
