// The series as one dense matrix: N spectra (rows) × M energies (columns), row-major Float64Array, and the few
// products the decomposition needs. Plain loops over typed arrays; no allocation inside the inner loops.

/** N spectra × M energies, row-major: spectrum i, energy j at `values[i * energyCount + j]`. */
export interface SeriesMatrix {
  spectrumCount: number;
  energyCount: number;
  values: Float64Array;
}

/** Pack equal-length rows into one {@link SeriesMatrix} (lengths are checked by the caller, decompose.ts). */
export function packRows(rows: readonly ArrayLike<number>[]): SeriesMatrix {
  const spectrumCount = rows.length;
  const energyCount = rows[0]?.length ?? 0;
  const values = new Float64Array(spectrumCount * energyCount);
  rows.forEach((row, i) => {
    for (let j = 0; j < energyCount; j++) values[i * energyCount + j] = row[j]!;
  });
  return { spectrumCount, energyCount, values };
}

/** D·Dᵀ (N × N): the inner products of the spectra. */
/**
 * The series with each spectrum's mean over the grid subtracted: a constant offset of one spectrum (what its own
 * normalisation leaves, see decompose.ts) is then no longer a direction PCA can count.
 */
export function withoutOffsets(d: SeriesMatrix): SeriesMatrix {
  const { spectrumCount: n, energyCount: m } = d;
  const values = new Float64Array(d.values);
  for (let i = 0; i < n; i++) {
    let mean = 0;
    for (let j = 0; j < m; j++) mean += values[i * m + j]!;
    mean /= m;
    for (let j = 0; j < m; j++) values[i * m + j] = values[i * m + j]! - mean;
  }
  return { ...d, values };
}

export function gramOfSpectra(d: SeriesMatrix): Float64Array {
  const { spectrumCount: n, energyCount: m, values } = d;
  const g = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const a = i * m;
    for (let k = 0; k <= i; k++) {
      const b = k * m;
      let s = 0;
      for (let j = 0; j < m; j++) s += values[a + j]! * values[b + j]!;
      g[i * n + k] = s;
      g[k * n + i] = s;
    }
  }
  return g;
}

/** Dᵀ·D (M × M): the inner products of the energy columns, accumulated spectrum by spectrum. */
export function gramOfEnergies(d: SeriesMatrix): Float64Array {
  const { spectrumCount: n, energyCount: m, values } = d;
  const g = new Float64Array(m * m);
  for (let i = 0; i < n; i++) {
    const a = i * m;
    for (let p = 0; p < m; p++) {
      const x = values[a + p]!;
      if (x === 0) continue;
      const row = p * m;
      for (let q = p; q < m; q++) g[row + q] = g[row + q]! + x * values[a + q]!;
    }
  }
  for (let p = 0; p < m; p++) for (let q = 0; q < p; q++) g[p * m + q] = g[q * m + p]!;
  return g;
}

/** Σ of the squares of every value. */
export function sumOfSquares(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]! * values[i]!;
  return s;
}

/** A·Bᵀ for row-major A (r × n) and B (c × n): r × c. */
export function multiplyByTranspose(a: Float64Array, rows: number, b: Float64Array, columns: number, inner: number): Float64Array {
  const out = new Float64Array(rows * columns);
  for (let i = 0; i < rows; i++) {
    const ai = i * inner;
    for (let k = 0; k < columns; k++) {
      const bk = k * inner;
      let s = 0;
      for (let j = 0; j < inner; j++) s += a[ai + j]! * b[bk + j]!;
      out[i * columns + k] = s;
    }
  }
  return out;
}

/** Aᵀ·B for row-major A (n × r) and B (n × c): r × c (sums over the shared first index). */
export function transposeTimes(a: Float64Array, rows: number, b: Float64Array, columns: number, shared: number): Float64Array {
  const out = new Float64Array(rows * columns);
  for (let s = 0; s < shared; s++) {
    const as = s * rows;
    const bs = s * columns;
    for (let i = 0; i < rows; i++) {
      const x = a[as + i]!;
      if (x === 0) continue;
      const oi = i * columns;
      for (let k = 0; k < columns; k++) out[oi + k] = out[oi + k]! + x * b[bs + k]!;
    }
  }
  return out;
}
