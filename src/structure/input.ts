// A user's structure as the GraphQL `StructureInput` gives it (src/schema/structure.graphql) → a checked
// Structure (periodic) or Molecule. Either a file (POSCAR, CIF, XYZ or pymatgen Structure JSON; AUTO sniffs
// the format) or explicit arrays: lattice (3 rows, Å) + species + exactly one of fracCoords / cartesianCoords;
// Cartesian coordinates without a lattice make a molecule. Every result passes checkStructure / checkMolecule.
import { InputError } from '../errors.ts';
import { parseCif } from './cif.ts';
import { describeValue, elementSymbol, isObject } from './json-values.ts';
import { cartesianToFractional, inverse } from './lattice.ts';
import { parsePoscar } from './poscar.ts';
import { parsePymatgenStructure } from './pymatgen-structure.ts';
import { isMolecule, type Molecule, type Structure, type Vector3 } from './structure.ts';
import { checkLattice, checkMolecule, checkStructure, MAX_SITES } from './validate.ts';
import { parseXyz } from './xyz.ts';

export const STRUCTURE_FORMATS = ['AUTO', 'POSCAR', 'CIF', 'XYZ', 'PYMATGEN_JSON'] as const;
export type StructureFormat = (typeof STRUCTURE_FORMATS)[number];

/** The GraphQL input (absent fields may be null or undefined). */
export interface StructureInput {
  lattice?: number[][] | null;
  species?: string[] | null;
  fracCoords?: number[][] | null;
  cartesianCoords?: number[][] | null;
  file?: string | null;
  format?: StructureFormat | null;
  /** A pymatgen Structure dict as an object (GraphQL JSON), as `Material.structure.pymatgen` gives it. */
  pymatgen?: unknown;
}

const present = <T>(value: T | null | undefined): value is T => value !== null && value !== undefined;

function fail(message: string, field: string): never {
  throw new InputError(message, field);
}

/**
 * The format of a structure file, from its content: a JSON object that is a pymatgen Structure dict
 * (`@class: Structure`, or `lattice` and `sites`) → PYMATGEN_JSON; `data_` at a line start or a
 * `_cell_length_a` tag → CIF; an atom count on line 1 and an `El x y z` line 3 → XYZ; otherwise POSCAR.
 */
export function sniffStructureFormat(text: string): Exclude<StructureFormat, 'AUTO'> {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) return 'PYMATGEN_JSON';
  if (/^\s*data_/im.test(text) || /^\s*_cell[._]length_a\b/im.test(text)) return 'CIF';
  const lines = trimmed.split(/\r?\n|\r/);
  const atomLine = lines[2]?.trim().split(/\s+/) ?? [];
  if (/^\d+\s*$/.test(lines[0] ?? '') && atomLine.length >= 4 && /^([A-Za-z]{1,3}|\d{1,3})$/.test(atomLine[0]!)) return 'XYZ';
  return 'POSCAR';
}

function parsePymatgenJson(text: string): Structure {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    fail(`the file is not valid JSON (${(err as Error).message}); a pymatgen Structure is written by Structure.to(fmt="json") or json.dumps(structure.as_dict())`, 'file');
  }
  return parsePymatgenValue(value, 'file');
}

/** A pymatgen Structure dict (parsed JSON: from a file, or the `pymatgen` object) → Structure; `field` names the input in errors. */
function parsePymatgenValue(value: unknown, field: 'file' | 'pymatgen'): Structure {
  if (isObject(value) && value['@class'] !== undefined && value['@class'] !== 'Structure') {
    fail(`the JSON is a pymatgen ${String(value['@class'])}, not a Structure; give a periodic Structure (or an XYZ file for a molecule)`, field);
  }
  if (!isObject(value) || !('lattice' in value) || !('sites' in value)) {
    fail(`the JSON is not a pymatgen Structure dict (expected "lattice" and "sites"), found ${describeValue(value)}`, field);
  }
  if (Array.isArray(value.sites) && value.sites.length > MAX_SITES) {
    fail(`the structure has ${value.sites.length.toLocaleString('en-US')} sites; at most ${MAX_SITES.toLocaleString('en-US')} are accepted`, field);
  }
  return parsePymatgenStructure(value, field);
}

/** `pymatgen` given as a JSON string after all (GraphQL JSON accepts one): its parsed value. */
function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    fail(`pymatgen is a string that is not JSON (${(err as Error).message}); give the Structure dict as an object`, 'pymatgen');
  }
}

function parseFile(text: string, format: StructureFormat): Structure | Molecule {
  if (text.trim().length === 0) fail('file is empty: give the content of a POSCAR, CIF, XYZ or pymatgen Structure JSON file', 'file');
  const actual = format === 'AUTO' ? sniffStructureFormat(text) : format;
  switch (actual) {
    case 'POSCAR':
      return parsePoscar(text);
    case 'CIF':
      return parseCif(text);
    case 'XYZ':
      return parseXyz(text);
    case 'PYMATGEN_JSON':
      return parsePymatgenJson(text);
  }
}

