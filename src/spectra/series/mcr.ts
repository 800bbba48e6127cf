// Multivariate curve resolution by alternating least squares (MCR-ALS; Tauler, Chemom. Intell. Lab. Syst. 30, 133
// (1995); de Juan & Tauler, Crit. Rev. Anal. Chem. 36, 163 (2006)): the series D (N × M) ≈ C·S with C (N × k) the
// concentration profile and S (k × M) the component spectra, alternately solving for C given S and for S given C under
// non-negativity (both) and closure (each spectrum's fractions sum to 1, as normalised μ of a mixture requires).
// Closure is an exact equality inside each concentration step's NNLS (batch-nnls.ts). Convergence on the relative
// change of the lack of fit, as in Tauler's MCR-ALS toolbox (Jaumot et al., Chemom. Intell. Lab. Syst. 76, 101 (2005)).
// Like that toolbox's option, ALS may fit the PCA reconstruction of D with as many components (noise-filtered; each
// iteration then costs O((N + M) k²) instead of O(N M k)); the lack of fit is always reported against D itself.
import { batchNnls } from './batch-nnls.ts';
import { multiplyByTranspose, sumOfSquares, transposeTimes, type SeriesMatrix } from './matrix.ts';

/** Default cap on ALS iterations (Tauler's toolbox: 50; the default tolerance needs 10–60 on SYNTHETIC series). */
export const DEFAULT_MAX_ITERATIONS = 500;
/**
 * Default convergence threshold: relative change of the lack of fit between two iterations (Tauler's toolbox: 0.1 % of
 * the residuals' σ). Tighter is not better: once the fit is at the noise, ALS drifts along the rotational ambiguity
 * that non-negativity and closure leave, fitting noise; on SYNTHETIC series of library references the profiles' RMS
 * error grew from ~0.01 at 1e-5 to 0.03–0.10 at 1e-7–1e-8.
 */
export const DEFAULT_TOLERANCE = 1e-5;

/** Options of {@link mcrAls}. */
export interface McrOptions {
  /** Default {@link DEFAULT_MAX_ITERATIONS}. */
  maxIterations?: number;
  /** Stop when |ΔLOF| / LOF falls below this. Default {@link DEFAULT_TOLERANCE}. */
  tolerance?: number;
  /** Fractions of each spectrum sum to 1. Default true. */
  closure?: boolean;
  /** Fit this low-rank reconstruction of D (PCA scores × loadings) during the iterations instead of D. */
  lowRank?: LowRank;
}

/** D ≈ T·L: scores T (N × rank) and loadings L (rank × M), both row-major. */
export interface LowRank {
  rank: number;
  scores: Float64Array;
  loadings: Float64Array;
}

/** An MCR-ALS solution. Components are ordered by where in the series their concentration is centred (first to last). */
export interface McrResult {
  componentCount: number;
  /** Component spectra S, k × M row-major. */
  spectra: Float64Array;
  /** Concentration profile C, N × k row-major (spectrum i, component j at i·k + j); rows sum to 1 under closure. */
  concentrations: Float64Array;
  /** 100 · ‖D − CS‖ / ‖D‖, percent (Tauler's lack of fit on the data, not on their PCA reconstruction). */
  lackOfFit: number;
  /** 1 − ‖D − CS‖² / ‖D‖², uncentred (the share of Σ D² the model reproduces). */
  explainedVariance: number;
  iterations: number;
  converged: boolean;
  /** Component j of the result came from initial spectrum `initialOrder[j]` (components are reordered along the series). */
  initialOrder: number[];
}

/**
 * MCR-ALS from initial component spectra `initial` (k × M row-major, e.g. the purest spectra of purest.ts; negative values
 * are clipped). Each iteration: C from S (NNLS per spectrum, closure), then S from C (NNLS per energy).
 */
export function mcrAls(d: SeriesMatrix, initial: Float64Array, k: number, options: McrOptions = {}): McrResult {
  const { spectrumCount: n, energyCount: m } = d;
  if (initial.length !== k * m) throw new Error(`mcrAls: expected ${k} initial spectra of ${m} points, got ${initial.length} values`);
  const maxIterations = options.maxIterations ?? DEFAULT_MAX_ITERATIONS;
  const tolerance = options.tolerance ?? DEFAULT_TOLERANCE;
  const closure = options.closure ?? true;
  const data = options.lowRank ? lowRankProducts(options.lowRank, d) : denseProducts(d);

  let spectra: Float64Array = initial.map((x) => Math.max(x, 0));
  let step = solveConcentrations(data, spectra, k, closure);
  let lackOfFit = lackOfFitOf(step, n, k, data);
  let iterations = 0;
  let converged = false;
  while (iterations < maxIterations) {
    iterations++;
    spectra = solveSpectra(data, step.concentrations, k);
    step = solveConcentrations(data, spectra, k, closure);
    const next = lackOfFitOf(step, n, k, data);
    const change = Math.abs(lackOfFit - next) / Math.max(next, 1e-300);
    lackOfFit = next;
    if (change < tolerance) {
      converged = true;
      break;
    }
  }

  const { concentrations } = step;
  lackOfFit = lackOfFitOnData(d, concentrations, spectra, k);
  const order = orderByCentroid(concentrations, n, k);
  const ordered = reorder(spectra, concentrations, order, n, m, k);
  return {
    componentCount: k,
    spectra: ordered.spectra,
    concentrations: ordered.concentrations,
    lackOfFit,
    explainedVariance: 1 - (lackOfFit / 100) ** 2,
    iterations,
    converged,
    initialOrder: order,
  };
}

