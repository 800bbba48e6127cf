// Principal component analysis of a series for its number of significant components: abstract factor analysis in
// Malinowski's form (Factor Analysis in Chemistry, 3rd ed., Wiley 2002, ch. 4; Anal. Chem. 49, 612 (1977) for IND),
// with a noise cross-check against the largest eigenvalue pure noise would give (Marchenko & Pastur 1967).
//
// Centring: none. The data are factored about the origin, as Malinowski does and as MCR assumes (D = C·Sᵀ): with
// closure (the fractions of each spectrum sum to 1) a series of k components has rank k uncentred, k − 1 once the mean
// spectrum is subtracted, so the uncentred count is the number of components MCR-ALS must resolve. Larch's pca_train
// (larch/math/pca.py) instead subtracts the mean spectrum and scales each spectrum to unit variance before an IND of its
// own form; we do not follow it: scaling changes the noise of each spectrum, which IND's error theory assumes equal,
// and centring would make its count one less than the components.
import { symmetricEigen } from './eigen.ts';
import { gramOfEnergies, gramOfSpectra, type SeriesMatrix } from './matrix.ts';
import { estimateNoise, type NoiseEstimate } from './noise.ts';

/** Default limit on the chosen number of components. */
export const DEFAULT_MAX_COMPONENTS = 6;
/**
 * An eigenvalue counts as signal in the noise check when it exceeds the largest eigenvalue of a pure-noise N × M matrix,
 * σ²(√N + √M)² (the Marchenko–Pastur edge), by this factor: a margin for the error of σ and for non-Gaussian noise.
 */
export const NOISE_MARGIN = 1.5;
/** Eigenvalues below this fraction of the largest, times the matrix size, are zero within rounding (rank deficiency). */
const RANK_TOLERANCE = 1e-13;

/** Options of {@link seriesPca}. */
export interface PcaOptions {
  /** The chosen count never exceeds this. Default {@link DEFAULT_MAX_COMPONENTS}. */
  maxComponents?: number;
  /** Components whose scores and loadings are returned. Default `maxComponents` (at most min(N, M)). */
  keepVectors?: number;
}

/** Which rule chose the count. */
export type ComponentRule = 'IND' | 'noise';

/** PCA of a series (see the module comment). Index j of the arrays is component j + 1. */
export interface SeriesPca {
  spectrumCount: number;
  energyCount: number;
  /** Eigenvalues of DᵀD (squared singular values of D, uncentred), descending, min(N, M) of them; 0 below rounding. */
  eigenvalues: Float64Array;
  singularValues: Float64Array;
  /** Each eigenvalue's share of Σλ = ‖D‖² (uncentred: the first includes the mean spectrum, typically > 0.99). */
  explainedVariance: Float64Array;
  /** Running sum of `explainedVariance`. */
  cumulativeVariance: Float64Array;
  /** Malinowski's real error RE(n) = √(Σ_{j>n} λ_j / (r (c − n))) for n = 1 … c − 1 (index n − 1); r = max(N, M), c = min(N, M). */
  realError: Float64Array;
  /** Malinowski's indicator function IND(n) = RE(n) / (c − n)² for n = 1 … c − 1 (index n − 1). */
  indicator: Float64Array;
  /** n of IND's smallest value among 1 … maxComponents (null when c < 3: IND has a single value and cannot choose). */
  indicatorCount: number | null;
  /** n of IND's smallest value over all n (may exceed maxComponents). */
  indicatorGlobalMinimum: number | null;
  /** The noise check: σ, the eigenvalue threshold σ²(√N + √M)² · NOISE_MARGIN and how many eigenvalues exceed it. */
  noise: NoiseEstimate & { threshold: number; count: number };
  /** Eigenvalues distinguishable from zero (the rank of D within rounding). */
  numericalRank: number;
  /** The chosen number of components, 1 … maxComponents. */
  components: number;
  rule: ComponentRule;
  /** One sentence: which rule chose the count and what the other said. */
  reason: string;
  /** How many components' scores and loadings follow. */
  keptVectors: number;
  /** Scores T (N × keptVectors, row-major): spectrum i's coordinate on component j; D ≈ T·Vᵀ. */
  scores: Float64Array;
  /** Loadings V (keptVectors × M, row-major): unit abstract spectra, signed so that each sums to ≥ 0. */
  loadings: Float64Array;
}

