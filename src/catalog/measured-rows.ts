// Catalogue rows of one measured reference spectrum (issue 10): a formula-only Material for its compound (or the
// catalogue's Materials Project entry when the source names one the catalogue holds), a Spectrum with method
// EXPERIMENT holding the data as measured (raw μ, the file's energies), and its MeasuredReference row (provenance and
// chemistry). Pure: the spectrum record comes already parsed (src/spectra/parse/records.ts).
import crypto from 'node:crypto';
import { InputError } from '../errors.ts';
import { edgeEnergy } from '../spectra/parse/edges.ts';
import type { SpectrumRecord as ParsedRecord } from '../spectra/parse/records.ts';
import { chemsys, compositionKey, parseFormula, reducedFormula } from '../structure/composition.ts';
import { isElementSymbol } from '../structure/elements.ts';
import type { ManifestEntry } from './measured-manifest.ts';
import type { Edge, MaterialRecord, MeasuredReferenceRecord, SpectrumRecord, SpectrumType } from './records.ts';

/** Where the data's E0 may lie relative to the tabulated edge energy, eV: oxidised compounds sit up to ~20 eV above it
 * (Cr(VI), S(VI)); facilities' calibrations differ by a few eV, and HERFD sits a few eV lower (identification-lessons.md). */
export const E0_BELOW_EDGE_EV = 15;
export const E0_ABOVE_EDGE_EV = 35;
/** A scan reaching this far above E0 is stored as XAFS (XANES and EXAFS), a shorter one as XANES. */
export const XAFS_EXTENT_EV = 300;
/** Prefix of formula-only materials of measured compounds. */
export const MEASURED_MATERIAL_PREFIX = 'exp-';

export interface MeasuredRows {
  material: MaterialRecord;
  spectrum: SpectrumRecord;
  reference: MeasuredReferenceRecord;
}

const slug = (text: string) => text.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '');

/** The material id of a measured compound: `exp-<reduced formula>[-<phase>]` (`exp-Fe2O3-hematite`). */
export function measuredMaterialId(formula: string, phase: string | null): string {
  const base = `${MEASURED_MATERIAL_PREFIX}${slug(reducedFormula(parseFormula(formula)))}`;
  return phase ? `${base}-${slug(phase.toLowerCase())}` : base;
}

/** sha256 of energies then μ as little-endian float64: the same data under two ids is caught by it. */
export function spectrumDataSha256(energies: readonly number[], mu: readonly number[]): string {
  const bytes = new Float64Array([...energies, ...mu]);
  return crypto.createHash('sha256').update(new Uint8Array(bytes.buffer)).digest('hex');
}

/**
 * Checks the entry against its data and builds its rows. Throws InputError saying what does not hold: an
 * unknown element, a formula without the absorber, or an E0 that is not at the stated edge.
 * `catalogMaterial`: the catalogue's material for `materialsProjectId` when it holds it (with its formula key).
 */
