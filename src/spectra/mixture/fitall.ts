// Every combination of 1…maxComponents candidate references fitted to one spectrum and ranked, as Larch's
// `lincombo_fitall` (larch/math/lincombo_fitting.py, Larch 0.9.58), which ranks by reduced χ². Reduced χ² hardly
// penalises a component (χ²/(N − p) with N in the hundreds), so an extra reference that soaks up a little noise always
// wins; here fits are ranked by the Bayesian information criterion (Schwarz, Ann. Stat. 6, 461 (1978)) counted on the
// independent points of the range, N_ind = 1 + (range width)/(energy resolution): a XANES spectrum is smooth on the
// scale of the core-hole and monochromator broadening, so points sampled more finely are correlated and carry no new
// information (the same argument as Stern's N_idp = 2ΔkΔR/π + 2 for EXAFS, Phys. Rev. B 48, 9825 (1993), a Nyquist
// count). With N points on the fit grid, χ² and p varied parameters:
//     criterion = N_ind · ln(χ²/N) + p · ln(N_ind)          (lower is better)
// An added component pays ln N_ind (≈ 4 for 80 eV at 1.5 eV), so it must lower χ² by a factor exp(−ln N_ind / N_ind)
// (≈ 7 % for 80 eV); with N_ind = N this is lmfit's BIC. Fits in which a component takes a negligible share
// (< minWeight of the sum) are dropped: they repeat the smaller combination with a useless extra parameter.
// Components below 2σ are kept but flagged (`significant`, `allSignificant`).
import { InputError } from '../../errors.ts';
import { componentColumns } from './model.ts';
import { fitCombination, fitSettings, type LincomboFit, type LincomboOptions, type StartColumns } from './lincombo.ts';
import { prepareMixture, type MixtureReference, type MixtureSpectrum } from './problem.ts';

/** Options of {@link fitAllCombinations}: those of one fit, and how to combine and rank. */
export interface FitAllOptions extends LincomboOptions {
  /** Most references in one combination: default 3, at most {@link MAX_COMPONENTS}. */
  maxComponents?: number;
  /** Energy resolution that sets the independent points of the range, eV. Default {@link DEFAULT_RESOLUTION}. */
  resolution?: number;
  /** Fits in which a component's share of the weight sum is below this are dropped. Default {@link DEFAULT_MIN_WEIGHT}. */
  minWeight?: number;
  /** Return only the best `top` fits. Default: all. */
  top?: number;
  /**
   * With shifts to fit (maxShift > 0): rank every combination with the shifts fixed at their starts first, then fit the
   * shifts of only the best `refine` combinations and rank those (a fit with shifts costs ~30× one without). Default:
   * shifts fitted for every combination.
   */
  refine?: number;
}

export const DEFAULT_MAX_COMPONENTS = 3;
export const MAX_COMPONENTS = 5;
/** Candidates one call may combine (C(12, 5) + … = 1,585 fits at most). */
export const MAX_CANDIDATES = 12;
/**
 * 1.5 eV: the core-hole widths of the 3d K edges (Fe 1.25, Cu 1.55 eV FWHM; Krause & Oliver, J. Phys. Chem. Ref.
 * Data 8, 329 (1979)) combined with a Si(111) monochromator's ~1 eV at 7–9 keV give ~1.6–1.9 eV, so 1.5 eV counts
 * independent points on the generous side (a weaker penalty than the true resolution); heavier absorbers and L edges
 * are broader: pass their own resolution.
 */
export const DEFAULT_RESOLUTION = 1.5;
export const DEFAULT_MIN_WEIGHT = 0.01;

/** A fit in the ranking. */
export interface RankedFit extends LincomboFit {
  /** 1 for the best. */
  rank: number;
  /** The ranking statistic (see the module comment): lower is better. */
  criterion: number;
  /** criterion − the best fit's criterion (0 for the best; above ~6 the evidence against a fit is strong). */
  deltaCriterion: number;
  /** Every component's weight is at least 2 standard errors. */
  allSignificant: boolean;
}

/** The ranking of {@link fitAllCombinations}. */
export interface FitAllResult {
  /** Fits, best first. */
  fits: RankedFit[];
  /** What orders `fits`, in words. */
  rankedBy: string;
  /** N_ind of the ranking statistic. */
  independentPoints: number;
  /** Combinations fitted, and those dropped for a negligible component. */
  combinations: number;
  dropped: number;
  /** The fitted energies: first and last point of the fit grid, eV. */
  fitFrom: number;
  fitTo: number;
  warnings: string[];
}

/** Every combination of `size` of the indices 0…n−1, in lexicographic order. */
export function* combinations(n: number, size: number): Generator<number[]> {
  if (size > n || size < 1) return;
  const pick = Array.from({ length: size }, (_, i) => i);
  for (;;) {
    yield [...pick];
    let i = size - 1;
    while (i >= 0 && pick[i] === n - size + i) i--;
    if (i < 0) return;
    pick[i]!++;
    for (let j = i + 1; j < size; j++) pick[j] = pick[j - 1]! + 1;
  }
}

