// decomposeSeries: an in-situ series (one element and edge, 2…1,000 spectra) normalised like a measured query with one
// E0 for the whole series, put on one energy grid about it, decomposed (src/spectra/series/: PCA for how many
// components, MCR-ALS for their spectra and concentration profiles), and each component identified against the catalogue.
import { InputError } from '../errors.ts';
import type { CatalogReference, ReferenceIndex, ReferenceSet } from '../search/reference-index.ts';
import { interp } from '../spectra/math.ts';
import { preEdge, prepareSpectrum } from '../spectra/normalize.ts';
import { decomposeSeriesMatrix } from '../spectra/series/index.ts';
import { checkBatch } from './batch.ts';
import { type Identification, type IdentifyOptions, identifyInSet } from './identify.ts';
import { type InputSpectrum, type SpectrumInput, readInputSpectrum } from './input.ts';
import { checkedInteger, checkedRange, type EnergyRange } from './options.ts';

export interface SeriesOptions {
  components?: number | null;
  maxComponents?: number | null;
  range?: EnergyRange | null;
  restrictElements?: string[] | null;
  referenceMethods?: IdentifyOptions['referenceMethods'];
  top?: number | null;
}

export interface SeriesDecomposition {
  absorbingElement: string;
  edge: string;
  spectra: number;
  energies: number[];
  pca: { eigenvalues: number[]; explainedVariance: number[]; ind: number[]; suggested: number; components: number; rule: string };
  components: { index: number; mu: number[]; edgeStep: number; identification: Identification | null }[];
  concentrations: number[][];
  lackOfFit: number;
  lackOfFitPca: number;
  iterations: number;
  converged: boolean;
  warnings: string[];
}

/** Default grid about the series' mean E0: the near edge with room for its pre-edge and first oscillations. */
export const DEFAULT_SERIES_RANGE: EnergyRange = { from: -30, to: 70 };
/** Fewest points of the common grid. */
export const MIN_GRID_POINTS = 20;
export const MAX_SERIES_COMPONENTS = 8;

/**
 * E0 common to the series: the median of the E0s (Larch find_e0) of its first, middle and last spectrum. A series is
 * normalised with one E0, as Athena does when a series' E0 is set for all, so that a chemical shift during the run does
 * not move each spectrum's pre- and post-edge ranges (and normalisation differences do not pose as components).
 */
function seriesE0(spectra: InputSpectrum[]): number {
  const picks = [0, Math.floor((spectra.length - 1) / 2), spectra.length - 1].map((i) => {
    const s = spectra[i]!;
    try {
      const sorted = prepareSpectrum(s.energies, s.mu);
      return preEdge(sorted.energies, sorted.mu, { computed: s.computed }).e0;
    } catch (err) {
      if (err instanceof InputError) throw new InputError(`inputs[${i}]: ${err.message}`, err.field);
      throw err;
    }
  });
  return picks.sort((a, b) => a - b)[1]!;
}

/** A spectrum of the series normalised with the series' E0 (Larch pre_edge, flattened; computed ones by their path). */
function normalizedMember(spectrum: InputSpectrum, e0: number): { energies: number[]; mu: number[] } {
  const s = prepareSpectrum(spectrum.energies, spectrum.mu);
  const pre = preEdge(s.energies, s.mu, { computed: spectrum.computed, e0 });
  return { energies: s.energies, mu: spectrum.computed ? pre.norm : pre.flat! };
}

/** Read every input; they must share one absorbing element and edge. */
export function readSeries(inputs: SpectrumInput[], offset = 0): InputSpectrum[] {
  checkBatch(inputs);
  if (inputs.length < 2) throw new InputError(`a series needs at least 2 spectra (got ${inputs.length}): use identifySpectrum or fitMixture for one`, 'inputs');
  const spectra = inputs.map((input, i) => {
    try {
      return readInputSpectrum(input);
    } catch (err) {
      if (err instanceof InputError) throw new InputError(`inputs[${offset + i}]: ${err.message}`, err.field);
      throw err;
    }
  });
  const first = spectra[0]!;
  spectra.forEach((s, i) => {
    if (s.absorbingElement !== first.absorbingElement || s.edge !== first.edge) {
      throw new InputError(
        `inputs[${i}] is a ${s.absorbingElement} ${s.edge} spectrum but inputs[0] is ${first.absorbingElement} ${first.edge}: a series holds one element and edge; send them as separate series`,
        'inputs',
      );
    }
  });
  return spectra;
}

/**
 * The common grid: the first spectrum's own energies within `range` about the series' E0 and where every spectrum has
 * data (as Larch's groups2matrix puts a series on its first group's energies): no resampling onto a finer grid, which
 * would correlate the noise and let PCA count it as components.
 */
