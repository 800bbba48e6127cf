// Ranked reference lookup: a spectrum in, the catalogue's best-matching computed spectra out, with energy
// shifts, a consensus oxidation state and coordination number, and whether the match is confident.
// Methods: ENSEMBLE (src/spectra/ensemble/) and ELSIE_REFERENCE (src/spectra/elsie/, the yardstick).
import { InputError } from '../errors.ts';
import type { CatalogReference, ReferenceIndex, ReferenceSet } from '../search/reference-index.ts';
import { elsieReferenceRank, ELSIE_LEARNERS } from '../spectra/elsie/index.ts';
import {
  consensus,
  consensusWeights,
  abstention,
  blendWithPrior,
  oxidationPrior,
  prepareQuery,
  PRIOR_BLEND,
  prepareReferences,
  rankEnsemble,
  type PreparedQuery,
  type PreparedReferences,
} from '../spectra/ensemble/index.ts';
import { isElementSymbol } from '../structure/elements.ts';
import { checkBatch } from './batch.ts';
import { type SpectrumInput, readInputSpectrum } from './input.ts';

export { MAX_BATCH } from './batch.ts';

export type IdentifyMethod = 'ENSEMBLE' | 'ELSIE_REFERENCE';

export interface IdentifyOptions {
  top?: number | null;
  method?: IdentifyMethod | null;
  restrictElements?: string[] | null;
  groupByFormula?: boolean | null;
  includePredicted?: boolean | null;
}

export const DEFAULT_TOP = 10;
export const MAX_TOP = 100;

export interface IdentifiedMatch {
  rank: number;
  score: number;
  votes: number;
  energyShift: number;
  energyScale: number;
  materialId: string;
  spectrumId: string;
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
  confident: boolean;
  matches: IdentifiedMatch[];
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
  votes: number;
  energyShift: number;
  energyScale: number;
}

function checkedTop(top: number | null | undefined): number {
  if (top == null) return DEFAULT_TOP;
  if (!Number.isInteger(top) || top < 1 || top > MAX_TOP) throw new InputError(`top must be between 1 and ${MAX_TOP} (got ${top})`, 'options.top');
  return top;
}

/** Indices of references whose materials contain only `allowed` elements (plus the absorber); all without a restriction. */
function candidateIndices(set: ReferenceSet, restrict: string[] | null | undefined): number[] | undefined {
  if (restrict == null) return undefined;
  for (const el of restrict) {
    if (!isElementSymbol(el)) throw new InputError(`restrictElements: "${el}" is not an element symbol (write e.g. "Cu", "O")`, 'options.restrictElements');
  }
  const allowed = new Set([...restrict, set.absorbingElement]);
  return set.references.flatMap((r, i) => (r.elements.every((el) => allowed.has(el)) ? [i] : []));
}

function rankWithElsie(query: { energies: number[]; mu: number[] }, set: ReferenceSet, candidates: number[]): Ranked[] {
  const refs = candidates.map((i) => set.references[i]!);
  const result = elsieReferenceRank(query, refs.map((r) => ({ label: r.spectrumId, energies: r.energies, mu: r.mu })));
  const maxVotes = ELSIE_LEARNERS.length * Math.max(1, refs.length);
  const position = new Map(refs.map((r, k) => [r.spectrumId, k]));
  return result.ranking.map((entry) => {
    const k = position.get(entry.label)!;
    // ELSIE's energy_shift is onset(reference) − onset(query): the reference moves by its negative.
    return { index: candidates[k]!, score: entry.borda / maxVotes, votes: entry.borda, energyShift: -result.energyShifts[k]!, energyScale: 1 };
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

/** Identify one spectrum against the catalogue's spectra of its absorbing element and edge. */
export async function identifySpectrum(index: ReferenceIndex, input: SpectrumInput, options: IdentifyOptions = {}): Promise<Identification> {
  const top = checkedTop(options.top);
  const method = options.method ?? 'ENSEMBLE';
  const spectrum = readInputSpectrum(input);
  const set = await index.get(spectrum.absorbingElement, spectrum.edge, 'XANES', options.includePredicted ?? false);
  if (set.references.length === 0) {
    throw new InputError(
      `the catalogue has no XANES spectra for the ${spectrum.absorbingElement} ${spectrum.edge} edge; it has: ${await index.describe()}`,
      'absorbingElement',
    );
  }
  const candidates = candidateIndices(set, options.restrictElements) ?? set.references.map((_, i) => i);
  const warnings = [...spectrum.warnings];
  const query = prepareQuery(spectrum.energies, spectrum.mu, { computed: spectrum.computed });
  warnings.push(...query.warnings);
  const wanted = options.groupByFormula ? Math.min(candidates.length, MAX_TOP * 20) : top;

  let ranked: Ranked[];
  let scores: { bestScore: number; margin: number } | null = null;
  let prior: { value: number; probability: number }[] | null = null;
  if (method === 'ELSIE_REFERENCE') {
    ranked = candidates.length > 0 ? rankWithElsie(spectrum, set, candidates) : [];
    warnings.push('ELSIE_REFERENCE has no calibrated confidence: `confident` is always false with it');
  } else {
    const prepared = index.prepared<PreparedReferences>(set, 'ENSEMBLE', (refs) =>
      prepareReferences(refs.map((r) => ({ id: r.spectrumId, energies: r.energies, mu: r.mu }))),
    );
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
  return {
    absorbingElement: spectrum.absorbingElement,
    edge: spectrum.edge,
    candidatesConsidered: candidates.length,
    confident,
    matches: ranked.map((m, k) => ({
      rank: k + 1,
      score: m.score,
      votes: m.votes,
      energyShift: m.energyShift,
      energyScale: m.energyScale,
      materialId: references[k]!.materialId,
      spectrumId: references[k]!.spectrumId,
    })),
    // Blended for measured spectra only: the prior learned what FEFF looks like measured (bench/accuracy.ts).
    oxidationState: prior && !spectrum.computed ? blendWithPrior(votedOxidationState, prior, PRIOR_BLEND) : votedOxidationState,
    oxidationStatePrior: prior ? consensus(prior.map((p) => ({ value: p.value, weight: p.probability }))) : null,
    coordinationNumber: vote((r) => r.coordinationNumbers),
    normalized: { e0: query.e0, edgeStep: query.edgeStep, energies: query.energies, mu: query.mu },
    warnings,
  };
}

/** identifySpectrum for a series, in input order; `offset` numbers the inputs in messages (a part of a longer series). */
export async function identifySpectra(index: ReferenceIndex, inputs: SpectrumInput[], options: IdentifyOptions = {}, offset = 0): Promise<Identification[]> {
  checkBatch(inputs);
  const out: Identification[] = [];
  for (const [i, input] of inputs.entries()) {
    try {
      out.push(await identifySpectrum(index, input, options));
    } catch (err) {
      if (err instanceof InputError) throw new InputError(`inputs[${offset + i}]: ${err.message}`, err.field);
      throw err;
    }
  }
  return out;
}