/** Checks the ranking options (InputError saying what to fix). */
function rankingSettings(options: FitAllOptions, candidates: number) {
  const maxComponents = options.maxComponents ?? DEFAULT_MAX_COMPONENTS;
  if (!Number.isInteger(maxComponents) || maxComponents < 1 || maxComponents > MAX_COMPONENTS) {
    throw new InputError(`maxComponents must be a whole number from 1 to ${MAX_COMPONENTS}; got ${maxComponents}`, 'maxComponents');
  }
  if (candidates === 0) throw new InputError('no candidate references: give at least one reference to combine', 'references');
  if (candidates > MAX_CANDIDATES) {
    throw new InputError(`${candidates} candidate references given; at most ${MAX_CANDIDATES} can be combined: keep the most likely`, 'references');
  }
  const resolution = options.resolution ?? DEFAULT_RESOLUTION;
  if (!Number.isFinite(resolution) || resolution <= 0) throw new InputError(`resolution must be a positive energy in eV; got ${resolution}`, 'resolution');
  const minWeight = options.minWeight ?? DEFAULT_MIN_WEIGHT;
  if (!Number.isFinite(minWeight) || minWeight < 0 || minWeight >= 0.5) {
    throw new InputError(`minWeight must be a share from 0 to 0.5; got ${minWeight}`, 'minWeight');
  }
  const top = options.top ?? Number.POSITIVE_INFINITY;
  if (!(top >= 1)) throw new InputError(`top must be at least 1; got ${top}`, 'top');
  return { maxComponents, resolution, minWeight, top };
}

/** The ranking statistic of one fit (see the module comment). */
export function rankingCriterion(fit: Pick<LincomboFit, 'chiSquare' | 'points' | 'variables'>, independentPoints: number): number {
  return independentPoints * Math.log(Math.max(fit.chiSquare / fit.points, 1e-300)) + fit.variables * Math.log(independentPoints);
}

/**
 * Fits every combination of 1…maxComponents of the candidates (see the module comment) and ranks them. Throws
 * InputError for no candidates, too many, maxComponents outside 1…5, and whatever one fit rejects (range, coverage).
 */
export function fitAllCombinations(spectrum: MixtureSpectrum, candidates: readonly MixtureReference[], options: FitAllOptions): FitAllResult {
  const ranking = rankingSettings(options, candidates.length);
  const prepared = prepareMixture(spectrum, candidates, options.range);
  const settings = fitSettings(options, candidates.length);
  const warnings: string[] = [];
  const largest = Math.min(ranking.maxComponents, candidates.length);
  if (largest < ranking.maxComponents) warnings.push(`only ${candidates.length} candidate(s): combinations of up to ${largest} were fitted`);
  const refine = options.refine;
  if (refine !== undefined && !(Number.isInteger(refine) && refine >= 1)) throw new InputError(`refine must be a whole number of at least 1; got ${refine}`, 'refine');
  const screening = settings.maxShift > 0 && refine !== undefined;
  const screenSettings = screening ? { ...settings, maxShift: 0 } : settings;
  // With fixed shifts each candidate is read on the fit grid once for every combination.
  let startColumns: StartColumns | undefined;
  if (screenSettings.maxShift === 0) {
    startColumns = componentColumns({ energies: prepared.energies, data: prepared.data, splines: prepared.references.map((r) => r.spline), sumToOne: settings.sumToOne }, settings.shiftStart);
  }
  const n = prepared.energies.length;
  const fitFrom = prepared.energies[0]!;
  const fitTo = prepared.energies[n - 1]!;
  const independentPoints = Math.min(n, 1 + (fitTo - fitFrom) / ranking.resolution);
  const negligible = (fit: LincomboFit) =>
    fit.components.length > 1 && fit.components.some((c) => !(fit.weightSum > 0) || c.weight / fit.weightSum < ranking.minWeight);
  let kept: { fit: LincomboFit; criterion: number; indices: number[] }[] = [];
  let tried = 0;
  let dropped = 0;
  for (let size = 1; size <= largest; size++) {
    for (const indices of combinations(candidates.length, size)) {
      tried++;
      const fit = fitCombination(prepared, indices, screenSettings, startColumns);
      if (negligible(fit)) {
        dropped++;
        continue;
      }
      kept.push({ fit, criterion: rankingCriterion(fit, independentPoints), indices });
    }
  }
  const order = (a: { criterion: number; fit: LincomboFit }, b: { criterion: number; fit: LincomboFit }) =>
    a.criterion - b.criterion || a.fit.components.length - b.fit.components.length;
  kept.sort(order);
  if (screening) {
    // The screen's best combinations, now with their shifts fitted, ranked again.
    kept = kept.slice(0, refine).flatMap(({ indices }) => {
      const fit = fitCombination(prepared, indices, settings);
      return negligible(fit) ? [] : [{ fit, criterion: rankingCriterion(fit, independentPoints), indices }];
    });
    kept.sort(order);
  }
  const best = kept[0]?.criterion ?? 0;
  const fits = kept.slice(0, Math.min(kept.length, ranking.top)).map(
    ({ fit, criterion }, i): RankedFit => ({
      ...fit,
      rank: i + 1,
      criterion,
      deltaCriterion: criterion - best,
      allSignificant: fit.components.every((c) => c.significant),
    }),
  );
  if (dropped > 0) {
    warnings.push(`${dropped} of ${tried} combinations left out: a component took less than ${ranking.minWeight * 100}% of the weight (the smaller combination is ranked instead)`);
  }
  const first = fits[0];
  if (first && first.illConditioned) warnings.push('the best fit is ill-conditioned: two of its references are nearly indistinguishable over the range');
  if (first && !first.allSignificant) warnings.push('a component of the best fit is not significant (weight below 2σ)');
  return {
    fits,
    rankedBy: `Bayesian information criterion on the range's independent points: N_ind·ln(χ²/N) + p·ln(N_ind), N_ind = 1 + width/${ranking.resolution} eV = ${independentPoints.toFixed(1)} (lower is better)`,
    independentPoints,
    combinations: tried,
    dropped,
    fitFrom,
    fitTo,
    warnings,
  };
}