function commonGrid(members: { energies: number[] }[], e0: number, range: EnergyRange): number[] {
  const low = Math.max(e0 + range.from, ...members.map((m) => m.energies[0]!));
  const high = Math.min(e0 + range.to, ...members.map((m) => m.energies[m.energies.length - 1]!));
  const grid = members[0]!.energies.filter((e) => e >= low && e <= high);
  if (!(high - low >= 10) || grid.length < MIN_GRID_POINTS) {
    throw new InputError(
      `the spectra share no 10 eV (${MIN_GRID_POINTS} points of inputs[0]) of data within ${range.from}…${range.to} eV of their E0 (${e0.toFixed(1)} eV): check that they are of one edge and cover it, or change range`,
      'options.range',
    );
  }
  return grid;
}

function checkedSeriesOptions(options: SeriesOptions) {
  return {
    components: checkedInteger(options.components, null, 1, MAX_SERIES_COMPONENTS, 'components'),
    maxComponents: checkedInteger(options.maxComponents, 6, 1, MAX_SERIES_COMPONENTS, 'maxComponents'),
    range: checkedRange(options.range, DEFAULT_SERIES_RANGE),
    top: checkedInteger(options.top, 3, 1, 20, 'top'),
  };
}

/** decomposeSeries on read spectra and a loaded set (no database): bench:mixtures calls it directly. */
export async function decomposeSeriesInSet(
  index: Parameters<typeof identifyInSet>[0],
  set: ReferenceSet | null,
  spectra: InputSpectrum[],
  options: SeriesOptions = {},
  exclude?: (r: CatalogReference) => boolean,
): Promise<SeriesDecomposition> {
  const o = checkedSeriesOptions(options);
  const e0 = seriesE0(spectra);
  const members = spectra.map((s, i) => {
    try {
      return normalizedMember(s, e0);
    } catch (err) {
      if (err instanceof InputError) throw new InputError(`inputs[${i}]: ${err.message}`, err.field);
      throw err;
    }
  });
  const energies = commonGrid(members, e0, o.range);
  const rows = members.map((m) => interp(energies, m.energies, m.mu));
  const result = decomposeSeriesMatrix(energies, rows, o.components === null ? { maxComponents: o.maxComponents } : { components: o.components, maxComponents: o.maxComponents });
  const warnings = [...new Set(spectra.flatMap((s) => s.warnings))].slice(0, 20);
  warnings.push(...result.warnings);
  const first = spectra[0]!;
  if (set === null || set.references.length === 0) {
    warnings.push(`the catalogue has no XANES references for the ${first.absorbingElement} ${first.edge} edge: the components are not identified`);
  }
  const components = await Promise.all(
    result.components.map(async ({ spectrum: mu, edgeStep }, k) => {
      let identification: Identification | null = null;
      if (set !== null && set.references.length > 0) {
        const component: InputSpectrum = { energies, mu, absorbingElement: first.absorbingElement, edge: first.edge, computed: false, normalized: true, warnings: [] };
        try {
          identification = await identifyInSet(
            index,
            set,
            component,
            { top: o.top, groupByFormula: true, restrictElements: options.restrictElements, referenceMethods: options.referenceMethods },
            exclude,
          );
        } catch (err) {
          if (!(err instanceof InputError)) throw err;
          warnings.push(`component ${k} could not be identified: ${err.message}`);
        }
      }
      return { index: k, mu, edgeStep, identification };
    }),
  );
  return {
    absorbingElement: first.absorbingElement,
    edge: first.edge,
    spectra: spectra.length,
    energies,
    pca: {
      eigenvalues: result.pca.eigenvalues.slice(0, 15),
      explainedVariance: result.pca.explainedVariance.slice(0, 15),
      ind: result.pca.indicator.slice(0, 15),
      suggested: result.pca.suggestedComponents,
      components: result.componentCount,
      rule: result.chosenBy === 'user' ? `${result.componentCount} components, as asked (PCA suggested ${result.pca.suggestedComponents}: ${result.pca.reason})` : result.pca.reason,
    },
    components,
    concentrations: result.concentrations,
    lackOfFit: result.lackOfFit,
    lackOfFitPca: result.lackOfFitPca,
    iterations: result.iterations,
    converged: result.converged,
    warnings,
  };
}

/** decomposeSeries: read the series, load its element and edge's references, decompose, identify the components. */
export async function decomposeSeries(index: ReferenceIndex, inputs: SpectrumInput[], options: SeriesOptions = {}): Promise<SeriesDecomposition> {
  checkedSeriesOptions(options);
  const spectra = readSeries(inputs);
  const first = spectra[0]!;
  const set = await index.get(first.absorbingElement, first.edge, 'XANES', false);
  return decomposeSeriesInSet(index, set, spectra, options);
}
