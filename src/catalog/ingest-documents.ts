// Users' own computed spectra → catalogue rows. Two document forms are accepted, both as JSON:
//  - a pymatgen `XAS` dict (`XAS.as_dict()`, monty `dumpfn`): x, y, structure, absorbing_element (or the
//    legacy `absorption_element`), edge, spectrum_type, absorbing_index;
//  - a Materials Project XAS document (emmet `XASDoc`): `spectrum` (an XAS dict) with material_id,
//    absorbing_element, edge, spectrum_type, absorbing_index, structure, formula_pretty, elements.
// Pure: one parsed document in, the rows of one material and one spectrum out. Every error is an
// InputError whose message names the field and says what to fix; the caller adds the file and line.
import { createHash } from 'node:crypto';
import { InputError } from '../errors.ts';
import { type Composition, chemsys, compositionKey, compositionOfSpecies, parseFormula, reducedFormula } from '../structure/composition.ts';
import { describeValue, elementSymbol, isObject, type JsonObject, numberList } from '../structure/json-values.ts';
import { parsePymatgenStructure } from '../structure/pymatgen-structure.ts';
import { latticeParameters, type Structure } from '../structure/structure.ts';
import {
  type CatalogBatch,
  EDGES,
  type Edge,
  type MaterialRecord,
  METHODS,
  type Method,
  SPECTRUM_TYPES,
  type SpectrumRecord,
  type SpectrumType,
  spectrumId,
} from './records.ts';

/** Method of spectra whose document names none (`npm run ingest -- --method`). */
export const DEFAULT_METHOD: Method = 'FEFF';
/** License of uploaded data when the user names none (`npm run ingest -- --license`). */
export const DEFAULT_LICENSE = 'unspecified (user upload)';
/** pymatgen `XAS.__init__` defaults, used when an XAS dict leaves these out. */
export const PYMATGEN_DEFAULT_EDGE: Edge = 'K';
export const PYMATGEN_DEFAULT_SPECTRUM_TYPE: SpectrumType = 'XANES';
/** Prefix of the ids given to structures that come without a material id. */
export const USER_MATERIAL_PREFIX = 'user-';
/** Material ids: letters, digits and `._:-`, starting with a letter or digit (`mp-1005792`, `mvc-10270`). */
const MATERIAL_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,99}$/;

/** What the document itself does not say. */
export interface IngestOptions {
  /** Method of spectra whose document has no `method` field. */
  method: Method;
  /** Material id for documents without `material_id`; without either, `user-<hash of the structure>`. */
  materialId?: string | undefined;
  /** Provenance of the rows: where they come from (names the file) and under which license. */
  provenanceSource: string;
  provenanceLicense: string;
}

/** The rows of one document: one material (possibly already known) and one spectrum. */
export interface DocumentRows {
  material: MaterialRecord;
  spectrum: SpectrumRecord;
}

type Json = JsonObject;

const present = (value: unknown) => value !== undefined && value !== null;

function fail(message: string, field?: string): never {
  throw new InputError(message, field);
}

/**
 * Energies and mu of a spectrum, checked: the same number of points (at least 2), finite, energies
 * strictly increasing. Points are 0-based, as in the JSON list (`at point 37` is `x[37]`).
 */
export function checkedSpectrumArrays(x: unknown, y: unknown, prefix = ''): { energies: number[]; mu: number[] } {
  const energies = numberList(x, `${prefix}x`, 'energies (x)');
  const mu = numberList(y, `${prefix}y`, 'mu (y)');
  if (energies.length !== mu.length) {
    fail(`${prefix}x has ${energies.length} energies but ${prefix}y has ${mu.length} values; give one mu value per energy`, `${prefix}y`);
  }
  if (energies.length < 2) fail(`a spectrum needs at least 2 points; ${prefix}x has ${energies.length}`, `${prefix}x`);
  for (let i = 1; i < energies.length; i++) {
    if (!(energies[i]! > energies[i - 1]!)) {
      fail(`energy must increase; found ${energies[i]} after ${energies[i - 1]} at point ${i} (${prefix}x[${i}]): sort the points by energy and drop repeated energies`, `${prefix}x`);
    }
  }
  return { energies, mu };
}

