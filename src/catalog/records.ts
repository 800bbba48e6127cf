// Plain rows of the catalogue, as the ingest code produces them and the bulk writer stores them.
import type { Edge, Method, SpectrumType } from '../generated/prisma/enums.ts';

export type { Edge, Method, SpectrumType };

export const EDGES: readonly Edge[] = ['K', 'L1', 'L2', 'L3', 'L2_3'];
export const SPECTRUM_TYPES: readonly SpectrumType[] = ['XANES', 'EXAFS', 'XAFS'];
export const METHODS: readonly Method[] = ['FEFF', 'VASP', 'EXPERIMENT', 'ML_PREDICTED'];

export interface MaterialRecord {
  id: string;
  formula: string;
  compositionKey: string;
  elements: string[];
  chemsys: string;
  nsites: number | null;
  /** 9 numbers (lattice rows), or empty when the structure is unknown. */
  lattice: number[];
  species: string[];
  /** 3 numbers per site. */
  fracCoords: number[];
  volume: number | null;
  spacegroupSymbol: string | null;
  spacegroupNumber: number | null;
  split: string | null;
  siteAverageNote: string | null;
  provenanceSource: string;
  provenanceLicense: string;
  provenanceUrl: string | null;
}

export interface AbsorbingSiteRecord {
  materialId: string;
  siteIndex: number;
  element: string;
  multiplicity: number;
  weight: number | null;
  equivalentSiteIndices: number[];
  wyckoff: string | null;
  oxidationState: number | null;
  oxidationStateMethod: string | null;
  coordinationNumber: number | null;
  split: string | null;
}

export interface SpectrumRecord {
  id: string;
  materialId: string;
  absorbingElement: string;
  edge: Edge;
  spectrumType: SpectrumType;
  method: Method;
  siteIndex: number | null;
  energies: number[];
  mu: number[];
  uncertainty: number[];
  e0: number | null;
  averagedSites: number | null;
  modelVersion: string | null;
}

/** A measured reference's provenance and chemistry, as stored in `measured_reference`. */
export interface MeasuredReferenceRecord {
  spectrumId: string;
  recordId: string;
  compound: string;
  phase: string | null;
  oxidationStates: number[];
  oxidationStateBasis: string | null;
  coordinationNumber: number | null;
  mode: string | null;
  temperature: string | null;
  beamline: string | null;
  sampleGroup: string;
  source: string;
  sourceFile: string;
  sourceRecord: string | null;
  materialsProjectId: string | null;
  doi: string | null;
  license: string;
  credit: string;
  note: string | null;
  dataSha256: string;
}

/** Rows that are written together (one transaction). */
export interface CatalogBatch {
  materials: MaterialRecord[];
  sites: AbsorbingSiteRecord[];
  spectra: SpectrumRecord[];
  /** Provenance and chemistry of the batch's measured spectra (none for computed catalogues). */
  measured?: MeasuredReferenceRecord[];
}

export const emptyBatch = (): CatalogBatch => ({ materials: [], sites: [], spectra: [] });

/** Materials Project spectrum id: `mp-1005792-XANES-Cu-K`, or `mp-1005792-XANES-Cu-K-site8` for one site. */
export function spectrumId(
  materialId: string,
  spectrumType: SpectrumType,
  absorbingElement: string,
  edge: Edge,
  siteIndex: number | null,
): string {
  const base = `${materialId}-${spectrumType}-${absorbingElement}-${edge}`;
  return siteIndex === null ? base : `${base}-site${siteIndex}`;
}
