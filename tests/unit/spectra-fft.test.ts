import { describe, expect, test } from '@jest/globals';
import { convolve } from '../../src/spectra/fft.ts';

/** np.convolve 'full' by its definition. */
function direct(a: number[], b: number[]): number[] {
  const out = new Array<number>(a.length + b.length - 1).fill(0);
  for (let i = 0; i < a.length; i++) for (let j = 0; j < b.length; j++) out[i + j] = out[i + j]! + a[i]! * b[j]!;
  return out;
}

/** Deterministic values in [−1, 1) (a linear congruential generator; no Math.random in tests). */
function values(n: number, seed: number): number[] {
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

describe('convolve (FFT)', () => {
  test.each([
    [1, 1],
    [1, 7],
    [2, 3],
    [16, 16],
    [17, 300],
    [1510, 2264],
  ])('equals the direct sum for lengths %i and %i', (la, lb) => {
    const a = values(la, la);
    const b = values(lb, lb + 1);
    const got = convolve(a, b);
    const want = direct(a, b);
    expect(got.length).toBe(want.length);
    const scale = Math.max(...want.map(Math.abs), 1);
    let worst = 0;
    for (let t = 0; t < want.length; t++) worst = Math.max(worst, Math.abs(got[t]! - want[t]!));
    expect(worst / scale).toBeLessThan(1e-13);
  });

  test('keeps the order: out[t] = Σ a[m]·b[t − m], not the correlation', () => {
    expect(Array.from(convolve([1, 2], [1, 0, 0]), (v) => Math.round(v * 1e12) / 1e12)).toEqual([1, 2, 0, 0]);
    expect(Array.from(convolve([0, 1], [3, 5]), (v) => Math.round(v * 1e12) / 1e12)).toEqual([0, 3, 5]);
  });

  test('empty input gives an empty result', () => {
    expect(convolve([], [1, 2]).length).toBe(0);
  });
});