/** K, L1, L2, L3 or L2_3 (pymatgen and the Materials Project write the combined L edge `L2,3`). */
export function parseEdge(value: unknown, field = 'edge'): Edge {
  const text = typeof value === 'string' ? value.trim().replace(/^L2,3$/, 'L2_3') : value;
  if (typeof text !== 'string' || !(EDGES as readonly string[]).includes(text)) {
    fail(`${field} ${describeValue(value)} is not a supported edge; use one of ${EDGES.join(', ')} (or "L2,3")`, field);
  }
  return text as Edge;
}

export function parseSpectrumType(value: unknown, field = 'spectrum_type'): SpectrumType {
  const text = typeof value === 'string' ? value.trim().toUpperCase() : value;
  if (typeof text !== 'string' || !(SPECTRUM_TYPES as readonly string[]).includes(text)) {
    fail(`${field} ${describeValue(value)} is not a supported spectrum type; use one of ${SPECTRUM_TYPES.join(', ')}`, field);
  }
  return text as SpectrumType;
}

export function parseMethod(value: unknown, field = 'method'): Method {
  const text = typeof value === 'string' ? value.trim().toUpperCase() : value;
  if (typeof text !== 'string' || !(METHODS as readonly string[]).includes(text)) {
    fail(`${field} ${describeValue(value)} is not a supported method; use one of ${METHODS.join(', ')}`, field);
  }
  return text as Method;
}

export function parseMaterialId(value: unknown, field = 'material_id'): string {
  if (typeof value !== 'string' || !MATERIAL_ID_PATTERN.test(value)) {
    fail(`${field} ${describeValue(value)} is not a usable material id: use letters, digits and . _ : - (at most 100 characters), e.g. "mp-1005792"`, field);
  }
  return value;
}

function siteIndex(value: unknown, field: string): number | null {
  if (!present(value)) return null;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    fail(`${field} must be a site index (an integer ≥ 0, 0-based) or null for a site-averaged spectrum, found ${describeValue(value)}`, field);
  }
  return value;
}

const canonicalNumber = (x: number) => {
  const rounded = Number(x.toFixed(6));
  return Object.is(rounded, -0) ? 0 : rounded;
};
const wrapFraction = (x: number) => {
  const f = canonicalNumber(x - Math.floor(x));
  return f === 1 ? 0 : f;
};

/**
 * `user-` + the first 12 hex digits of the sha256 of the structure's canonical JSON: lattice rows and
 * fractional coordinates (wrapped into [0, 1)) rounded to 6 decimals, species, in the site order given.
 * The same structure written again (or by another program) gets the same id.
 */
export function userMaterialId(structure: Structure): string {
  const canonical = JSON.stringify({
    lattice: structure.lattice.map((row) => row.map(canonicalNumber)),
    species: structure.species,
    fracCoords: structure.fracCoords.map((f) => f.map(wrapFraction)),
  });
  return `${USER_MATERIAL_PREFIX}${createHash('sha256').update(canonical).digest('hex').slice(0, 12)}`;
}

interface Provenance {
  provenanceSource: string;
  provenanceLicense: string;
}

/** The material row of an upload: its composition, and its structure where the upload has one. Space group
 * and splits are unknown for uploads. */
function uploadedMaterial(id: string, composition: Composition, structure: Structure | null, provenance: Provenance): MaterialRecord {
  const elements = [...composition.keys()].sort();
  return {
    id,
    formula: reducedFormula(composition),
    compositionKey: compositionKey(composition),
    elements,
    chemsys: chemsys(elements),
    nsites: structure ? structure.species.length : null,
    lattice: structure ? structure.lattice.flat() : [],
    species: structure ? structure.species : [],
    fracCoords: structure ? structure.fracCoords.flat() : [],
    volume: structure ? latticeParameters(structure.lattice).volume : null,
    spacegroupSymbol: null,
    spacegroupNumber: null,
    split: null,
    siteAverageNote: null,
    provenanceSource: provenance.provenanceSource,
    provenanceLicense: provenance.provenanceLicense,
    provenanceUrl: null,
  };
}

/** The material row of a structure. */
export function materialOfStructure(id: string, structure: Structure, provenance: Provenance): MaterialRecord {
  return uploadedMaterial(id, compositionOfSpecies(structure.species), structure, provenance);
}

