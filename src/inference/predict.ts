// Structure → spectrum: one descriptor row per class of symmetry-equivalent absorbing sites, every row of
// every structure through the model in ONE batch, then each structure's site-averaged spectrum (weighted by
// multiplicity, as pymatgen's site-weighted XAS and the seed catalogue average). No I/O here besides the
// model's session.
import { InputError } from '../errors.ts';
import { descriptorDimension, type ElementWeight, structureDescriptors, type WacsfParameters } from '../structure/descriptor.ts';
import { elementBySymbol } from '../structure/elements.ts';
import { isMolecule, type Molecule, type Structure } from '../structure/structure.ts';
import { type AbsorbingSiteClass, absorbingSiteClasses } from '../structure/symmetry.ts';
import type { SpectrumModel } from './model.ts';

/** The model's inputs for one structure: its absorbing-site classes and one descriptor row per class. */
export interface Featurised {
  classes: AbsorbingSiteClass[];
  /** Row-major `classes.length × D`, float32 as the graph takes them. */
  descriptors: Float32Array;
  spacegroupNumber: number | null;
  warnings: string[];
}

/** One class of equivalent sites and its predicted spectrum. */
export interface SitePrediction {
  siteIndex: number;
  multiplicity: number;
  equivalentSiteIndices: number[];
  mean: number[];
  /** One-sigma uncertainty of `mean` (the ensemble's spread, calibrated on validation data). */
  std: number[];
}

/** A structure's predicted spectrum: per site class and site-averaged, on the model's grid. */
export interface StructurePrediction {
  modelId: string;
  absorbingElement: string;
  edge: string;
  energies: number[];
  sites: SitePrediction[];
  /** Site-averaged (multiplicity-weighted) spectrum: what an experiment sees. */
  mean: number[];
  std: number[];
  spacegroupNumber: number | null;
  warnings: string[];
}

export interface PredictionItem {
  structure: Structure | Molecule;
  /** Absorbing element symbol; must be the model's. */
  element: string;
}

/** Element symbols of a structure, alphabetical. */
const elementsOf = (structure: Structure | Molecule) => [...new Set(structure.species)].sort();

/** Warning for elements without a Pauling electronegativity, when the descriptor weights by it. */
function electronegativityWarning(structure: Structure | Molecule, params: WacsfParameters): string | null {
  const weights: ElementWeight[] = [...params.g2Weights, ...params.g4Weights];
  if (!weights.includes('X')) return null;
  const undefinedX = elementsOf(structure).filter((s) => elementBySymbol(s)?.electronegativity === null);
  if (undefinedX.length === 0) return null;
  return `${undefinedX.join(', ')} ${undefinedX.length === 1 ? 'has' : 'have'} no Pauling electronegativity: ${undefinedX.length === 1 ? 'it counts' : 'they count'} 0 in the descriptor's electronegativity-weighted terms, so the prediction is less reliable`;
}

/** Why a structure cannot give `element`'s spectrum: it has no such atom. */
export function missingAbsorberMessage(structure: Structure | Molecule, element: string): string {
  return `the structure has no ${element} atom (it has ${elementsOf(structure).join(', ')}); choose an absorbing element it contains`;
}

/**
 * The absorbing-site classes of `element` (symmetry-equivalent sites, with multiplicity) and the raw
 * descriptor of one representative per class. Throws an InputError when the structure has no such atom.
 */
export function featurise(structure: Structure | Molecule, element: string, params: WacsfParameters): Featurised {
  const found = absorbingSiteClasses(structure, element);
  if (found.classes.length === 0) throw new InputError(missingAbsorberMessage(structure, element), 'absorbingElement');
  const warnings = [found.warning, electronegativityWarning(structure, params)].filter((w): w is string => w !== null);
  if (isMolecule(structure)) warnings.push(`a molecule (no lattice): each ${element} atom is its own site class, and the model was trained on periodic crystals`);
  const descriptors = Float32Array.from(structureDescriptors(structure, found.classes.map((c) => c.siteIndex), params));
  return { classes: found.classes, descriptors, spacegroupNumber: found.spacegroupNumber, warnings };
}