/** n rows of 3 finite numbers. */
function rowsOf3(value: unknown, field: string, what: string): Vector3[] {
  if (!Array.isArray(value)) fail(`${field} must be a list of [x, y, z] rows (${what}), found ${describeValue(value)}`, field);
  return value.map((row: unknown, i) => {
    if (!Array.isArray(row) || row.length !== 3) fail(`${field}[${i}] must be 3 numbers (${what}), found ${describeValue(row)}`, field);
    row.forEach((x: unknown, k) => {
      if (typeof x !== 'number' || !Number.isFinite(x)) fail(`${field}[${i}][${k}] must be a finite number, found ${describeValue(x)}`, field);
    });
    return row as Vector3;
  });
}

function fromArrays(input: StructureInput): Structure | Molecule {
  if (!present(input.species)) fail('species is missing: give one element symbol per site (e.g. ["Cu", "O"]), or give a file instead', 'species');
  if (!Array.isArray(input.species) || input.species.length === 0) fail('species must be a non-empty list of element symbols', 'species');
  if (input.species.length > MAX_SITES) fail(`the structure has ${input.species.length} sites; at most ${MAX_SITES.toLocaleString('en-US')} are accepted`, 'species');
  const species = input.species.map((s, i) => elementSymbol(s, `species[${i}]`));
  const hasFrac = present(input.fracCoords);
  const hasCartesian = present(input.cartesianCoords);
  if (hasFrac === hasCartesian) {
    fail(`give exactly one of fracCoords and cartesianCoords (${hasFrac ? 'both are given' : 'neither is given'})`, hasFrac ? 'cartesianCoords' : 'fracCoords');
  }
  const field = hasFrac ? 'fracCoords' : 'cartesianCoords';
  const coords = rowsOf3(hasFrac ? input.fracCoords : input.cartesianCoords, field, hasFrac ? 'fractional' : 'Å');
  if (coords.length !== species.length) fail(`${field} has ${coords.length} positions but species has ${species.length}; give one position per site`, field);

  if (!present(input.lattice)) {
    if (hasFrac) fail('fracCoords need a lattice: give lattice (3 rows, Å), or cartesianCoords alone for a molecule', 'lattice');
    return checkMolecule({ species, cartesianCoords: coords }, 'cartesianCoords');
  }
  const rows = rowsOf3(input.lattice, 'lattice', 'a lattice vector in Å');
  if (rows.length !== 3) fail(`lattice must have 3 rows (the vectors a, b, c in Å), found ${rows.length}`, 'lattice');
  const structure: Structure = { lattice: checkLattice(rows, 'lattice'), species, fracCoords: coords };
  return checkStructure(hasFrac ? structure : withFractional(structure), field);
}

/** Cartesian positions (in `fracCoords`' place) converted to fractional ones. */
function withFractional(structure: Structure): Structure {
  const inv = inverse(structure.lattice);
  return { ...structure, fracCoords: structure.fracCoords.map((x) => cartesianToFractional(x, inv)) };
}

/**
 * The checked structure (or molecule) of a StructureInput: `file` (with `format`, AUTO by default), a `pymatgen`
 * Structure object, or the explicit arrays, only one of them. Throws an InputError saying what to fix.
 */
export function resolveStructureInput(input: StructureInput): Structure | Molecule {
  const hasArrays = [input.lattice, input.species, input.fracCoords, input.cartesianCoords].some(present);
  if (present(input.pymatgen)) {
    if (present(input.file) || hasArrays) fail('give one of pymatgen, file or the arrays (lattice, species, fracCoords / cartesianCoords), not several', 'pymatgen');
    if (present(input.format) && input.format !== 'AUTO' && input.format !== 'PYMATGEN_JSON') fail(`format ${input.format} does not apply to a pymatgen object; leave format out`, 'format');
    const value = typeof input.pymatgen === 'string' ? parseJsonText(input.pymatgen) : input.pymatgen;
    return checkStructure(parsePymatgenValue(value, 'pymatgen'), 'pymatgen');
  }
  if (present(input.file)) {
    if (hasArrays) fail('give either file or the arrays (lattice, species, fracCoords / cartesianCoords), not both', 'file');
    const format = input.format ?? 'AUTO';
    if (!(STRUCTURE_FORMATS as readonly string[]).includes(format)) fail(`format "${String(format)}" is not one of ${STRUCTURE_FORMATS.join(', ')}`, 'format');
    const parsed = parseFile(input.file, format);
    return isMolecule(parsed) ? checkMolecule(parsed, 'file') : checkStructure(parsed, 'file');
  }
  if (present(input.format) && input.format !== 'AUTO') fail(`format ${input.format} is given without a file`, 'format');
  if (!hasArrays) fail('no structure given: give file (a POSCAR, CIF, XYZ or pymatgen JSON text), pymatgen (a Structure dict as an object), or lattice, species and fracCoords', 'file');
  return fromArrays(input);
}