export function measuredRows(
  entry: ManifestEntry,
  data: ParsedRecord,
  catalogMaterial: { id: string; compositionKey: string } | null = null,
): MeasuredRows {
  if (data.error !== null) throw new InputError(`the record cannot be read: ${data.error}`, 'record');
  if (!isElementSymbol(entry.element)) throw new InputError(`element "${entry.element}" is not an element symbol`, 'element');
  let composition: Map<string, number>;
  try {
    composition = parseFormula(entry.formula);
  } catch (err) {
    throw new InputError(`formula: ${(err as Error).message}`, 'formula');
  }
  if (!composition.has(entry.element)) {
    throw new InputError(`formula "${entry.formula}" has no ${entry.element}: the absorbing element must be in the compound`, 'formula');
  }
  const tabulated = edgeEnergy(entry.element, entry.edge);
  if (tabulated === null) throw new InputError(`no tabulated energy for the ${entry.element} ${entry.edge} edge`, 'edge');
  if (!Number.isFinite(data.e0)) throw new InputError('the data has no edge (no maximum of the derivative): is it a spectrum?', 'file');
  const offset = data.e0 - tabulated;
  if (offset < -E0_BELOW_EDGE_EV || offset > E0_ABOVE_EDGE_EV) {
    const near = data.edgeFromE0 ? `; the nearest tabulated edge is ${data.edgeFromE0.element} ${data.edgeFromE0.edge} (${data.edgeFromE0.energy} eV)` : '';
    throw new InputError(
      `the data's edge (E0 ${data.e0.toFixed(1)} eV) is not at the ${entry.element} ${entry.edge} edge (${tabulated} eV; ` +
        `allowed ${-E0_BELOW_EDGE_EV}…+${E0_ABOVE_EDGE_EV} eV)${near}: check the element and edge`,
      'edge',
    );
  }
  const key = compositionKey(composition);
  const linked = catalogMaterial && catalogMaterial.compositionKey === key ? catalogMaterial.id : null;
  const materialId = linked ?? measuredMaterialId(entry.formula, entry.phase);
  const elements = [...composition.keys()].sort();
  const last = data.energies[data.energies.length - 1]!;
  const spectrumType: SpectrumType = last - data.e0 >= XAFS_EXTENT_EV ? 'XAFS' : 'XANES';
  const spectrumId = `${materialId}-${spectrumType}-${entry.element}-${entry.edge}-${entry.id}`;
  const material: MaterialRecord = {
    id: materialId,
    formula: reducedFormula(composition),
    compositionKey: key,
    elements,
    chemsys: chemsys(elements),
    nsites: null,
    lattice: [],
    species: [],
    fracCoords: [],
    volume: null,
    spacegroupSymbol: null,
    spacegroupNumber: null,
    split: null,
    siteAverageNote: null,
    provenanceSource: 'measured reference (formula only, no structure): see its spectra for sources',
    provenanceLicense: 'see each spectrum',
    provenanceUrl: null,
  };
  const spectrum: SpectrumRecord = {
    id: spectrumId,
    materialId,
    absorbingElement: entry.element,
    edge: entry.edge as Edge,
    spectrumType,
    method: 'EXPERIMENT',
    siteIndex: null,
    energies: data.energies,
    mu: data.mu,
    uncertainty: [],
    e0: data.e0,
    averagedSites: null,
    modelVersion: null,
  };
  const reference: MeasuredReferenceRecord = {
    spectrumId,
    recordId: entry.id,
    compound: entry.compound,
    phase: entry.phase,
    oxidationStates: entry.oxidationStates,
    oxidationStateBasis: entry.oxidationStateBasis,
    coordinationNumber: entry.coordinationNumber,
    mode: entry.mode,
    temperature: entry.temperature,
    beamline: entry.beamline,
    sampleGroup: entry.sample,
    source: entry.source,
    sourceFile: entry.file,
    sourceRecord: entry.record,
    materialsProjectId: entry.materialsProjectId,
    doi: entry.doi,
    license: entry.license,
    credit: entry.credit,
    note: entry.note,
    dataSha256: spectrumDataSha256(data.energies, data.mu),
  };
  return { material, spectrum, reference };
}

/** The record an entry names among a file's records: by Athena key, else label or column, else the only one. */
export function findRecord(records: readonly ParsedRecord[], entry: Pick<ManifestEntry, 'record' | 'recordKey'>): ParsedRecord {
  if (entry.recordKey) {
    const found = records.find((r) => r.key === entry.recordKey);
    if (!found) throw new InputError(`the file has no Athena group with key "${entry.recordKey}"`, 'recordKey');
    if (entry.record && found.record?.trim() !== entry.record.trim()) {
      throw new InputError(`Athena group ${entry.recordKey} is labelled "${found.record}", not "${entry.record}"`, 'record');
    }
    return found;
  }
  if (entry.record) {
    const wanted = entry.record.trim().toLowerCase();
    const matching = records.filter((r) => r.record !== null && r.record.trim().toLowerCase() === wanted);
    if (matching.length === 0) {
      throw new InputError(`the file has no record "${entry.record}"; its records are ${records.map((r) => `"${r.record}"`).join(', ')}`, 'record');
    }
    if (matching.length > 1) throw new InputError(`the file has ${matching.length} records labelled "${entry.record}": name one by its Athena group key`, 'record');
    return matching[0]!;
  }
  if (records.length !== 1) {
    throw new InputError(`the file holds ${records.length} spectra: name one (${records.map((r) => `"${r.record}"`).join(', ')})`, 'record');
  }
  return records[0]!;
}