/** The products of the data that ALS needs, from D itself or from a low-rank reconstruction of it. */
interface DataProducts {
  spectrumCount: number;
  energyCount: number;
  /** ‖D‖² of the data the lack of fit is reported against. */
  sumOfSquares: number;
  /** ‖D − D̂‖², the part of D the products leave out (0 for D itself): added to each residual so that the lack of fit
   * during the iterations stays on D's scale. */
  leftOut: number;
  /** ‖D̂‖² of the data the products are of. */
  fittedSumOfSquares: number;
  /** D Sᵀ (N × k) for S (k × M). */
  timesSpectra(spectra: Float64Array, k: number): Float64Array;
  /** Cᵀ D (k × M) for C (N × k). */
  concentrationsTimes(concentrations: Float64Array, k: number): Float64Array;
}

function denseProducts(d: SeriesMatrix): DataProducts {
  const { spectrumCount: n, energyCount: m, values } = d;
  return {
    spectrumCount: n,
    energyCount: m,
    sumOfSquares: sumOfSquares(values) || 1,
    leftOut: 0,
    fittedSumOfSquares: sumOfSquares(values),
    timesSpectra: (spectra, k) => multiplyByTranspose(values, n, spectra, k, m),
    concentrationsTimes: (concentrations, k) => transposeTimes(concentrations, k, values, m, n),
  };
}

/** Products of D ≈ T·L in O((N + M)·rank·k): D Sᵀ = T (L Sᵀ), Cᵀ D = (Cᵀ T) L. */
function lowRankProducts(lowRank: LowRank, d: SeriesMatrix): DataProducts {
  const { spectrumCount: n, energyCount: m } = d;
  const { rank, scores, loadings } = lowRank;
  if (scores.length !== n * rank || loadings.length !== rank * m) {
    throw new Error(`mcrAls: low-rank data of rank ${rank} must hold ${n} × ${rank} scores and ${rank} × ${m} loadings`);
  }
  const scoreGram = transposeTimes(scores, rank, scores, rank, n);
  const loadingGram = multiplyByTranspose(loadings, rank, loadings, rank, m);
  let total = 0;
  for (let p = 0; p < rank * rank; p++) total += scoreGram[p]! * loadingGram[p]!;
  const loadingsT = new Float64Array(m * rank);
  for (let r = 0; r < rank; r++) for (let e = 0; e < m; e++) loadingsT[e * rank + r] = loadings[r * m + e]!;
  return {
    spectrumCount: n,
    energyCount: m,
    sumOfSquares: sumOfSquares(d.values) || 1,
    leftOut: Math.max(sumOfSquares(d.values) - total, 0),
    fittedSumOfSquares: total,
    timesSpectra: (spectra, k) => {
      const ls = multiplyByTranspose(loadings, rank, spectra, k, m); // L Sᵀ, rank × k
      return multiplyRowMajor(scores, n, ls, k, rank);
    },
    concentrationsTimes: (concentrations, k) => {
      const ct = transposeTimes(concentrations, k, scores, rank, n); // Cᵀ T, k × rank
      return multiplyByTranspose(ct, k, loadingsT, m, rank);
    },
  };
}

/** A·B for row-major A (r × inner) and B (inner × c). */
function multiplyRowMajor(a: Float64Array, rows: number, b: Float64Array, columns: number, inner: number): Float64Array {
  const out = new Float64Array(rows * columns);
  for (let i = 0; i < rows; i++) {
    for (let q = 0; q < inner; q++) {
      const x = a[i * inner + q]!;
      for (let c = 0; c < columns; c++) out[i * columns + c] = out[i * columns + c]! + x * b[q * columns + c]!;
    }
  }
  return out;
}

/** A concentration step: C, and the products it was solved from (for the lack of fit without another pass over D). */
interface ConcentrationStep {
  concentrations: Float64Array;
  /** S Sᵀ, k × k. */
  spectraGram: Float64Array;
  /** D Sᵀ, N × k. */
  dataTimesSpectra: Float64Array;
}

