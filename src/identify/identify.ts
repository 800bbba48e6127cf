// Ranked reference lookup: a spectrum in, the catalogue's best-matching computed spectra out, with energy
// shifts, a consensus oxidation state and coordination number, and whether the match is confident.
// Methods: ENSEMBLE (src/spectra/ensemble/) and ELSIE_REFERENCE (src/spectra/elsie/, the yardstick).
import { CancelledError, InputError } from '../errors.ts';
import type { CatalogReference, ReferenceIndex, ReferenceSet } from '../search/reference-index.ts';
import { elsieReferenceRank, ELSIE_LEARNERS } from '../spectra/elsie/index.ts';
import {
  consensus,
  consensusWeights,
  abstention,
  blendWithPrior,
  oxidationPrior,
  matchCurve,
  prepareQuery,
  PRIOR_BLEND,
  prepareReferences,
  rankEnsemble,
  type PreparedQuery,
  type PreparedReferences,
} from '../spectra/ensemble/index.ts';
import { METHODS, type Method } from '../catalog/records.ts';
import { isElementSymbol } from '../structure/elements.ts';
import { checkBatch } from './batch.ts';
import { type InputSpectrum, type SpectrumInput, readInputSpectrum } from './input.ts';

export { MAX_BATCH } from './batch.ts';

export type IdentifyMethod = 'ENSEMBLE' | 'ELSIE_REFERENCE';

export interface IdentifyOptions {
  top?: number | null;
  method?: IdentifyMethod | null;
  restrictElements?: string[] | null;
  groupByFormula?: boolean | null;
  includePredicted?: boolean | null;
  /** Kinds of reference to compare with; default every kind the catalogue has (ML_PREDICTED only with includePredicted). */
  referenceMethods?: Method[] | null;
}

/** What orders the matches, said in every answer (issue 10, item 4). */
export const RANKED_BY: Record<IdentifyMethod, string> = {
  ENSEMBLE:
    'Borda vote of four near-edge windows (−5…+60, −10…+25, +5…+45, −5…+90 eV from the half-step), each ranking the best 100 ' +
    'candidates by Pearson correlation at their best shift (and stretch); ties go to the higher score. score is the correlation ' +
    'in the main window (−5…+60 eV), measured references against a measured query put on the computed scale ' +
    '(correlation is the raw value), so a match can rank above one with a higher score when the other windows prefer it.',
  ELSIE_REFERENCE: 'ELSIE\'s Borda count over its 12 learners (Zheng et al. 2018); score is the Borda share.',
};

export const DEFAULT_TOP = 10;
export const MAX_TOP = 100;

export interface IdentifiedMatch {
  rank: number;
  score: number;
  /** Raw Pearson correlation (ENSEMBLE) before the common scale; the score for ELSIE_REFERENCE. */
  correlation: number;
  votes: number;
  energyShift: number;
  energyScale: number;
  materialId: string;
  spectrumId: string;
  /** The reference's kind: FEFF, VASP (computed), EXPERIMENT (measured), ML_PREDICTED. */
  method: string;
  /** ENSEMBLE: the reference as compared, on the query's energy axis, and its half-step energy; null for ELSIE_REFERENCE. */
  curve: { energies: number[]; mu: number[] } | null;
  referenceHalfStep: number | null;
}

export interface ConsensusResult {
  value: number;
  confidence: number;
  distribution: { value: number; share: number }[];
}

export interface Identification {
  absorbingElement: string;
  edge: string;
  candidatesConsidered: number;
  /** The kinds of reference compared (those the catalogue has among the ones asked for). */
  referenceMethods: string[];
  rankedBy: string;
  confident: boolean;
  matches: IdentifiedMatch[];
  /** Half-step energy of the normalised query (the alignment point), eV; null for ELSIE_REFERENCE. */
  queryHalfStep: number | null;
  oxidationState: ConsensusResult | null;
  oxidationStatePrior: ConsensusResult | null;
  coordinationNumber: ConsensusResult | null;
  normalized: { e0: number; edgeStep: number; energies: number[]; mu: number[] } | null;
  warnings: string[];
}

/** A ranked candidate before grouping: index into the set's references. */
interface Ranked {
  index: number;
  score: number;
  correlation: number;
  votes: number;
  energyShift: number;
  energyScale: number;
  searchedShift: number;
}

function checkedTop(top: number | null | undefined): number {
  if (top == null) return DEFAULT_TOP;
  if (!Number.isInteger(top) || top < 1 || top > MAX_TOP) throw new InputError(`top must be between 1 and ${MAX_TOP} (got ${top})`, 'options.top');
  return top;
}

/** The reference kinds asked for (checked), or null for the default (every kind in the set). */
function checkedMethods(methods: Method[] | null | undefined): Method[] | null {
  if (methods == null) return null;
  if (methods.length === 0) throw new InputError('referenceMethods: give at least one of FEFF, VASP, EXPERIMENT, ML_PREDICTED, or leave it out', 'options.referenceMethods');
  for (const m of methods) {
    if (!METHODS.includes(m)) throw new InputError(`referenceMethods: "${m}" is not one of ${METHODS.join(', ')}`, 'options.referenceMethods');
  }
  return [...new Set(methods)];
}

