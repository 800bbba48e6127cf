// Decomposition of an in-situ series (issue 13, item 3): PCA for the number of components (pca.ts), the most
// dissimilar spectra as the start (purest.ts), MCR-ALS with non-negativity and closure (mcr.ts). Input: spectra already
// normalised and on one energy grid; checks here, numerics there. Plain arrays out.
import { InputError } from '../../errors.ts';
import { packRows, withoutOffsets } from './matrix.ts';
import { mcrAls, type LowRank, type McrOptions } from './mcr.ts';
import { DEFAULT_MAX_COMPONENTS, seriesPca, type ComponentRule, type SeriesPca } from './pca.ts';
import { purestSpectra } from './purest.ts';

/** Most spectra in one series. */
export const MAX_SERIES_SPECTRA = 1000;
/** Most components a user may ask for (and the largest `maxComponents`). */
export const MAX_COMPONENTS = 8;
/** Fewest energies of the common grid. */
export const MIN_ENERGY_POINTS = 5;
/** A component whose edge step differs from the series' by more than this (edge steps) is reported. */
export const EDGE_STEP_TOLERANCE = 0.1;
/** Shares of the grid averaged for the edge step: the first points (pre-edge) and the last (post-edge). */
const PRE_EDGE_SHARE = 0.05;
const POST_EDGE_SHARE = 0.1;

/** Options of {@link decomposeSeriesMatrix}. */
export interface DecomposeOptions {
  /** The number of components, 1 … {@link MAX_COMPONENTS}, instead of PCA's choice. */
  components?: number;
  /** The most components PCA may choose, 1 … {@link MAX_COMPONENTS}. Default 6. */
  maxComponents?: number;
  /** MCR-ALS settings (iterations, tolerance, closure). */
  mcr?: McrOptions;
}

/** PCA's side of the answer (see SeriesPca in pca.ts for each field's meaning). */
export interface SeriesPcaSummary {
  eigenvalues: number[];
  singularValues: number[];
  explainedVariance: number[];
  cumulativeVariance: number[];
  /** Malinowski's real error RE(n) and indicator IND(n), n = 1 … min(N, M) − 1 (index n − 1). */
  realError: number[];
  indicator: number[];
  indicatorCount: number | null;
  noiseSigma: number;
  noiseThreshold: number;
  noiseCount: number;
  numericalRank: number;
  /** PCA's count and the rule that gave it. */
  suggestedComponents: number;
  rule: ComponentRule;
  reason: string;
}

/** One resolved component. */
export interface SeriesComponent {
  /** Normalised μ on the input grid (M values). */
  spectrum: number[];
  /** Its fraction in each spectrum of the series (N values). */
  concentration: number[];
  /** Post-edge mean minus pre-edge mean of `spectrum` (≈ 1 for a normalised XANES component). */
  edgeStep: number;
  /** Index of the series spectrum MCR-ALS started this component from. */
  startedFrom: number;
}

/** The decomposition of a series. */
export interface SeriesDecomposition {
  spectrumCount: number;
  energyCount: number;
  pca: SeriesPcaSummary;
  /** Components resolved, and who chose the number: the user, or PCA's rule. */
  componentCount: number;
  chosenBy: 'user' | ComponentRule;
  /** Components in order of where their concentration is centred along the series. */
  components: SeriesComponent[];
  /** N × k: row i holds spectrum i's fractions (sum 1). */
  concentrations: number[][];
  /** MCR-ALS lack of fit, percent of ‖D‖, and the smallest any k components reach (PCA's), for comparison. */
  lackOfFit: number;
  lackOfFitPca: number;
  /** 1 − ‖D − CS‖² / ‖D‖² (uncentred). */
  explainedVariance: number;
  iterations: number;
  converged: boolean;
  /** Median edge step of the input spectra (the same measure as each component's). */
  seriesEdgeStep: number;
  /** Milliseconds spent in PCA and in MCR-ALS. */
  elapsedMs: { pca: number; mcr: number };
  warnings: string[];
}

/**
 * Decompose a series of normalised spectra on one grid (`energies`, eV, increasing; `rows`, one per spectrum) into
 * components and their concentration profile. Throws InputError for fewer than two spectra, rows of another length
 * than the grid, non-finite values and options out of range.
 */