/**
 * Site-averaged spectrum of `multiplicities.length` site rows (row-major, `points` values each):
 * mean = Σ m_i μ_i / Σ m_i.
 */
export function siteAveraged(mean: Float32Array, std: Float32Array, multiplicities: readonly number[], points: number): { mean: Float64Array; std: Float64Array } {
  if (mean.length !== multiplicities.length * points || std.length !== mean.length) {
    throw new RangeError(`expected ${multiplicities.length} rows of ${points} values, got ${mean.length} means and ${std.length} sigmas`);
  }
  const total = multiplicities.reduce((a, b) => a + b, 0);
  if (!(total > 0)) throw new RangeError('site multiplicities must add up to more than 0');
  const outMean = new Float64Array(points);
  const outStd = new Float64Array(points);
  multiplicities.forEach((m, i) => {
    const w = m / total;
    for (let e = 0; e < points; e++) {
      outMean[e]! += w * mean[i * points + e]!;
      // σ of the average = Σ m_i σ_i / Σ m_i: the sites' errors are treated as fully correlated (one structure, one model), the conservative bound.
      outStd[e]! += w * std[i * points + e]!;
    }
  });
  return { mean: outMean, std: outStd };
}

function checkModelFor(model: SpectrumModel, element: string, label: string): void {
  if (element !== model.absorbingElement) {
    throw new InputError(`${label}model ${model.id} predicts ${model.absorbingElement} ${model.edge}-edge spectra, not ${element}`, 'absorbingElement');
  }
}

/**
 * Predict every structure's spectrum with one `run` of the model over all their site classes (batched across
 * structures). Answers in input order. Throws an InputError (naming the structure when there are several) when a
 * structure lacks the absorbing element or asks for another element than the model's.
 */
export async function predictStructures(model: SpectrumModel, items: readonly PredictionItem[]): Promise<StructurePrediction[]> {
  const dimension = descriptorDimension(model.descriptor);
  const points = model.energies.length;
  const featurised = items.map((item, i) => {
    const label = items.length > 1 ? `structure ${i + 1}: ` : '';
    checkModelFor(model, item.element, label);
    try {
      return featurise(item.structure, item.element, model.descriptor);
    } catch (err) {
      if (err instanceof InputError && label) throw new InputError(label + err.message, err.field);
      throw err;
    }
  });
  const rows = featurised.reduce((n, f) => n + f.classes.length, 0);
  const batch = new Float32Array(rows * dimension);
  let row = 0;
  for (const f of featurised) {
    batch.set(f.descriptors, row * dimension);
    row += f.classes.length;
  }
  const { mean, std } = await model.session.run(batch, rows);
  if (mean.length !== rows * points || std.length !== rows * points) {
    throw new Error(`model ${model.id} returned ${mean.length} values for ${rows} sites of ${points} points`);
  }

  const energies = [...model.energies];
  row = 0;
  return featurised.map((f) => {
    const n = f.classes.length;
    const siteMean = mean.subarray(row * points, (row + n) * points);
    const siteStd = std.subarray(row * points, (row + n) * points);
    row += n;
    const averaged = siteAveraged(siteMean, siteStd, f.classes.map((c) => c.multiplicity), points);
    return {
      modelId: model.id,
      absorbingElement: model.absorbingElement,
      edge: model.edge,
      energies,
      sites: f.classes.map((c, i) => ({
        siteIndex: c.siteIndex,
        multiplicity: c.multiplicity,
        equivalentSiteIndices: c.equivalentSiteIndices,
        mean: Array.from(siteMean.subarray(i * points, (i + 1) * points)),
        std: Array.from(siteStd.subarray(i * points, (i + 1) * points)),
      })),
      mean: Array.from(averaged.mean),
      std: Array.from(averaged.std),
      spacegroupNumber: f.spacegroupNumber,
      warnings: f.warnings,
    };
  });
}

/** predictStructures for one structure. */
export async function predictStructure(model: SpectrumModel, item: PredictionItem): Promise<StructurePrediction> {
  const [prediction] = await predictStructures(model, [item]);
  return prediction!;
}
