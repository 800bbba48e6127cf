// Linear convolution by the fast Fourier transform (iterative radix-2 Cooley–Tukey; Press et al., Numerical
// Recipes 3rd ed. §12.2–12.4): the same numbers as a direct sum to rounding (~1e-15 of the largest term), in
// O(n log n) instead of O(n·m). Pure functions of arrays.

const twiddleCache = new Map<number, [Float64Array, Float64Array]>();

/** cos and sin of 2πk/n for k < n/2, computed directly (no recurrence, so rounding does not grow); cached per n. */
function twiddles(n: number): [Float64Array, Float64Array] {
  let table = twiddleCache.get(n);
  if (!table) {
    const cos = new Float64Array(n >> 1);
    const sin = new Float64Array(n >> 1);
    for (let k = 0; k < n >> 1; k++) {
      cos[k] = Math.cos((2 * Math.PI * k) / n);
      sin[k] = Math.sin((2 * Math.PI * k) / n);
    }
    table = [cos, sin];
    if (twiddleCache.size < 32) twiddleCache.set(n, table);
  }
  return table;
}

/** In-place FFT of (re, im), length a power of two; `inverse` computes the unscaled inverse transform. */
function fftInPlace(re: Float64Array, im: Float64Array, inverse: boolean): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      let t = re[i]!;
      re[i] = re[j]!;
      re[j] = t;
      t = im[i]!;
      im[i] = im[j]!;
      im[j] = t;
    }
  }
  const [cos, sin] = twiddles(n);
  const sign = inverse ? 1 : -1;
  for (let len = 2; len <= n; len <<= 1) {
    const half = len >> 1;
    const stride = (n / len) | 0;
    for (let start = 0; start < n; start += len) {
      for (let k = 0; k < half; k++) {
        const a = start + k;
        const b = a + half;
        const wr = cos[k * stride]!;
        const wi = sign * sin[k * stride]!;
        const xr = re[b]! * wr - im[b]! * wi;
        const xi = re[b]! * wi + im[b]! * wr;
        re[b] = re[a]! - xr;
        im[b] = im[a]! - xi;
        re[a] = re[a]! + xr;
        im[a] = im[a]! + xi;
      }
    }
  }
}

/** Full linear convolution of real a and b: out[t] = Σ_m a[m]·b[t − m], length a.length + b.length − 1 (np.convolve 'full'). */
export function convolve(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  const length = a.length + b.length - 1;
  if (a.length === 0 || b.length === 0) return new Float64Array(0);
  let n = 1;
  while (n < length) n <<= 1;
  // Both real inputs in one complex transform: z = a + i·b, then A = (Z + conj Z(−f))/2, B = (Z − conj Z(−f))/(2i).
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let i = 0; i < a.length; i++) re[i] = a[i]!;
  for (let i = 0; i < b.length; i++) im[i] = b[i]!;
  fftInPlace(re, im, false);
  const pr = new Float64Array(n);
  const pi = new Float64Array(n);
  for (let f = 0; f < n; f++) {
    const g = (n - f) & (n - 1);
    const ar = 0.5 * (re[f]! + re[g]!);
    const ai = 0.5 * (im[f]! - im[g]!);
    const br = 0.5 * (im[f]! + im[g]!);
    const bi = -0.5 * (re[f]! - re[g]!);
    pr[f] = ar * br - ai * bi;
    pi[f] = ar * bi + ai * br;
  }
  fftInPlace(pr, pi, true);
  const out = new Float64Array(length);
  for (let t = 0; t < length; t++) out[t] = pr[t]! / n;
  return out;
}