export function decomposeSeriesMatrix(
  energies: ArrayLike<number>,
  rows: readonly ArrayLike<number>[],
  options: DecomposeOptions = {},
): SeriesDecomposition {
  checkSeries(energies, rows);
  const maxComponents = checkCount(options.maxComponents ?? DEFAULT_MAX_COMPONENTS, 'maxComponents');
  const asked = options.components === undefined ? undefined : checkCount(options.components, 'components');
  const d = packRows(rows);
  const { spectrumCount: n, energyCount: m } = d;
  if (asked !== undefined && asked > n) {
    throw new InputError(`components (${asked}) cannot exceed the number of spectra (${n}): ask for at most ${n}`, 'components');
  }

  const started = performance.now();
  const pca = seriesPca(d, { maxComponents, keepVectors: Math.max(maxComponents, asked ?? 0) });
  // The count is made on offset-free spectra: normalising each spectrum on its own noise leaves it a constant offset
  // of a few 0.1 % (its pre-edge line, extrapolated), which over hundreds of spectra is a direction PCA would count as
  // a component (bench:mixtures, Fe K, 500 spectra at 0.5 % noise: eigenvalue 0.6 against 0.05 for the noise).
  const counted = seriesPca(withoutOffsets(d), { maxComponents });
  const pcaMs = performance.now() - started;
  const k = asked ?? counted.components;

  const startedFrom = purestSpectra(pca.scores, n, pca.keptVectors, k);
  const initial = reconstructRows(pca, startedFrom, k, m);
  const mcrStarted = performance.now();
  const mcr = mcrAls(d, initial, k, { lowRank: leadingComponents(pca, k), ...options.mcr });
  const mcrMs = performance.now() - mcrStarted;

  const edgeSteps = Array.from({ length: k }, (_, j) => edgeStep(mcr.spectra.subarray(j * m, j * m + m)));
  const seriesEdgeStep = medianOf(Array.from({ length: n }, (_, i) => edgeStep(d.values.subarray(i * m, i * m + m))));
  const tail = pca.eigenvalues.slice(k).reduce((a, l) => a + l, 0);
  const total = pca.eigenvalues.reduce((a, l) => a + l, 0) || 1;
  const lackOfFitPca = 100 * Math.sqrt(tail / total);

  const components: SeriesComponent[] = Array.from({ length: k }, (_, j) => ({
    spectrum: Array.from(mcr.spectra.subarray(j * m, j * m + m)),
    concentration: Array.from({ length: n }, (_, i) => mcr.concentrations[i * k + j]!),
    edgeStep: edgeSteps[j]!,
    startedFrom: startedFrom[mcr.initialOrder[j]!] ?? -1,
  }));

  return {
    spectrumCount: n,
    energyCount: m,
    pca: summarize(counted),
    componentCount: k,
    chosenBy: asked === undefined ? counted.rule : 'user',
    components,
    concentrations: Array.from({ length: n }, (_, i) => Array.from(mcr.concentrations.subarray(i * k, i * k + k))),
    lackOfFit: mcr.lackOfFit,
    lackOfFitPca,
    explainedVariance: mcr.explainedVariance,
    iterations: mcr.iterations,
    converged: mcr.converged,
    seriesEdgeStep,
    elapsedMs: { pca: pcaMs, mcr: mcrMs },
    warnings: warningsFor(counted, k, asked, mcr, edgeSteps, seriesEdgeStep, lackOfFitPca, options.mcr?.closure ?? true),
  };
}

function checkSeries(energies: ArrayLike<number>, rows: readonly ArrayLike<number>[]): void {
  if (rows.length === 0) throw new InputError('the series is empty: send at least two spectra', 'spectra');
  if (rows.length === 1) {
    throw new InputError('one spectrum cannot be decomposed into a series: send at least two spectra of the series (fit a single spectrum with fitMixture)', 'spectra');
  }
  if (rows.length > MAX_SERIES_SPECTRA) {
    throw new InputError(`a series holds at most ${MAX_SERIES_SPECTRA} spectra; got ${rows.length}: split it or send every n-th spectrum`, 'spectra');
  }
  const m = energies.length;
  if (m < MIN_ENERGY_POINTS) throw new InputError(`the common energy grid has ${m} points; it needs at least ${MIN_ENERGY_POINTS}`, 'energies');
  for (let j = 0; j < m; j++) {
    const e = energies[j]!;
    if (!Number.isFinite(e)) throw new InputError(`energy ${j} of the grid is not a finite number (${e})`, 'energies');
    if (j > 0 && !(e > energies[j - 1]!)) throw new InputError(`energies must increase; found ${e} after ${energies[j - 1]} at point ${j}`, 'energies');
  }
  rows.forEach((row, i) => {
    if (row.length !== m) {
      throw new InputError(`spectrum ${i} has ${row.length} values but the energy grid has ${m}: put every spectrum on the one grid`, 'spectra');
    }
    for (let j = 0; j < m; j++) {
      if (!Number.isFinite(row[j]!)) {
        throw new InputError(`spectrum ${i} has a non-finite value (${row[j]}) at point ${j} (E = ${energies[j]} eV): remove or repair it`, 'spectra');
      }
    }
  });
  if (rows.every((row) => Array.prototype.every.call(row, (x: number) => x === 0))) {
    throw new InputError('every spectrum of the series is zero: send normalised μ', 'spectra');
  }
}

function checkCount(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 1 || value > MAX_COMPONENTS) {
    throw new InputError(`${field} must be a whole number from 1 to ${MAX_COMPONENTS}; got ${value}`, field);
  }
  return value;
}

