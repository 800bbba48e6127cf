// Natural cubic spline (Press et al., Numerical Recipes, 3rd ed., §3.3) of a reference's μ on its own energy axis:
// continuous slope, so a fitted energy shift moves the curve smoothly and the shift's derivative is analytic (the
// Jacobian of the shift search). Outside its data a reference is held at its end value, with slope 0.

/** A natural cubic spline through (x, y): `m` holds the second derivative at each knot. */
export interface CubicSpline {
  x: Float64Array;
  y: Float64Array;
  m: Float64Array;
}

/** The natural cubic spline through (x, y); x strictly increasing, at least 2 points (the caller checks). */
export function naturalCubicSpline(x: ArrayLike<number>, y: ArrayLike<number>): CubicSpline {
  const n = x.length;
  const xs = Float64Array.from(x);
  const ys = Float64Array.from(y);
  const m = new Float64Array(n);
  if (n < 3) return { x: xs, y: ys, m };
  // Tridiagonal system for the interior second derivatives (m₀ = m_{n−1} = 0), by the Thomas algorithm.
  const u = new Float64Array(n);
  for (let i = 1; i < n - 1; i++) {
    const sig = (xs[i]! - xs[i - 1]!) / (xs[i + 1]! - xs[i - 1]!);
    const p = sig * m[i - 1]! + 2;
    m[i] = (sig - 1) / p;
    const slopeRight = (ys[i + 1]! - ys[i]!) / (xs[i + 1]! - xs[i]!);
    const slopeLeft = (ys[i]! - ys[i - 1]!) / (xs[i]! - xs[i - 1]!);
    u[i] = ((6 * (slopeRight - slopeLeft)) / (xs[i + 1]! - xs[i - 1]!) - sig * u[i - 1]!) / p;
  }
  m[n - 1] = 0;
  for (let i = n - 2; i >= 0; i--) m[i] = m[i]! * m[i + 1]! + u[i]!;
  m[0] = 0;
  return { x: xs, y: ys, m };
}

/**
 * The spline at `at[i] − shift` for increasing `at`, written into `value` (and its slope dy/dx into `slope` when
 * given). A shift s moves the curve to higher energy by s: value(E) = y(E − s).
 */
export function evaluateShifted(spline: CubicSpline, at: Float64Array, shift: number, value: Float64Array, slope?: Float64Array): void {
  const { x, y, m } = spline;
  const n = x.length;
  const first = x[0]!;
  const last = x[n - 1]!;
  let j = n > 1 ? intervalOf(x, at[0]! - shift) : 0;
  for (let i = 0; i < at.length; i++) {
    const e = at[i]! - shift;
    if (e <= first || e >= last || n < 2) {
      value[i] = e <= first ? y[0]! : y[n - 1]!;
      if (slope) slope[i] = 0;
      continue;
    }
    while (j < n - 2 && x[j + 1]! <= e) j++;
    const h = x[j + 1]! - x[j]!;
    const a = (x[j + 1]! - e) / h;
    const b = 1 - a;
    value[i] = a * y[j]! + b * y[j + 1]! + (((a * a * a - a) * m[j]! + (b * b * b - b) * m[j + 1]!) * h * h) / 6;
    if (slope) slope[i] = (y[j + 1]! - y[j]!) / h + ((-(3 * a * a - 1) * m[j]! + (3 * b * b - 1) * m[j + 1]!) * h) / 6;
  }
}

/** The index j of the knot interval [x_j, x_{j+1}) holding e (clamped to 0…n−2), by bisection. */
function intervalOf(x: Float64Array, e: number): number {
  let lo = 0;
  let hi = x.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (x[mid]! <= e) lo = mid;
    else hi = mid;
  }
  return Math.min(lo, x.length - 2);
}
