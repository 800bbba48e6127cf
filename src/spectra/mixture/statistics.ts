// Statistics of one linear-combination fit, defined as Larch's `lincombo_fit` and lmfit define them (larch/math/
// lincombo_fitting.py, Larch 0.9.58; lmfit 1.1 MinimizerResult): χ² = Σ(data − fit)², reduced χ² = χ² / (N − N_varys),
// R-factor = Σ(data − fit)² / Σ data², AIC = N ln(χ²/N) + 2 N_varys, BIC = N ln(χ²/N) + ln(N) N_varys; the standard
// errors are lmfit's: √diag((JᵀJ)⁻¹) · √(reduced χ²), J the Jacobian of the fit at the solution (scale_covar=True).
import { eigenRange, invertPd } from './small-linalg.ts';

/** Information criteria of lmfit: n ln(χ²/n) + penalty · p (χ²/n floored at 1e-300 so an exact fit stays finite). */
export function informationCriteria(chiSquare: number, points: number, variables: number): { aic: number; bic: number } {
  const fit = points * Math.log(Math.max(chiSquare / points, 1e-300));
  return { aic: fit + 2 * variables, bic: fit + Math.log(points) * variables };
}

/**
 * The covariance of parameters whose derivative columns are `directions` (the fitted curve's derivatives, n values
 * each), scaled by the reduced χ² as lmfit does: (JᵀJ)⁻¹ · χ²_ν. Null when JᵀJ is singular (a parameter the data
 * cannot determine: two identical references).
 */
export function scaledCovariance(directions: readonly Float64Array[], reducedChiSquare: number): Float64Array | null {
  const p = directions.length;
  const jtj = new Float64Array(p * p);
  for (let a = 0; a < p; a++) {
    for (let b = a; b < p; b++) {
      let s = 0;
      const da = directions[a]!;
      const db = directions[b]!;
      for (let i = 0; i < da.length; i++) s += da[i]! * db[i]!;
      jtj[a * p + b] = s;
      jtj[b * p + a] = s;
    }
  }
  const inverse = invertPd(jtj, p);
  if (!inverse) return null;
  for (let i = 0; i < inverse.length; i++) inverse[i] = inverse[i]! * reducedChiSquare;
  return inverse;
}

/**
 * The condition number of the components' columns (each scaled to unit length: Belsley, Kuh & Welsch, Regression
 * Diagnostics (1980), ch. 3): √(λmax/λmin) of their correlation matrix, capped at 1/ε for exactly collinear (or zero)
 * columns so it stays a finite number. Also the most collinear pair and its cosine.
 */
export function collinearity(columns: readonly Float64Array[]): { conditionNumber: number; pair: [number, number] | null; cosine: number } {
  const k = columns.length;
  const norms = columns.map((c) => Math.sqrt(c.reduce((s, v) => s + v * v, 0)));
  const correlation = new Float64Array(k * k);
  let pair: [number, number] | null = null;
  let cosine = 0;
  let degenerate = false;
  for (let a = 0; a < k; a++) {
    if (!(norms[a]! > 0)) degenerate = true;
    for (let b = a; b < k; b++) {
      let s = 0;
      const ca = columns[a]!;
      const cb = columns[b]!;
      for (let i = 0; i < ca.length; i++) s += ca[i]! * cb[i]!;
      const c = norms[a]! > 0 && norms[b]! > 0 ? s / (norms[a]! * norms[b]!) : 0;
      correlation[a * k + b] = a === b ? 1 : c;
      correlation[b * k + a] = a === b ? 1 : c;
      if (a !== b && (pair === null || Math.abs(c) > cosine)) {
        pair = [a, b];
        cosine = Math.abs(c);
      }
    }
  }
  const cap = 1 / Number.EPSILON;
  if (degenerate) return { conditionNumber: cap, pair, cosine };
  const { largest, smallest } = eigenRange(correlation, k);
  const ratio = smallest > 0 ? Math.sqrt(largest / smallest) : cap;
  return { conditionNumber: Math.min(ratio, cap), pair, cosine };
}