/** The material row of a material known only by its formula (and, optionally, its element list). */
export function materialOfFormula(id: string, formula: unknown, elementList: unknown, provenance: Provenance): MaterialRecord {
  if (typeof formula !== 'string') fail(`formula_pretty must be a chemical formula such as "Cu2O", found ${describeValue(formula)}`, 'formula_pretty');
  let composition: Composition;
  try {
    composition = parseFormula(formula);
  } catch (err) {
    fail(`formula_pretty: ${(err as Error).message}`, 'formula_pretty');
  }
  if (present(elementList)) {
    const elements = [...composition.keys()].sort();
    if (!Array.isArray(elementList)) fail(`elements must be a list of element symbols, found ${describeValue(elementList)}`, 'elements');
    const listed = [...new Set(elementList.map((e: unknown, i) => elementSymbol(e, `elements[${i}]`)))].sort();
    if (listed.join(',') !== elements.join(',')) {
      fail(`elements [${listed.join(', ')}] do not match formula_pretty "${formula}" (elements ${elements.join(', ')}); correct one of them`, 'elements');
    }
  }
  return uploadedMaterial(id, composition, null, provenance);
}

/** A field given both at the document level and in its `spectrum`: the two must agree. */
function agreeing<T>(top: T | undefined, inner: T | undefined, field: string, show: (v: T) => string = String): T | undefined {
  if (top !== undefined && inner !== undefined && show(top) !== show(inner)) {
    fail(`${field} is ${show(top)} but spectrum.${field} is ${show(inner)}; the document and its spectrum must agree`, field);
  }
  return top ?? inner;
}

const optional = <T>(value: unknown, parse: (v: unknown) => T): T | undefined => (present(value) ? parse(value) : undefined);

function absorbingElementField(doc: Json, prefix: string): string | undefined {
  const key = present(doc.absorbing_element) ? 'absorbing_element' : present(doc.absorption_element) ? 'absorption_element' : null;
  return key === null ? undefined : elementSymbol(doc[key], `${prefix}${key}`);
}

/** Is this a Materials Project XAS document (an XAS dict under `spectrum`) rather than a bare XAS dict? */
export const isMaterialsProjectDocument = (doc: Json) => isObject(doc.spectrum);

/**
 * The rows of one document (see the top of this file for the two forms). The stored spectrum id is built
 * by `spectrumId` (`<material>-XANES-Cu-K`, `…-site<N>` for a site's own spectrum); a document's own
 * `spectrum_id` is not used, since Materials Project ids are written in more than one form.
 */
export function documentToRows(document: unknown, options: IngestOptions): DocumentRows {
  if (!isObject(document)) {
    fail(`expected a JSON object (a pymatgen XAS dict or a Materials Project XAS document), found ${describeValue(document)}`);
  }
  const mp = isMaterialsProjectDocument(document);
  const xas = mp ? (document.spectrum as Json) : document;
  const prefix = mp ? 'spectrum.' : '';
  if (!mp && (xas.x === undefined || xas.y === undefined)) {
    const keys = Object.keys(document).slice(0, 12).join(', ') || 'none';
    fail(`not a spectrum: expected a pymatgen XAS dict (x, y, structure, absorbing_element, edge) or a Materials Project XAS document (spectrum, material_id, …); found keys: ${keys}`);
  }
  const { energies, mu } = checkedSpectrumArrays(xas.x, xas.y, prefix);

  const top = mp ? document : {};
  const absorbingElement = agreeing(absorbingElementField(top, ''), absorbingElementField(xas, prefix), 'absorbing_element');
  if (absorbingElement === undefined) fail(`absorbing_element is missing: name the absorbing element, e.g. "absorbing_element": "Cu"`, 'absorbing_element');
  const edge = agreeing(optional(top.edge, (v) => parseEdge(v)), optional(xas.edge, (v) => parseEdge(v, `${prefix}edge`)), 'edge') ?? PYMATGEN_DEFAULT_EDGE;
  const spectrumType =
    agreeing(optional(top.spectrum_type, (v) => parseSpectrumType(v)), optional(xas.spectrum_type, (v) => parseSpectrumType(v, `${prefix}spectrum_type`)), 'spectrum_type') ??
    PYMATGEN_DEFAULT_SPECTRUM_TYPE;
  const absorbingIndex =
    agreeing(siteIndex(top.absorbing_index, 'absorbing_index') ?? undefined, siteIndex(xas.absorbing_index, `${prefix}absorbing_index`) ?? undefined, 'absorbing_index') ?? null;
  const method =
    agreeing(optional(top.method, (v) => parseMethod(v)), optional(xas.method, (v) => parseMethod(v, `${prefix}method`)), 'method') ?? options.method;

  const structureValue = present(top.structure) ? top.structure : xas.structure;
  const structureField = present(top.structure) ? 'structure' : `${prefix}structure`;
  const structure = present(structureValue) ? parsePymatgenStructure(structureValue, structureField) : null;

  const documentId = optional(top.material_id, (v) => parseMaterialId(v));
  const materialId = documentId ?? options.materialId ?? (structure ? userMaterialId(structure) : undefined);
  if (materialId === undefined) {
    fail('the document has neither a material_id nor a structure: add "material_id", give one with --material-id, or include the structure', 'material_id');
  }

  let material: MaterialRecord;
  if (structure) {
    material = materialOfStructure(materialId, structure, options);
    if (!structure.species.includes(absorbingElement)) {
      fail(`absorbing_element ${absorbingElement} is not in the structure (${material.formula}); check absorbing_element or the structure`, 'absorbing_element');
    }
    if (absorbingIndex !== null) {
      const atSite = structure.species[absorbingIndex];
      if (atSite === undefined) fail(`absorbing_index ${absorbingIndex} is not a site of the structure (${structure.species.length} sites, indices from 0)`, 'absorbing_index');
      if (atSite !== absorbingElement) fail(`absorbing_index ${absorbingIndex} is a ${atSite} site, but absorbing_element is ${absorbingElement}; indices are 0-based`, 'absorbing_index');
    }
  } else {
    if (!present(top.formula_pretty)) {
      fail('the document has no structure and no formula: include the structure (pymatgen Structure dict) or at least "formula_pretty"', 'structure');
    }
    material = materialOfFormula(materialId, top.formula_pretty, top.elements, options);
    if (!material.elements.includes(absorbingElement)) {
      fail(`absorbing_element ${absorbingElement} is not in formula_pretty "${String(top.formula_pretty)}"; check one of them`, 'absorbing_element');
    }
  }

  const spectrum: SpectrumRecord = {
    id: spectrumId(materialId, spectrumType, absorbingElement, edge, absorbingIndex),
    materialId,
    absorbingElement,
    edge,
    spectrumType,
    method,
    siteIndex: absorbingIndex,
    energies,
    mu,
    uncertainty: [],
    e0: null,
    averagedSites: null,
    modelVersion: null,
  };
  return { material, spectrum };
}

