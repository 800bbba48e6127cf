// pymatgen `Structure.as_dict()` (MSON) → Structure. Used by the catalogue ingest (XAS documents carry
// one) and by structure input (format PYMATGEN_JSON). Every error is an InputError naming the field.
import { InputError } from '../errors.ts';
import { describeValue, elementSymbol, isObject, numberList } from './json-values.ts';
import { isFullOccupancy, partialOccupancyMessage } from './occupancy.ts';
import { latticeParameters, type Matrix3, type Structure, type Vector3 } from './structure.ts';

/** Cells with a smaller volume (Å³) are taken as singular: their rows are not 3 independent vectors. */
const MIN_CELL_VOLUME = 1e-6;

function fail(message: string, field: string): never {
  throw new InputError(message, field);
}

function vector3(value: unknown, field: string): Vector3 {
  const list = numberList(value, field, 'coordinates');
  if (list.length !== 3) fail(`${field} must have 3 numbers, found ${list.length}`, field);
  return list as Vector3;
}

/**
 * The ordered structure of a pymatgen `Structure` dict: lattice rows from `lattice.matrix`, fractional
 * coordinates from `sites[].abc`, one fully occupied element per site (occupancy within
 * OCCUPANCY_TOLERANCE of 1). Disordered sites are refused.
 */
export function parsePymatgenStructure(value: unknown, field = 'structure'): Structure {
  if (!isObject(value)) fail(`${field} must be a pymatgen Structure dict, found ${describeValue(value)}`, field);
  const lattice = isObject(value.lattice) ? value.lattice.matrix : undefined;
  if (!Array.isArray(lattice) || lattice.length !== 3) {
    fail(`${field}.lattice.matrix must hold the 3 lattice vectors as rows (Å), found ${describeValue(lattice)}`, `${field}.lattice.matrix`);
  }
  const matrix = lattice.map((row, i) => vector3(row, `${field}.lattice.matrix[${i}]`)) as Matrix3;
  if (!(latticeParameters(matrix).volume > MIN_CELL_VOLUME)) {
    fail(`${field}.lattice.matrix has zero volume: its rows must be 3 independent lattice vectors`, `${field}.lattice.matrix`);
  }
  const sites = value.sites;
  if (!Array.isArray(sites) || sites.length === 0) fail(`${field}.sites must be a non-empty list of sites, found ${describeValue(sites)}`, `${field}.sites`);
  const species: string[] = [];
  const fracCoords: Vector3[] = [];
  sites.forEach((site: unknown, i) => {
    const where = `${field}.sites[${i}]`;
    if (!isObject(site)) fail(`${where} must be a site object, found ${describeValue(site)}`, where);
    const occupants = site.species;
    if (!Array.isArray(occupants) || occupants.length === 0) fail(`${where}.species must list the site's element, found ${describeValue(occupants)}`, `${where}.species`);
    const fractions = occupants.map((o: unknown) => (isObject(o) ? o.occu : undefined));
    if (occupants.length > 1 || typeof fractions[0] !== 'number' || !isFullOccupancy(fractions[0])) {
      const listing = occupants.map((o: unknown, k) => `${isObject(o) ? String(o.element) : '?'} ${String(fractions[k])}`).join(', ');
      fail(partialOccupancyMessage(where, listing), `${where}.species`);
    }
    species.push(elementSymbol(occupants[0], `${where}.species[0].element`));
    if (site.abc === undefined) fail(`${where}.abc (fractional coordinates) is missing`, `${where}.abc`);
    fracCoords.push(vector3(site.abc, `${where}.abc`));
  });
  return { lattice: matrix, species, fracCoords };
}
