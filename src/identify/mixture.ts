// fitMixture: what a sample that is not one compound is made of. The candidates are the best distinct compounds of an
// identification of the spectrum (or the references the user names), every combination of up to maxComponents of
// them is fitted by linear combination (src/spectra/mixture/, as Larch's lincombo_fitall), and the fits are ranked.
import { InputError } from '../errors.ts';
import type { CatalogReference, ReferenceIndex, ReferenceSet } from '../search/reference-index.ts';
import { broadenComputed, DEFAULT_BROADENING, normalizeMeasured } from '../spectra/ensemble/index.ts';
import { preEdge } from '../spectra/normalize.ts';
import { DEFAULT_MAX_COMPONENTS, fitAllCombinations, lincomboFit, MAX_CANDIDATES, MAX_COMPONENTS, type MixtureReference } from '../spectra/mixture/index.ts';
import { type IdentifiedMatch, type IdentifyOptions, identifyInSet } from './identify.ts';
import { type InputSpectrum, type SpectrumInput, readInputSpectrum } from './input.ts';
import { checkedInteger, checkedRange, type EnergyRange } from './options.ts';

export interface MixtureOptions {
  maxComponents?: number | null;
  candidates?: number | null;
  references?: string[] | null;
  restrictElements?: string[] | null;
  referenceMethods?: IdentifyOptions['referenceMethods'];
  includePredicted?: boolean | null;
  sumToOne?: boolean | null;
  maxShift?: number | null;
  range?: EnergyRange | null;
  top?: number | null;
}

export interface MixtureComponentResult {
  spectrumId: string;
  materialId: string;
  method: string;
  formula: string;
  weight: number;
  /** null where the data cannot determine it (ill-conditioned). */
  weightUncertainty: number | null;
  energyShift: number;
}

export interface MixtureFitResult {
  rank: number;
  components: MixtureComponentResult[];
  weightSum: number;
  rFactor: number;
  chiSquare: number;
  reducedChiSquare: number;
  criterion: number;
  illConditioned: boolean;
  curve: { energies: number[]; mu: number[]; fit: number[]; residual: number[] };
  warnings: string[];
}

export interface MixtureCandidateResult {
  spectrumId: string;
  materialId: string;
  method: string;
  formula: string;
  score: number | null;
}

export interface MixtureAnalysis {
  absorbingElement: string;
  edge: string;
  rankedBy: string;
  fitFrom: number;
  fitTo: number;
  candidates: MixtureCandidateResult[];
  fits: MixtureFitResult[];
  confident: boolean;
  normalized: { e0: number; edgeStep: number; energies: number[]; mu: number[] };
  warnings: string[];
}

export const DEFAULT_CANDIDATES = 8;
/** References (the best by identification) a non-negative fit of them all screens for automatic candidates. */
export const CANDIDATE_POOL = 100;
/** Combinations whose shifts are fitted after the screen with fixed shifts (fitall's `refine`). */
export const REFINED_COMBINATIONS = 12;
/**
 * Combinations with a component below this share are not ranked (the smaller one is): XANES linear-combination fits
 * do not resolve components of a few per cent (a rule of thumb of the field, e.g. Calvin, XAFS for Everyone, 2013).
 */
export const MIN_COMPONENT_WEIGHT = 0.05;
/** A fit of other compounds within this BIC difference of the best makes the answer ambiguous. */
export const AMBIGUOUS_DELTA = 6;
export const DEFAULT_MAX_SHIFT = 2;
export const MAX_SHIFT_LIMIT = 10;
/** Athena's default LCF range is −20…+30 eV about E0; the near edge of most K edges reaches +50 eV. */
export const DEFAULT_RANGE: EnergyRange = { from: -20, to: 50 };
export const DEFAULT_FITS = 5;
export const MAX_FITS = 20;
/** A fit reproduces the input well below this R-factor (Σ residual² / Σ data²); measured XANES LCF is typically < 0.01. */
export const CONFIDENT_R_FACTOR = 0.02;