/**
 * PCA of a series D (N spectra × M energies, normalised, one grid) and the number of significant components: IND's
 * minimum as the rule, the noise check beside it (the noise rule decides only where IND cannot: fewer than three spectra
 * or energies). Eigenvalues come from the smaller Gram matrix (DDᵀ when N ≤ M, else DᵀD), so 1,000 × 300 costs one
 * 300 × 300 eigen-problem.
 */
export function seriesPca(d: SeriesMatrix, options: PcaOptions = {}): SeriesPca {
  const { spectrumCount: n, energyCount: m } = d;
  const c = Math.min(n, m);
  const r = Math.max(n, m);
  const maxComponents = Math.min(options.maxComponents ?? DEFAULT_MAX_COMPONENTS, c);
  const keptVectors = Math.min(options.keepVectors ?? maxComponents, c);
  const bySpectra = n <= m;
  const eigen = symmetricEigen(bySpectra ? gramOfSpectra(d) : gramOfEnergies(d), c);

  const eigenvalues = Float64Array.from(eigen.values);
  const zero = Math.max(eigenvalues[0]!, 0) * RANK_TOLERANCE * r;
  let numericalRank = 0;
  for (let j = 0; j < c; j++) {
    if (eigenvalues[j]! > zero) numericalRank++;
    else eigenvalues[j] = 0;
  }
  const singularValues = eigenvalues.map(Math.sqrt);
  const total = eigenvalues.reduce((a, l) => a + l, 0) || 1;
  const explainedVariance = eigenvalues.map((l) => l / total);
  let running = 0;
  const cumulativeVariance = explainedVariance.map((v) => (running += v));

  const { realError, indicator } = malinowskiIndicator(eigenvalues, r, c);
  const indicatorCount = c >= 3 ? firstMinimum(indicator, maxComponents) : null;
  const indicatorGlobalMinimum = c >= 3 ? firstMinimum(indicator, c - 1) : null;

  const noiseEstimate = estimateNoise(d);
  const threshold = Math.max(noiseEstimate.sigma ** 2 * (Math.sqrt(n) + Math.sqrt(m)) ** 2 * NOISE_MARGIN, zero);
  let noiseCount = 0;
  while (noiseCount < c && eigenvalues[noiseCount]! > threshold) noiseCount++;
  const noise = { ...noiseEstimate, threshold, count: noiseCount };

  const noiseChoice = Math.min(Math.max(noiseCount, 1), maxComponents);
  const rule: ComponentRule = indicatorCount === null ? 'noise' : 'IND';
  const components = indicatorCount ?? noiseChoice;
  const reason = describeChoice(rule, components, indicator, noise, indicatorGlobalMinimum, maxComponents);

  const { scores, loadings } = vectorsOf(d, eigen.vectors, singularValues, keptVectors, bySpectra);
  return {
    spectrumCount: n,
    energyCount: m,
    eigenvalues,
    singularValues,
    explainedVariance,
    cumulativeVariance,
    realError,
    indicator,
    indicatorCount,
    indicatorGlobalMinimum,
    noise,
    numericalRank,
    components,
    rule,
    reason,
    keptVectors,
    scores,
    loadings,
  };
}

/**
 * Malinowski's real error and indicator function from the eigenvalues λ (descending, length c) of an r × c data matrix
 * (r ≥ c): RE(n) = √(Σ_{j>n} λ_j / (r (c − n))), IND(n) = RE(n) / (c − n)², n = 1 … c − 1 (Anal. Chem. 49, 612 (1977)).
 */