/**
 * Indices of the references to compare with: of the kinds asked for, whose materials contain only `restrict` elements
 * (plus the absorber: "the sample contains only these elements besides the absorber"), and not excluded.
 */
function candidateIndices(
  set: ReferenceSet,
  restrict: string[] | null | undefined,
  methods: Method[] | null,
  exclude?: (r: CatalogReference) => boolean,
): number[] {
  if (restrict != null) {
    for (const el of restrict) {
      if (!isElementSymbol(el)) throw new InputError(`restrictElements: "${el}" is not an element symbol (write e.g. "Cu", "O")`, 'options.restrictElements');
    }
  }
  const allowed = restrict == null ? null : new Set([...restrict, set.absorbingElement]);
  return set.references.flatMap((r, i) =>
    (allowed === null || r.elements.every((el) => allowed.has(el))) &&
    (methods === null || methods.includes(r.method as Method)) &&
    !(exclude?.(r) ?? false)
      ? [i]
      : [],
  );
}

function rankWithElsie(query: { energies: number[]; mu: number[] }, set: ReferenceSet, candidates: number[]): Ranked[] {
  const refs = candidates.map((i) => set.references[i]!);
  const result = elsieReferenceRank(query, refs.map((r) => ({ label: r.spectrumId, energies: r.energies, mu: r.mu })));
  const maxVotes = ELSIE_LEARNERS.length * Math.max(1, refs.length);
  const position = new Map(refs.map((r, k) => [r.spectrumId, k]));
  return result.ranking.map((entry) => {
    const k = position.get(entry.label)!;
    // ELSIE's energy_shift is onset(reference) − onset(query): the reference moves by its negative.
    const score = entry.borda / maxVotes;
    return { index: candidates[k]!, score, correlation: score, votes: entry.borda, energyShift: -result.energyShifts[k]!, energyScale: 1, searchedShift: 0 };
  });
}

/** The oxidation-state prior's probabilities for the query; null (with a warning if it failed) when there are none. */
async function priorProbabilities(element: string, edge: string, query: PreparedQuery, warnings: string[]): Promise<{ value: number; probability: number }[] | null> {
  try {
    const prior = await oxidationPrior(element, edge);
    return prior ? await prior.predict(query) : null;
  } catch (err) {
    warnings.push(`the oxidation-state prior could not be used (${(err as Error).message}); the oxidation state is the matches' vote alone`);
    return null;
  }
}

/** The ENSEMBLE form of a set (built once per set and cached with it). */
export function ensembleReferences(index: Pick<ReferenceIndex, 'prepared'>, set: ReferenceSet): PreparedReferences {
  return index.prepared<PreparedReferences>(set, 'ENSEMBLE', (refs) =>
    prepareReferences(refs.map((r) => ({ id: r.spectrumId, energies: r.energies, mu: r.mu, measured: r.method === 'EXPERIMENT' }))),
  );
}

/** Identify one spectrum against the catalogue's spectra of its absorbing element and edge. */
export async function identifySpectrum(index: ReferenceIndex, input: SpectrumInput, options: IdentifyOptions = {}): Promise<Identification> {
  checkedTop(options.top);
  const methods = checkedMethods(options.referenceMethods);
  const spectrum = readInputSpectrum(input);
  const withPredicted = (options.includePredicted ?? false) || (methods?.includes('ML_PREDICTED') ?? false);
  const set = await index.get(spectrum.absorbingElement, spectrum.edge, 'XANES', withPredicted);
  if (set.references.length === 0) {
    throw new InputError(
      `the catalogue has no XANES spectra for the ${spectrum.absorbingElement} ${spectrum.edge} edge; it has: ${await index.describe()}`,
      'absorbingElement',
    );
  }
  return identifyInSet(index, set, spectrum, options);
}

/**
 * Identify a read spectrum against a loaded set: the ranking, grouping and consensus of identifySpectrum, without the
 * database (bench/accuracy.ts calls it with `exclude` to leave a query's own sample out).
 */