/** The options checked, defaults filled in. */
function checkedOptions(options: MixtureOptions) {
  const maxShift = options.maxShift ?? DEFAULT_MAX_SHIFT;
  if (!Number.isFinite(maxShift) || maxShift < 0 || maxShift > MAX_SHIFT_LIMIT) {
    throw new InputError(`maxShift must be from 0 to ${MAX_SHIFT_LIMIT} eV (got ${maxShift})`, 'options.maxShift');
  }
  const references = options.references ?? null;
  if (references !== null && (references.length === 0 || references.length > MAX_CANDIDATES)) {
    throw new InputError(`references: name 1 to ${MAX_CANDIDATES} spectrum ids (got ${references.length}), or leave it out for automatic candidates`, 'options.references');
  }
  return {
    maxComponents: checkedInteger(options.maxComponents, DEFAULT_MAX_COMPONENTS, 1, MAX_COMPONENTS, 'maxComponents'),
    candidates: checkedInteger(options.candidates, DEFAULT_CANDIDATES, 1, MAX_CANDIDATES, 'candidates'),
    top: checkedInteger(options.top, DEFAULT_FITS, 1, MAX_FITS, 'top'),
    sumToOne: options.sumToOne ?? true,
    maxShift,
    range: checkedRange(options.range, DEFAULT_RANGE),
    references,
  };
}

/** The references named in `options.references`, checked against the set (same element and edge, in the catalogue). */
function namedReferences(set: ReferenceSet, ids: string[]): Set<string> {
  const known = new Set(set.references.map((r) => r.spectrumId));
  for (const id of ids) {
    if (!known.has(id)) {
      throw new InputError(
        `references: "${id}" is not a ${set.absorbingElement} ${set.edge} XANES reference of the catalogue (give spectrum ids of the input's element and edge, or leave references out)`,
        'options.references',
      );
    }
  }
  return new Set(ids);
}

/**
 * A candidate as the fit sees it. Measured references: normalised like the input (Larch pre_edge, flattened) at their
 * own calibrated energies — a mixture's edge lies between its components', so aligning each to the input's edge would
 * erase the chemical shifts the fit needs. Computed ones (whose energy scale has no absolute meaning): normalised and
 * broadened as identification compares them, on the input's axis where identification aligned them
 * (E → referenceHalfStep + energyScale·(E − referenceHalfStep) + energyShift).
 */
function fitReference(curves: Map<string, NormalizedCurve>, ref: CatalogReference, match: IdentifiedMatch): MixtureReference {
  let c = curves.get(ref.spectrumId);
  if (!c) {
    if (ref.method === 'EXPERIMENT') {
      const m = normalizeMeasured(ref.energies, ref.mu);
      c = { energies: m.energies, mu: m.flat, halfStep: m.halfStep };
    } else {
      const norm = preEdge(ref.energies, ref.mu, { computed: true, makeFlat: false }).norm;
      const b = broadenComputed(ref.energies, norm, DEFAULT_BROADENING);
      c = { energies: Array.from(b.energies), mu: Array.from(b.mu), halfStep: b.halfStep };
    }
    curves.set(ref.spectrumId, c);
  }
  if (ref.method === 'EXPERIMENT') return { id: ref.spectrumId, energies: c.energies, mu: c.mu };
  const half = match.referenceHalfStep ?? c.halfStep;
  return { id: ref.spectrumId, energies: c.energies.map((e) => half + match.energyScale * (e - half) + match.energyShift), mu: c.mu };
}

/** A reference normalised (and, computed, broadened) on its own axis: cached with the set, built when first asked for. */
interface NormalizedCurve {
  energies: number[];
  mu: number[];
  halfStep: number;
}

/**
 * The candidates of an automatic fit: first the references a non-negative fit of the whole pool at once gives weight
 * (NNLS solutions are sparse: they name the likely components, even minor ones that identification, which compares
 * the spectrum with one reference at a time, ranks low, and the one measurement of a compound that fits best), then the
 * pool in identification order; one reference per compound, up to `candidates`.
 */