/** The PCA reconstruction (first k components) of the chosen spectra: a denoised start for MCR-ALS, k × M. */
function reconstructRows(pca: SeriesPca, indices: readonly number[], k: number, m: number): Float64Array {
  const width = pca.keptVectors;
  const out = new Float64Array(k * m);
  indices.forEach((i, r) => {
    for (let j = 0; j < Math.min(k, width); j++) {
      const t = pca.scores[i * width + j]!;
      for (let e = 0; e < m; e++) out[r * m + e] = out[r * m + e]! + t * pca.loadings[j * m + e]!;
    }
  });
  return out;
}

/** Scores and loadings of the first k components (the PCA reconstruction MCR-ALS fits). */
function leadingComponents(pca: SeriesPca, k: number): LowRank {
  const n = pca.spectrumCount;
  const width = pca.keptVectors;
  const rank = Math.min(k, width);
  const scores = new Float64Array(n * rank);
  for (let i = 0; i < n; i++) for (let j = 0; j < rank; j++) scores[i * rank + j] = pca.scores[i * width + j]!;
  return { rank, scores, loadings: pca.loadings.slice(0, rank * pca.energyCount) };
}

/** Post-edge mean (last 10 % of the grid) minus pre-edge mean (first 5 %). */
export function edgeStep(spectrum: ArrayLike<number>): number {
  const m = spectrum.length;
  const pre = Math.max(1, Math.round(m * PRE_EDGE_SHARE));
  const post = Math.max(1, Math.round(m * POST_EDGE_SHARE));
  let a = 0;
  let b = 0;
  for (let j = 0; j < pre; j++) a += spectrum[j]!;
  for (let j = m - post; j < m; j++) b += spectrum[j]!;
  return b / post - a / pre;
}

function medianOf(values: number[]): number {
  const s = [...values].sort((x, y) => x - y);
  const h = s.length >> 1;
  return s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
}

function summarize(pca: SeriesPca): SeriesPcaSummary {
  return {
    eigenvalues: Array.from(pca.eigenvalues),
    singularValues: Array.from(pca.singularValues),
    explainedVariance: Array.from(pca.explainedVariance),
    cumulativeVariance: Array.from(pca.cumulativeVariance),
    realError: Array.from(pca.realError),
    indicator: Array.from(pca.indicator),
    indicatorCount: pca.indicatorCount,
    noiseSigma: pca.noise.sigma,
    noiseThreshold: pca.noise.threshold,
    noiseCount: pca.noise.count,
    numericalRank: pca.numericalRank,
    suggestedComponents: pca.components,
    rule: pca.rule,
    reason: pca.reason,
  };
}

function warningsFor(
  pca: SeriesPca,
  k: number,
  asked: number | undefined,
  mcr: { converged: boolean; iterations: number; lackOfFit: number },
  edgeSteps: readonly number[],
  seriesEdgeStep: number,
  lackOfFitPca: number,
  closure: boolean,
): string[] {
  const warnings: string[] = [];
  const n = pca.spectrumCount;
  if (n === 2) warnings.push('only two spectra: PCA can tell one component from two, no more, and two components reproduce both spectra exactly');
  if (asked === undefined && pca.rule === 'IND' && pca.noise.count !== pca.components) {
    warnings.push(
      `the component count is uncertain: Malinowski's IND chose ${pca.components}, the noise check counts ${pca.noise.count}; compare the residuals with components: ${pca.noise.count}`,
    );
  }
  if (asked === undefined && pca.indicatorGlobalMinimum !== null && pca.indicatorGlobalMinimum > pca.components) {
    warnings.push(`IND is smallest at ${pca.indicatorGlobalMinimum} components, beyond maxComponents; ${pca.components} were resolved`);
  }
  if (asked !== undefined && asked !== pca.components) warnings.push(`${asked} components as asked; PCA suggests ${pca.components} (${pca.rule})`);
  if (k > pca.numericalRank) {
    warnings.push(`the series has only ${pca.numericalRank} linearly independent spectra; ${k} components are not determined by it`);
  }
  if (k === n && n > 1) warnings.push('as many components as spectra: each spectrum is its own component, the decomposition says nothing new');
  if (!mcr.converged) warnings.push(`MCR-ALS stopped after ${mcr.iterations} iterations without converging; the profiles may still change`);
  if (closure) {
    edgeSteps.forEach((step, j) => {
      if (Math.abs(step - seriesEdgeStep) > EDGE_STEP_TOLERANCE) {
        warnings.push(
          `component ${j + 1} has an edge step of ${step.toFixed(2)} where the spectra have ${seriesEdgeStep.toFixed(2)}: the spectra may not be normalised alike, or closure may not hold`,
        );
      }
    });
  }
  if (mcr.lackOfFit > 2 * lackOfFitPca + 0.5) {
    warnings.push(
      `MCR-ALS fits the series much worse (lack of fit ${mcr.lackOfFit.toFixed(2)} %) than PCA with as many components (${lackOfFitPca.toFixed(2)} %): non-negativity or closure does not hold for these data`,
    );
  }
  return warnings;
}