const sameNumbers = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x, i) => x === b[i]);

function sameMaterial(a: MaterialRecord, b: MaterialRecord): boolean {
  return a.compositionKey === b.compositionKey && a.species.join(',') === b.species.join(',') && sameNumbers(a.lattice, b.lattice) && sameNumbers(a.fracCoords, b.fracCoords);
}

/** Rows of a whole file, gathered document by document; each row remembers where it came from. */
export class FileRows {
  readonly batch: CatalogBatch = { materials: [], sites: [], spectra: [] };
  private readonly materials = new Map<string, { index: number; where: string }>();
  private readonly spectra = new Map<string, { index: number; where: string }>();

  /**
   * Add one document's rows. A material given again is kept once (a structure-less row is replaced by
   * one with the structure); a spectrum given twice with identical data is kept once. Conflicting
   * repeats are errors that name the earlier document (`where`, e.g. "line 3").
   */
  add(rows: DocumentRows, where: string): void {
    const { material, spectrum } = rows;
    const known = this.materials.get(material.id);
    if (!known) {
      this.materials.set(material.id, { index: this.batch.materials.length, where });
      this.batch.materials.push(material);
    } else {
      const earlier = this.batch.materials[known.index]!;
      const earlierHasStructure = earlier.species.length > 0;
      const hasStructure = material.species.length > 0;
      if (earlier.compositionKey !== material.compositionKey || (earlierHasStructure && hasStructure && !sameMaterial(earlier, material))) {
        fail(`material ${material.id} is given with a different ${earlierHasStructure && hasStructure ? 'structure' : 'composition'} than at ${known.where} (${earlier.formula} there, ${material.formula} here): use one structure per material id`, 'material_id');
      }
      if (hasStructure && !earlierHasStructure) this.batch.materials[known.index] = material;
    }
    const seen = this.spectra.get(spectrum.id);
    if (!seen) {
      this.spectra.set(spectrum.id, { index: this.batch.spectra.length, where });
      this.batch.spectra.push(spectrum);
    } else {
      const earlier = this.batch.spectra[seen.index]!;
      if (earlier.method !== spectrum.method || !sameNumbers(earlier.energies, spectrum.energies) || !sameNumbers(earlier.mu, spectrum.mu)) {
        fail(`spectrum ${spectrum.id} is given twice with different data (also at ${seen.where}): keep one of them`, 'spectrum');
      }
    }
  }
}