export async function identifyInSet(
  index: Pick<ReferenceIndex, 'prepared'>,
  set: ReferenceSet,
  spectrum: InputSpectrum,
  options: IdentifyOptions = {},
  exclude?: (r: CatalogReference) => boolean,
): Promise<Identification> {
  const top = checkedTop(options.top);
  const method = options.method ?? 'ENSEMBLE';
  const asked = checkedMethods(options.referenceMethods);
  const methods = asked ?? (options.includePredicted ? null : METHODS.filter((m) => m !== 'ML_PREDICTED'));
  const candidates = candidateIndices(set, options.restrictElements, methods, exclude);
  const present = [...new Set(set.references.map((r) => r.method))];
  const compared = METHODS.filter((m) => present.includes(m) && (methods === null || methods.includes(m)));
  if (asked !== null && compared.length === 0) {
    throw new InputError(
      `the catalogue has no ${asked.join(' or ')} references for the ${spectrum.absorbingElement} ${spectrum.edge} edge (it has ${present.join(', ')}): change referenceMethods`,
      'options.referenceMethods',
    );
  }
  const warnings = [...spectrum.warnings];
  const query = prepareQuery(spectrum.energies, spectrum.mu, { computed: spectrum.computed, normalized: spectrum.normalized });
  warnings.push(...query.warnings);
  const wanted = options.groupByFormula ? Math.min(candidates.length, MAX_TOP * 20) : top;

  let ranked: Ranked[];
  let scores: { bestScore: number; margin: number } | null = null;
  let prior: { value: number; probability: number }[] | null = null;
  let prepared: PreparedReferences | null = null;
  if (method === 'ELSIE_REFERENCE') {
    ranked = candidates.length > 0 ? rankWithElsie(spectrum, set, candidates) : [];
    warnings.push('ELSIE_REFERENCE has no calibrated confidence: `confident` is always false with it');
  } else {
    prepared = ensembleReferences(index, set);
    prior = await priorProbabilities(spectrum.absorbingElement, spectrum.edge, query, warnings);
    const result = await rankEnsemble(query, prepared, { top: wanted, candidates });
    ranked = result.matches;
    if (result.matches.length > 0) scores = result;
  }
  if (options.groupByFormula) {
    const seen = new Set<string>();
    ranked = ranked.filter((m) => {
      const formula = set.references[m.index]!.formula;
      if (seen.has(formula)) return false;
      seen.add(formula);
      return true;
    });
  }
  ranked = ranked.slice(0, top);
  const references: CatalogReference[] = ranked.map((m) => set.references[m.index]!);
  const weights = consensusWeights(ranked);
  const vote = (pick: (r: CatalogReference) => { value: number; share: number }[]) =>
    consensus(weights.flatMap((w, k) => pick(references[k]!).map((s) => ({ weight: w * s.share, value: s.value }))));
  const votedOxidationState = vote((r) => r.oxidationStates);
  // Abstention asks whether the matches agree among themselves: the vote alone, not the blend.
  const verdict = scores ? abstention(scores, votedOxidationState?.confidence ?? null) : { confident: false, reason: null };
  if (verdict.reason) warnings.push(`no confident match: ${verdict.reason}`);
  const confident = verdict.confident;
  // The prior learned what FEFF looks like measured; where measured references vote, they speak for measurements.
  const measuredVote = references.slice(0, weights.length).some((r) => r.method === 'EXPERIMENT');
  const blend = prior && !spectrum.computed && !measuredVote;
  return {
    absorbingElement: spectrum.absorbingElement,
    edge: spectrum.edge,
    candidatesConsidered: candidates.length,
    referenceMethods: compared,
    rankedBy: RANKED_BY[method],
    confident,
    matches: ranked.map((m, k) => {
      const curve = prepared ? matchCurve(query, prepared, m) : null;
      return {
        rank: k + 1,
        score: m.score,
        correlation: m.correlation,
        votes: m.votes,
        energyShift: m.energyShift,
        energyScale: m.energyScale,
        materialId: references[k]!.materialId,
        spectrumId: references[k]!.spectrumId,
        method: references[k]!.method,
        curve: curve ? { energies: curve.energies, mu: curve.mu } : null,
        referenceHalfStep: curve ? curve.referenceHalfStep : null,
      };
    }),
    queryHalfStep: method === 'ENSEMBLE' ? query.halfStep : null,
    // Blended for measured spectra only: the prior learned what FEFF looks like measured (bench/accuracy.ts).
    oxidationState: blend ? blendWithPrior(votedOxidationState, prior!, PRIOR_BLEND) : votedOxidationState,
    oxidationStatePrior: prior ? consensus(prior.map((p) => ({ value: p.value, weight: p.probability }))) : null,
    coordinationNumber: vote((r) => r.coordinationNumbers),
    normalized: { e0: query.e0, edgeStep: query.edgeStep, energies: query.energies, mu: query.mu },
    warnings,
  };
}

/**
 * identifySpectrum for a series, in input order; `offset` numbers the inputs in messages (a part of a longer series).
 * `cancelled` is asked before each spectrum: when it says so, the series stops there (CancelledError).
 */
export async function identifySpectra(
  index: ReferenceIndex,
  inputs: SpectrumInput[],
  options: IdentifyOptions = {},
  offset = 0,
  cancelled: () => boolean = () => false,
): Promise<Identification[]> {
  checkBatch(inputs);
  const out: Identification[] = [];
  for (const [i, input] of inputs.entries()) {
    if (cancelled()) throw new CancelledError(`cancelled after ${i} of ${inputs.length} spectra`);
    try {
      out.push(await identifySpectrum(index, input, options));
    } catch (err) {
      if (err instanceof InputError) throw new InputError(`inputs[${offset + i}]: ${err.message}`, err.field);
      throw err;
    }
  }
  return out;
}
