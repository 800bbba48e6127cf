// The catalogue rows of a finished prediction (pure: plain data in, rows out): the hypothetical material
// `hyp-<hash>` with its structure (the canonical one the model saw), one AbsorbingSite per class of
// symmetry-equivalent absorbing sites (multiplicity from the symmetry analysis), one site spectrum per class and
// the site-averaged spectrum, all of method ML_PREDICTED with the model's id and the one-sigma band.
//
// Ids: the material is the structure's (`hyp-<hash>`, shared by every model that predicts it); a spectrum's id is
// the Materials Project form followed by `@<model>`, e.g. `hyp-0123456789abcdef-XANES-Cu-K@cu-k-feff-wacsf@1.0.0`
// (site-averaged) and `…-XANES-Cu-K-site3@cu-k-feff-wacsf@1.0.0`, so two models' predictions of one structure
// are two spectra. The same prediction always gives the same rows, so writing them twice changes nothing.
import { materialOfStructure } from '../catalog/ingest-documents.ts';
import { type AbsorbingSiteRecord, type CatalogBatch, type Edge, type SpectrumRecord, type SpectrumType, spectrumId } from '../catalog/records.ts';
import type { StructurePrediction } from '../inference/predict.ts';
import type { Structure } from '../structure/structure.ts';

/** Provenance of a predicted material: the structure came from a user. */
export const USER_STRUCTURE_PROVENANCE = {
  provenanceSource: 'user structure',
  provenanceLicense: 'structure submitted by an API user for prediction; spectra predicted by the model named in each spectrum',
} as const;

/** What a job's input says about the prediction it asks for. */
export interface PredictionTarget {
  materialId: string;
  structure: Structure;
  absorbingElement: string;
  edge: Edge;
  spectrumType: SpectrumType;
  /** `<name>@<version>`. */
  modelId: string;
}

/** The id of a predicted spectrum: site-averaged (siteIndex null) or of one site class. */
export function predictedSpectrumId(target: Omit<PredictionTarget, 'structure'>, siteIndex: number | null): string {
  return `${spectrumId(target.materialId, target.spectrumType, target.absorbingElement, target.edge, siteIndex)}@${target.modelId}`;
}

/** The rows of one prediction, and the id of its site-averaged spectrum. */
export function predictionRows(target: PredictionTarget, prediction: StructurePrediction): { batch: CatalogBatch; spectrumId: string } {
  const material = { ...materialOfStructure(target.materialId, target.structure, USER_STRUCTURE_PROVENANCE), spacegroupNumber: prediction.spacegroupNumber };
  const sites: AbsorbingSiteRecord[] = prediction.sites.map((site) => ({
    materialId: target.materialId,
    siteIndex: site.siteIndex,
    element: target.absorbingElement,
    multiplicity: site.multiplicity,
    weight: site.multiplicity,
    equivalentSiteIndices: site.equivalentSiteIndices,
    wyckoff: null,
    oxidationState: null,
    oxidationStateMethod: null,
    coordinationNumber: null,
    split: null,
  }));
  const spectrum = (siteIndex: number | null, mu: number[], sigma: number[]): SpectrumRecord => ({
    id: predictedSpectrumId(target, siteIndex),
    materialId: target.materialId,
    absorbingElement: target.absorbingElement,
    edge: target.edge,
    spectrumType: target.spectrumType,
    method: 'ML_PREDICTED',
    siteIndex,
    energies: prediction.energies,
    mu,
    uncertainty: sigma,
    e0: null,
    averagedSites: siteIndex === null ? prediction.sites.length : null,
    modelVersion: target.modelId,
  });
  const average = spectrum(null, prediction.mean, prediction.std);
  return {
    batch: { materials: [material], sites, spectra: [average, ...prediction.sites.map((s) => spectrum(s.siteIndex, s.mean, s.std))] },
    spectrumId: average.id,
  };
}

/** Several predictions' rows as one batch (a material predicted twice in the batch appears once). */
export function mergeBatches(batches: readonly CatalogBatch[]): CatalogBatch {
  const unique = <T>(rows: T[], key: (row: T) => string) => [...new Map(rows.map((r) => [key(r), r])).values()];
  return {
    materials: unique(batches.flatMap((b) => b.materials), (m) => m.id),
    sites: unique(batches.flatMap((b) => b.sites), (s) => `${s.materialId}\t${s.siteIndex}`),
    spectra: unique(batches.flatMap((b) => b.spectra), (s) => s.id),
  };
}