/** C (N × k) ≥ 0 minimising ‖D − CS‖ row by row, with Σ_j C_ij = 1 exactly when `closure`. */
function solveConcentrations(data: DataProducts, spectra: Float64Array, k: number, closure: boolean): ConcentrationStep {
  const { spectrumCount: n, energyCount: m } = data;
  const spectraGram = multiplyByTranspose(spectra, k, spectra, k, m);
  const dataTimesSpectra = data.timesSpectra(spectra, k);
  const solve = batchNnls(spectraGram, k, { sumToOne: closure });
  const concentrations = new Float64Array(n * k);
  const x = new Float64Array(k);
  for (let i = 0; i < n; i++) concentrations.set(solve(dataTimesSpectra.subarray(i * k, i * k + k), x), i * k);
  return { concentrations, spectraGram, dataTimesSpectra };
}

/** S (k × M) ≥ 0 minimising ‖D − CS‖ energy by energy. */
function solveSpectra(data: DataProducts, concentrations: Float64Array, k: number): Float64Array {
  const { spectrumCount: n, energyCount: m } = data;
  const solve = batchNnls(transposeTimes(concentrations, k, concentrations, k, n), k); // Cᵀ C
  const b = data.concentrationsTimes(concentrations, k); // Cᵀ D, k × M
  const out = new Float64Array(k * m);
  const rhs = new Float64Array(k);
  const x = new Float64Array(k);
  for (let e = 0; e < m; e++) {
    for (let j = 0; j < k; j++) rhs[j] = b[j * m + e]!;
    solve(rhs, x);
    for (let j = 0; j < k; j++) out[j * m + e] = x[j]!;
  }
  return out;
}

/**
 * 100 · ‖D − CS‖ / ‖D‖ from the step's products: ‖D̂ − CS‖² = ‖D̂‖² − 2 Σ C∘(D̂Sᵀ) + Σ (CᵀC)∘(SSᵀ), plus ‖D − D̂‖² (exact for
 * D itself; for a low-rank D̂ exact when S lies in its loadings' span, close otherwise: the reported value is recomputed on D).
 */
function lackOfFitOf(step: ConcentrationStep, n: number, k: number, data: DataProducts): number {
  const { concentrations: c, spectraGram, dataTimesSpectra } = step;
  let cross = 0;
  for (let p = 0; p < n * k; p++) cross += c[p]! * dataTimesSpectra[p]!;
  const cc = transposeTimes(c, k, c, k, n);
  let model = 0;
  for (let p = 0; p < k * k; p++) model += cc[p]! * spectraGram[p]!;
  const residual = Math.max(data.fittedSumOfSquares - 2 * cross + model, 0) + data.leftOut;
  return 100 * Math.sqrt(residual / data.sumOfSquares);
}

/** 100 · ‖D − CS‖ / ‖D‖ by one pass over D. */
function lackOfFitOnData(d: SeriesMatrix, concentrations: Float64Array, spectra: Float64Array, k: number): number {
  const { spectrumCount: n, energyCount: m, values } = d;
  let residual = 0;
  for (let i = 0; i < n; i++) {
    for (let e = 0; e < m; e++) {
      let fit = 0;
      for (let j = 0; j < k; j++) fit += concentrations[i * k + j]! * spectra[j * m + e]!;
      const r = values[i * m + e]! - fit;
      residual += r * r;
    }
  }
  return 100 * Math.sqrt(residual / (sumOfSquares(values) || 1));
}

/** Component order by the centroid of each concentration profile along the series (the index weighted by C). */
function orderByCentroid(concentrations: Float64Array, n: number, k: number): number[] {
  const centroid = Array.from({ length: k }, (_, j) => {
    let weight = 0;
    let moment = 0;
    for (let i = 0; i < n; i++) {
      weight += concentrations[i * k + j]!;
      moment += i * concentrations[i * k + j]!;
    }
    return weight > 0 ? moment / weight : Infinity;
  });
  return Array.from({ length: k }, (_, j) => j).sort((x, y) => centroid[x]! - centroid[y]!);
}

function reorder(
  spectra: Float64Array,
  concentrations: Float64Array,
  order: readonly number[],
  n: number,
  m: number,
  k: number,
): { spectra: Float64Array; concentrations: Float64Array } {
  const s = new Float64Array(k * m);
  const c = new Float64Array(n * k);
  order.forEach((from, to) => {
    s.set(spectra.subarray(from * m, from * m + m), to * m);
    for (let i = 0; i < n; i++) c[i * k + to] = concentrations[i * k + from]!;
  });
  return { spectra: s, concentrations: c };
}