export function malinowskiIndicator(eigenvalues: Float64Array, r: number, c: number): { realError: Float64Array; indicator: Float64Array } {
  const realError = new Float64Array(Math.max(c - 1, 0));
  const indicator = new Float64Array(Math.max(c - 1, 0));
  let tail = 0;
  for (let j = c - 1; j >= 1; j--) {
    tail += eigenvalues[j]!; // Σ_{j' ≥ j} λ (0-based) = Σ over the components after the first n = j.
    const free = c - j;
    realError[j - 1] = Math.sqrt(tail / (r * free));
    indicator[j - 1] = realError[j - 1]! / (free * free);
  }
  return { realError, indicator };
}

/** n (1-based) of the first smallest value among the first `limit` entries. */
function firstMinimum(values: Float64Array, limit: number): number {
  let best = 0;
  for (let j = 1; j < Math.min(limit, values.length); j++) if (values[j]! < values[best]!) best = j;
  return best + 1;
}

function describeChoice(
  rule: ComponentRule,
  components: number,
  indicator: Float64Array,
  noise: SeriesPca['noise'],
  globalMinimum: number | null,
  maxComponents: number,
): string {
  const sigma = `σ ≈ ${noise.sigma.toPrecision(2)}`;
  const noiseSays = `${noise.count} eigenvalue${noise.count === 1 ? '' : 's'} exceed${noise.count === 1 ? 's' : ''} the noise level (${sigma}, threshold λ > ${noise.threshold.toPrecision(2)})`;
  if (rule === 'noise') {
    return `${components} component${components === 1 ? '' : 's'} by the noise check: ${noiseSays}; Malinowski's IND needs at least three spectra and three energies.`;
  }
  const head = `${components} component${components === 1 ? '' : 's'} by Malinowski's IND, smallest at n = ${components} (IND = ${indicator[components - 1]!.toPrecision(3)})`;
  const capped = globalMinimum !== null && globalMinimum > maxComponents ? ` among n ≤ ${maxComponents} (its overall minimum is at n = ${globalMinimum})` : '';
  const check = noise.count === components ? `; the noise check agrees: ${noiseSays}.` : `; the noise check differs: ${noiseSays}.`;
  return head + capped + check;
}

/** Scores (N × K) and unit loadings (K × M) of the first K components from the eigenvectors of the Gram matrix used. */
function vectorsOf(
  d: SeriesMatrix,
  eigenvectors: Float64Array,
  singularValues: Float64Array,
  k: number,
  bySpectra: boolean,
): { scores: Float64Array; loadings: Float64Array } {
  const { spectrumCount: n, energyCount: m, values } = d;
  const c = Math.min(n, m);
  const scores = new Float64Array(n * k);
  const loadings = new Float64Array(k * m);
  for (let j = 0; j < k; j++) {
    const vector = eigenvectors.subarray(j * c, j * c + c);
    const s = singularValues[j]!;
    if (bySpectra) {
      // u_j (length N): scores t = s·u, loadings v = Dᵀu / s.
      if (s > 0) {
        for (let i = 0; i < n; i++) {
          const ui = vector[i]!;
          for (let e = 0; e < m; e++) loadings[j * m + e] = loadings[j * m + e]! + (ui * values[i * m + e]!) / s;
        }
      }
      for (let i = 0; i < n; i++) scores[i * k + j] = s * vector[i]!;
    } else {
      // v_j (length M) is the loading; scores t = D v.
      loadings.set(vector, j * m);
      for (let i = 0; i < n; i++) {
        let t = 0;
        for (let e = 0; e < m; e++) t += values[i * m + e]! * vector[e]!;
        scores[i * k + j] = t;
      }
    }
    let sum = 0;
    for (let e = 0; e < m; e++) sum += loadings[j * m + e]!;
    if (sum < 0) {
      for (let e = 0; e < m; e++) loadings[j * m + e] = -loadings[j * m + e]!;
      for (let i = 0; i < n; i++) scores[i * k + j] = -scores[i * k + j]!;
    }
  }
  return { scores, loadings };
}