function pickCandidates<T extends { curve: MixtureReference; ref: { formula: string } }>(
  pool: T[],
  normalized: { energies: number[]; mu: number[] },
  range: [number, number],
  o: { candidates: number; sumToOne: boolean },
): T[] {
  const all = lincomboFit(normalized, pool.map((p) => p.curve), { range, sumToOne: o.sumToOne, maxShift: 0 });
  const weighted = all.components
    .map((c, i) => ({ i, weight: c.weight }))
    .filter((c) => c.weight > 0.01)
    .sort((a, b) => b.weight - a.weight)
    .map((c) => c.i);
  const seen = new Set<string>();
  const picked: T[] = [];
  for (const i of new Set([...weighted, ...pool.keys()])) {
    const formula = pool[i]!.ref.formula;
    if (seen.has(formula) || picked.length === o.candidates) continue;
    seen.add(formula);
    picked.push(pool[i]!);
  }
  return picked;
}

/**
 * Why the best fit is not a confident answer, or null: it must reproduce the input (R-factor below
 * CONFIDENT_R_FACTOR), determine its weights (not ill-conditioned, every component ≥ 2σ), and beat every fit made of
 * other compounds by a BIC difference of at least AMBIGUOUS_DELTA ("strong evidence", Kass & Raftery, J. Am. Stat.
 * Assoc. 90, 773 (1995)).
 */
function mixtureDoubt(fits: MixtureFitResult[], ranked: { allSignificant: boolean; deltaCriterion: number }[]): string | null {
  const best = fits[0]!;
  if (best.rFactor >= CONFIDENT_R_FACTOR) {
    return `the best fit leaves R-factor ${best.rFactor.toFixed(4)} (≥ ${CONFIDENT_R_FACTOR}); the sample's compounds may not be among the candidates`;
  }
  if (best.illConditioned) return 'the best fit combines references the data cannot tell apart; their weights are not determined';
  if (!ranked[0]!.allSignificant) return 'a component of the best fit is not significant (weight < 2σ)';
  const compounds = (fit: MixtureFitResult) => [...new Set(fit.components.map((c) => c.formula))].sort().join(' + ');
  const rival = fits.findIndex((fit, k) => k > 0 && compounds(fit) !== compounds(best));
  if (rival > 0 && ranked[rival]!.deltaCriterion < AMBIGUOUS_DELTA) {
    return `${compounds(fits[rival]!)} fits almost as well as ${compounds(best)} (BIC ${ranked[rival]!.deltaCriterion.toFixed(1)} higher, < ${AMBIGUOUS_DELTA}): the data cannot tell them apart`;
  }
  return null;
}

