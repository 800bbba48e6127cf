/**
 * NumPy/SciPy arithmetic, reproduced operation by operation, so that the reference ELSIE's floating-point
 * results (and therefore its rankings) come out the same here. Only what the reference calls is covered.
 */

/** Anything indexable by position with a length: `number[]`, `Float64Array`. */
export type NumericArray = ArrayLike<number>;

/** NumPy's unroll/block size in `pairwise_sum` (numpy/core/src/umath/loops_utils.h.src, PW_BLOCKSIZE). */
const PAIRWISE_BLOCK = 128;

/** `np.sum` of a contiguous float64 slice: NumPy's pairwise summation (loops_utils.h.src `DOUBLE_pairwise_sum`). */
export function pairwiseSum(a: NumericArray, start = 0, n = a.length - start): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += a[start + i]!;
    return res;
  }
  if (n <= PAIRWISE_BLOCK) {
    let r0 = a[start]!, r1 = a[start + 1]!, r2 = a[start + 2]!, r3 = a[start + 3]!;
    let r4 = a[start + 4]!, r5 = a[start + 5]!, r6 = a[start + 6]!, r7 = a[start + 7]!;
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      const p = start + i;
      r0 += a[p]!; r1 += a[p + 1]!; r2 += a[p + 2]!; r3 += a[p + 3]!;
      r4 += a[p + 4]!; r5 += a[p + 5]!; r6 += a[p + 6]!; r7 += a[p + 7]!;
    }
    let res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
    for (; i < n; i++) res += a[start + i]!;
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, start, n2) + pairwiseSum(a, start + n2, n - n2);
}

/** `np.linspace(start, stop, num)` with endpoint (numpy/core/function_base.py: i·step + start, last = stop). */
export function linspace(start: number, stop: number, num: number): Float64Array {
  const out = new Float64Array(num);
  if (num === 1) {
    out[0] = start;
    return out;
  }
  const div = num - 1;
  const delta = stop - start;
  const step = delta / div;
  for (let i = 0; i < num; i++) out[i] = step === 0 ? ((i / div) * delta) + start : i * step + start;
  out[num - 1] = stop;
  return out;
}

/**
 * `scipy.interpolate.interp1d(x, y)(xNew)`, kind 'linear' (scipy 1.10 `_call_linear`): searchsorted left,
 * clipped to [1, n−1], then slope·(x − x_lo) + y_lo. `x` must increase; `xNew` must lie inside [x0, x_{n−1}]
 * (SciPy raises otherwise; so do we).
 */
export function interp1dLinear(x: NumericArray, y: NumericArray, xNew: NumericArray): Float64Array {
  const n = x.length;
  const out = new Float64Array(xNew.length);
  if (n < 2) throw new RangeError(`interp1d needs at least 2 points, got ${n}`);
  const x0 = x[0]!, xn = x[n - 1]!;
  let hi = 1;
  for (let k = 0; k < xNew.length; k++) {
    const v = xNew[k]!;
    if (!(v >= x0 && v <= xn)) throw new RangeError(`x_new ${v} is outside the interpolation range [${x0}, ${xn}]`);
    // searchsorted(x, v, side='left'): first index with x[i] >= v. xNew increases in our use, but do not rely on it.
    if (k === 0 || v < xNew[k - 1]!) hi = 1;
    while (hi < n - 1 && x[hi]! < v) hi++;
    const lo = hi - 1;
    const xLo = x[lo]!, yLo = y[lo]!;
    const slope = (y[hi]! - yLo) / (x[hi]! - xLo);
    out[k] = slope * (v - xLo) + yLo;
  }
  return out;
}

/** `np.trapz(y, x)` (numpy/lib/function_base.py): sum over (d · (y[1:] + y[:-1]) / 2.0), summed pairwise. */
export function trapz(y: NumericArray, x: NumericArray): number {
  const n = y.length;
  if (n < 2) return 0;
  const terms = new Float64Array(n - 1);
  for (let i = 0; i < n - 1; i++) terms[i] = ((x[i + 1]! - x[i]!) * (y[i + 1]! + y[i]!)) / 2.0;
  return pairwiseSum(terms);
}

/** Σ a_i·b_i accumulated left to right (what a BLAS `ddot` computes up to its unrolling; see similarity.ts). */
export function dot(a: NumericArray, b: NumericArray): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** `np.max` of a non-empty array. */
export function arrayMax(a: NumericArray): number {
  let m = a[0]!;
  for (let i = 1; i < a.length; i++) if (a[i]! > m) m = a[i]!;
  return m;
}

/** `np.min` of a non-empty array. */
export function arrayMin(a: NumericArray): number {
  let m = a[0]!;
  for (let i = 1; i < a.length; i++) if (a[i]! < m) m = a[i]!;
  return m;
}
