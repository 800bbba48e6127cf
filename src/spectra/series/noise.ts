// The noise level of a series, estimated without a model of the signal, for the noise cross-check of the component
// count (pca.ts). Two robust estimates from differences that cancel a smooth signal (the "DER" idea of
// Stoehr et al., ASP Conf. Ser. 394, 505 (2008); median absolute deviation, Hampel 1974): both are biased upward by
// whatever signal survives the difference, never downward, so the smaller one is kept.
import type { SeriesMatrix } from './matrix.ts';

/** MAD → σ for Gaussian noise: σ = 1.4826 · median |x| (x of zero median). */
const MAD_TO_SIGMA = 1.4826;

/** The noise estimates of {@link estimateNoise}, all σ in units of the data (edge steps for normalised μ). */
export interface NoiseEstimate {
  /** The estimate used: the smaller of the two below (each is biased upward by the signal that survives its difference). */
  sigma: number;
  /** From second differences along energy, x[j−1] − 2x[j] + x[j+1] (variance 6σ² for white noise). */
  fromEnergyDifferences: number;
  /** From differences of consecutive spectra of the series (variance 2σ²): small when the series changes slowly. */
  fromSeriesDifferences: number;
}

/**
 * Noise σ of a series (spectra assumed of equal, uncorrelated, Gaussian noise). Caveat: noise smoothed or correlated
 * along energy (interpolation onto a finer grid) lowers the energy estimate; spectra in no particular order raise the
 * series estimate (then the energy estimate is the smaller and is used).
 */
export function estimateNoise(d: SeriesMatrix): NoiseEstimate {
  const fromEnergyDifferences = energyDifferenceSigma(d);
  const fromSeriesDifferences = seriesDifferenceSigma(d);
  const candidates = [fromEnergyDifferences, fromSeriesDifferences].filter(Number.isFinite);
  return { sigma: candidates.length ? Math.min(...candidates) : Number.NaN, fromEnergyDifferences, fromSeriesDifferences };
}

function energyDifferenceSigma(d: SeriesMatrix): number {
  const { spectrumCount: n, energyCount: m, values } = d;
  if (m < 3) return Number.NaN;
  const diffs = new Float64Array(n * (m - 2));
  let at = 0;
  for (let i = 0; i < n; i++) {
    const row = i * m;
    for (let j = 1; j < m - 1; j++) diffs[at++] = Math.abs(values[row + j - 1]! - 2 * values[row + j]! + values[row + j + 1]!);
  }
  return (MAD_TO_SIGMA * median(diffs)) / Math.sqrt(6);
}

function seriesDifferenceSigma(d: SeriesMatrix): number {
  const { spectrumCount: n, energyCount: m, values } = d;
  if (n < 2) return Number.NaN;
  const diffs = new Float64Array((n - 1) * m);
  for (let k = 0; k < diffs.length; k++) diffs[k] = Math.abs(values[k + m]! - values[k]!);
  return (MAD_TO_SIGMA * median(diffs)) / Math.SQRT2;
}

/** Median of the values (reorders the array: Hoare's selection, expected O(n) where a sort is O(n log n)). */
function median(values: Float64Array): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  const upper = select(values, n >> 1);
  if (n % 2) return upper;
  let lower = -Infinity;
  for (let i = 0; i < n >> 1; i++) lower = Math.max(lower, values[i]!);
  return (lower + upper) / 2;
}

/** The value of rank `k` (0-based); afterwards values[0..k) ≤ values[k] ≤ values(k..n). */
function select(values: Float64Array, k: number): number {
  let left = 0;
  let right = values.length - 1;
  while (left < right) {
    const pivot = values[(left + right) >> 1]!;
    let i = left;
    let j = right;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const t = values[i]!;
        values[i] = values[j]!;
        values[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else break;
  }
  return values[k]!;
}