/** fitMixture on a loaded set (no database): bench:mixtures calls it with `exclude` to leave references out. */
export async function fitMixtureInSet(
  index: Parameters<typeof identifyInSet>[0],
  set: ReferenceSet,
  spectrum: InputSpectrum,
  options: MixtureOptions = {},
  exclude?: (r: CatalogReference) => boolean,
): Promise<MixtureAnalysis> {
  const o = checkedOptions(options);
  const named = o.references === null ? null : namedReferences(set, o.references);
  const identification = await identifyInSet(
    index,
    set,
    spectrum,
    {
      top: named === null ? CANDIDATE_POOL : named.size,
      restrictElements: options.restrictElements,
      referenceMethods: options.referenceMethods,
      includePredicted: options.includePredicted,
    },
    named === null ? exclude : (r) => !named.has(r.spectrumId),
  );
  const byId = new Map(set.references.map((r) => [r.spectrumId, r]));
  const curves = index.prepared(set, 'MIXTURE_CURVES', () => new Map<string, NormalizedCurve>());
  const normalized = identification.normalized!;
  const from = normalized.e0 + o.range.from;
  const to = normalized.e0 + o.range.to;
  const warnings = [...identification.warnings.filter((w) => !w.startsWith('no confident match'))];
  // The fit grid is the input's points in the range; references that cover it can be combined, the others are said.
  const inside = normalized.energies.filter((e) => e >= from && e <= to);
  const gridFirst = inside[0] ?? from;
  const gridLast = inside[inside.length - 1] ?? to;
  const pool = identification.matches.flatMap((match) => {
    const ref = byId.get(match.spectrumId)!;
    const curve = fitReference(curves, ref, match);
    const covers = curve.energies[0]! <= gridFirst && curve.energies[curve.energies.length - 1]! >= gridLast;
    return covers ? [{ match, ref, curve }] : [];
  });
  if (pool.length < identification.matches.length) {
    warnings.push(`${identification.matches.length - pool.length} reference(s) left out: their data do not cover the fit range ${from.toFixed(1)}…${to.toFixed(1)} eV`);
  }
  if (pool.length === 0) {
    throw new InputError(
      `no reference covers the fit range ${o.range.from}…${o.range.to} eV about E0 (${normalized.e0.toFixed(1)} eV): narrow range, or loosen restrictElements or referenceMethods`,
      'options.range',
    );
  }
  const picked = named === null ? pickCandidates(pool, normalized, [from, to], o) : pool;
  const ranked = fitAllCombinations(
    { energies: normalized.energies, mu: normalized.mu },
    picked.map((p) => p.curve),
    { range: [from, to], maxComponents: o.maxComponents, sumToOne: o.sumToOne, maxShift: o.maxShift, top: o.top, refine: REFINED_COMBINATIONS, minWeight: MIN_COMPONENT_WEIGHT },
  );
  warnings.push(...ranked.warnings);
  const fits: MixtureFitResult[] = ranked.fits.map((fit, k) => ({
    rank: k + 1,
    components: fit.components.map((c) => {
      const ref = byId.get(c.id)!;
      const start = ref.method === 'EXPERIMENT' ? 0 : picked.find((p) => p.ref.spectrumId === c.id)!.match.energyShift;
      return {
        spectrumId: ref.spectrumId,
        materialId: ref.materialId,
        method: ref.method,
        formula: ref.formula,
        weight: c.weight,
        weightUncertainty: c.weightUncertainty,
        energyShift: start + c.shift,
      };
    }),
    weightSum: fit.weightSum,
    rFactor: fit.rFactor,
    chiSquare: fit.chiSquare,
    reducedChiSquare: fit.reducedChiSquare,
    criterion: fit.criterion,
    illConditioned: fit.illConditioned,
    curve: { energies: fit.energies, mu: fit.data, fit: fit.fitted, residual: fit.residual },
    warnings: fit.warnings,
  }));
  const doubt = fits[0] ? mixtureDoubt(fits, ranked.fits) : null;
  if (doubt) warnings.push(`no confident mixture: ${doubt}`);
  const confident = fits[0] !== undefined && doubt === null;
  return {
    absorbingElement: identification.absorbingElement,
    edge: identification.edge,
    rankedBy: ranked.rankedBy,
    fitFrom: ranked.fitFrom,
    fitTo: ranked.fitTo,
    candidates: picked.map((p) => ({
      spectrumId: p.ref.spectrumId,
      materialId: p.ref.materialId,
      method: p.ref.method,
      formula: p.ref.formula,
      score: named === null ? p.match.score : null,
    })),
    fits,
    confident,
    normalized,
    warnings,
  };
}

/** fitMixture: read the input, load its element and edge's references, fit. */
export async function fitMixture(index: ReferenceIndex, input: SpectrumInput, options: MixtureOptions = {}): Promise<MixtureAnalysis> {
  checkedOptions(options);
  const spectrum = readInputSpectrum(input);
  const withPredicted = (options.includePredicted ?? false) || (options.referenceMethods?.includes('ML_PREDICTED') ?? false);
  const set = await index.get(spectrum.absorbingElement, spectrum.edge, 'XANES', withPredicted);
  if (set.references.length === 0) {
    throw new InputError(`the catalogue has no XANES spectra for the ${spectrum.absorbingElement} ${spectrum.edge} edge; it has: ${await index.describe()}`, 'absorbingElement');
  }
  return fitMixtureInSet(index, set, spectrum, options);
}
