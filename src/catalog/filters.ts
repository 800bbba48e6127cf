// Translates the catalogue's list filters into Prisma `where` conditions, checking every value first.
import type { Prisma } from '../generated/prisma/client.ts';
import { InputError } from '../errors.ts';
import { compositionKey, parseChemsys, parseFormula } from '../structure/composition.ts';
import { isElementSymbol } from '../structure/elements.ts';
import { type MaterialOrigin, originCondition } from './origin.ts';
import type { Edge, Method, SpectrumType } from './records.ts';

/** Conditions on the material. */
export interface MaterialConditions {
  elements?: string[] | null;
  chemsys?: string | null;
  formula?: string | null;
  spacegroupNumber?: number | null;
}

/** Conditions on a spectrum. */
export interface SpectrumConditions {
  absorbingElement?: string | null;
  edge?: Edge | null;
  spectrumType?: SpectrumType | null;
  method?: Method | null;
  siteResolved?: boolean | null;
}

export type MaterialFilter = MaterialConditions & SpectrumConditions & { origins?: MaterialOrigin[] | null };
export type SpectrumFilter = MaterialConditions & SpectrumConditions & { materialId?: string | null };

function elementSymbol(value: string, field: string): string {
  if (!isElementSymbol(value)) throw new InputError(`${field}: "${value}" is not an element symbol (write e.g. "Cu", "O")`, field);
  return value;
}

function materialConditions(filter: MaterialConditions, prefix: string): Prisma.MaterialWhereInput {
  const where: Prisma.MaterialWhereInput = {};
  if (filter.elements != null) {
    if (filter.elements.length === 0) throw new InputError(`${prefix}.elements: give at least one element, or leave it out`, `${prefix}.elements`);
    where.elements = { hasEvery: filter.elements.map((e) => elementSymbol(e, `${prefix}.elements`)) };
  }
  if (filter.chemsys != null) {
    try {
      where.chemsys = parseChemsys(filter.chemsys);
    } catch (err) {
      throw new InputError(`${prefix}.chemsys: ${(err as Error).message}`, `${prefix}.chemsys`);
    }
  }
  if (filter.formula != null) {
    try {
      where.compositionKey = compositionKey(parseFormula(filter.formula));
    } catch (err) {
      throw new InputError(`${prefix}.formula: ${(err as Error).message}`, `${prefix}.formula`);
    }
  }
  if (filter.spacegroupNumber != null) {
    if (!Number.isInteger(filter.spacegroupNumber) || filter.spacegroupNumber < 1 || filter.spacegroupNumber > 230) {
      throw new InputError(`${prefix}.spacegroupNumber must be between 1 and 230 (got ${filter.spacegroupNumber})`, `${prefix}.spacegroupNumber`);
    }
    where.spacegroupNumber = filter.spacegroupNumber;
  }
  return where;
}

function spectrumConditions(filter: SpectrumConditions, prefix: string): Prisma.SpectrumWhereInput {
  const where: Prisma.SpectrumWhereInput = {};
  if (filter.absorbingElement != null) where.absorbingElement = elementSymbol(filter.absorbingElement, `${prefix}.absorbingElement`);
  if (filter.edge != null) where.edge = filter.edge;
  if (filter.spectrumType != null) where.spectrumType = filter.spectrumType;
  if (filter.method != null) where.method = filter.method;
  if (filter.siteResolved != null) where.siteIndex = filter.siteResolved ? { not: null } : null;
  return where;
}

/**
 * Materials matching every condition; spectrum conditions hold for one and the same spectrum. Users' predicted
 * structures only when the filter asks for them (src/catalog/origin.ts).
 */
export function materialWhere(filter: MaterialFilter | null | undefined): Prisma.MaterialWhereInput {
  const where = filter ? materialConditions(filter, 'filter') : {};
  const spectrum = filter ? spectrumConditions(filter, 'filter') : {};
  if (Object.keys(spectrum).length > 0) where.spectra = { some: spectrum };
  const origin = originCondition(filter?.origins, filter?.method);
  return origin ? { AND: [where, origin] } : where;
}

/** Spectra matching every condition. */
export function spectrumWhere(filter: SpectrumFilter | null | undefined): Prisma.SpectrumWhereInput {
  if (!filter) return {};
  const where = spectrumConditions(filter, 'filter');
  if (filter.materialId != null) where.materialId = filter.materialId;
  const material = materialConditions(filter, 'filter');
  if (Object.keys(material).length > 0) where.material = material;
  return where;
}
