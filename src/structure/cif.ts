// CIF 1.1 → the full, ordered unit cell (Structure). Reads the first data block that has atom sites:
//  - cell from _cell_length_a/b/c (Å) and _cell_angle_alpha/beta/gamma (°), standard uncertainties dropped,
//    oriented as pymatgen's Lattice.from_parameters (see lattice.ts), so results compare with pymatgen's CifParser;
//  - atom sites from _atom_site_fract_x/y/z, the element from _atom_site_type_symbol (`Cu`, `O2-`, `CA`) or,
//    without it, from _atom_site_label (`Cu1` → Cu); _atom_site_occupancy must be 1 (or absent);
//  - symmetry operations from _space_group_symop_operation_xyz or _symmetry_equiv_pos_as_xyz (CIF core
//    dictionary); none at all means P 1 (refused when the file names another space group);
//  - every site is expanded by every operation, wrapped into [0, 1), and images of one site closer than
//    `siteTolerance` (fractional, on every axis, periodically) are one atom.
// Errors are InputErrors naming the data block, atom-site label or line, and what to fix.
import { InputError } from '../errors.ts';
import { categoryRows, cifNumber, type CifBlock, type CifValue, isNullValue, parseCifSyntax } from './cif-syntax.ts';
import { isElementSymbol } from './elements.ts';
import { capitalizedSymbol } from './json-values.ts';
import { latticeFromParameters } from './lattice.ts';
import { isFullOccupancy, partialOccupancyMessage } from './occupancy.ts';
import type { Structure, Vector3 } from './structure.ts';
import { applyOperation, IDENTITY, parseSymmetryOperation, type SymmetryOperation } from './symmetry-operations.ts';
import { MAX_SITES } from './validate.ts';

/**
 * Images of one atom site that differ by less than this on every fractional axis (periodically) are one atom.
 * Ten times pymatgen's CifParser default (site_tolerance 1e-4), so that special positions written with 4
 * decimals (0.3333, 0.6667) merge; 1e-3 of a 20 Å axis is 0.02 Å, far below any interatomic distance.
 */
export const CIF_SITE_TOLERANCE = 1e-3;
/** Most symmetry operations a space group has (the order of m-3m with F centring). */
export const MAX_SYMMETRY_OPERATIONS = 192;

export interface CifOptions {
  /** Merge tolerance for images of one site, fractional (default CIF_SITE_TOLERANCE). */
  siteTolerance?: number;
}

const CELL_TAGS = ['_cell_length_a', '_cell_length_b', '_cell_length_c', '_cell_angle_alpha', '_cell_angle_beta', '_cell_angle_gamma'] as const;
const OPERATION_TAGS = ['_space_group_symop_operation_xyz', '_symmetry_equiv_pos_as_xyz'] as const;
const SPACE_GROUP_NUMBER_TAGS = ['_space_group_it_number', '_symmetry_int_tables_number'] as const;
const SPACE_GROUP_NAME_TAGS = ['_space_group_name_h-m_alt', '_symmetry_space_group_name_h-m'] as const;

function fail(message: string): never {
  throw new InputError(message, 'file');
}

const blockName = (block: CifBlock) => (block.name ? `data_${block.name}` : 'the CIF');

/** Element of a type symbol or label: `Cu`, `CU1`, `O2-`, `Fe3+`, `OW1` (O); two letters first, then one. */
export function elementOfLabel(text: string): string | null {
  const letters = /^[A-Za-z]+/.exec(text.trim())?.[0];
  if (!letters) return null;
  const two = capitalizedSymbol(letters.slice(0, 2));
  if (letters.length >= 2 && isElementSymbol(two)) return two;
  const one = letters[0]!.toUpperCase();
  return isElementSymbol(one) ? one : null;
}

function cellOf(block: CifBlock): number[] {
  return CELL_TAGS.map((tag) => {
    const value = block.items.get(tag);
    if (value === undefined || isNullValue(value)) fail(`${blockName(block)} has no ${tag}: the cell needs _cell_length_a, _b, _c (Å) and _cell_angle_alpha, _beta, _gamma (°)`);
    const x = cifNumber(value);
    const isAngle = tag.startsWith('_cell_angle');
    if (x === null || !(x > 0) || (isAngle && !(x < 180))) {
      fail(`CIF line ${value.line}: ${tag} is "${value.text}"; it must be a positive number${isAngle ? ' of degrees below 180' : ' (Å)'}`);
    }
    return x;
  });
}

function declaredSpaceGroup(block: CifBlock): string | null {
  for (const tag of SPACE_GROUP_NUMBER_TAGS) {
    const value = block.items.get(tag);
    if (value && !isNullValue(value) && cifNumber(value) !== 1) return `number ${value.text}`;
  }
  for (const tag of SPACE_GROUP_NAME_TAGS) {
    const value = block.items.get(tag);
    if (value && !isNullValue(value) && value.text.replace(/\s+/g, '').toUpperCase() !== 'P1') return `"${value.text}"`;
  }
  return null;
}

function operationsOf(block: CifBlock): SymmetryOperation[] {
  for (const tag of OPERATION_TAGS) {
    const rows = categoryRows(block, tag);
    if (rows.length === 0) continue;
    return rows.map((row) => {
      const value = row.get(tag)!;
      try {
        return parseSymmetryOperation(value.text);
      } catch (err) {
        return fail(`CIF line ${value.line}: ${(err as Error).message}`);
      }
    });
  }
  const named = declaredSpaceGroup(block);
  if (named !== null) {
    fail(`${blockName(block)} names space group ${named} but lists no symmetry operations: add the _space_group_symop_operation_xyz (or _symmetry_equiv_pos_as_xyz) loop, or write the full cell in P 1`);
  }
  return [IDENTITY];
}

interface AtomSite {
  label: string;
  element: string;
  frac: Vector3;
}

function text(row: Map<string, CifValue>, tag: string): string | null {
  const value = row.get(tag);
  return value === undefined || isNullValue(value) ? null : value.text;
}

function atomSitesOf(block: CifBlock): AtomSite[] {
  return categoryRows(block, '_atom_site_fract_x').map((row, i) => {
    const label = text(row, '_atom_site_label') ?? `#${i + 1}`;
    const typeSymbol = text(row, '_atom_site_type_symbol');
    const element = elementOfLabel(typeSymbol ?? label);
    if (element === null) {
      fail(`${blockName(block)}: cannot tell the element of atom site ${label} from ${typeSymbol !== null ? `_atom_site_type_symbol "${typeSymbol}"` : 'its _atom_site_label'}; give _atom_site_type_symbol, e.g. Cu`);
    }
    const frac = (['x', 'y', 'z'] as const).map((axis) => {
      const tag = `_atom_site_fract_${axis}`;
      const value = row.get(tag);
      const x = value === undefined ? null : cifNumber(value);
      if (x === null) fail(`${value ? `CIF line ${value.line}` : blockName(block)}: atom site ${label} has ${tag} "${value?.text ?? 'missing'}"; fractional coordinates must be numbers`);
      return x;
    }) as Vector3;
    const occupancy = row.get('_atom_site_occupancy');
    if (occupancy !== undefined && !isNullValue(occupancy)) {
      const occ = cifNumber(occupancy);
      if (occ === null) fail(`CIF line ${occupancy.line}: atom site ${label} has _atom_site_occupancy "${occupancy.text}", not a number`);
      if (!isFullOccupancy(occ)) fail(partialOccupancyMessage(`atom site ${label}`, `${element} ${occ}`));
    }
    return { label, element, frac };
  });
}

/** Periodic, per-axis difference below `tolerance` on all three axes. */
function samePosition(a: Vector3, b: Vector3, tolerance: number): boolean {
  for (let k = 0; k < 3; k++) {
    const d = a[k]! - b[k]!;
    if (Math.abs(d - Math.round(d)) >= tolerance) return false;
  }
  return true;
}

/** Wrap into [0, 1); values within 1e-12 below 1 wrap to 0 (so 0.99999999999999 and 0 do not differ). */
const wrap = (x: number) => {
  const f = x - Math.floor(x);
  return f >= 1 - 1e-12 ? 0 : f;
};

/** Parse a CIF and expand its atom sites to the full unit cell (see the top of this file). */
export function parseCif(text: string, options: CifOptions = {}): Structure {
  const tolerance = options.siteTolerance ?? CIF_SITE_TOLERANCE;
  const blocks = parseCifSyntax(text);
  if (blocks.length === 0) fail('the CIF is empty: expected a data_ block with the cell and atom sites');
  const block = blocks.find((b) => categoryRows(b, '_atom_site_fract_x').length > 0);
  if (!block) {
    const cartesian = blocks.some((b) => categoryRows(b, '_atom_site_cartn_x').length > 0);
    fail(
      cartesian
        ? 'the CIF gives Cartesian atom sites (_atom_site_Cartn_x) only; give fractional coordinates (_atom_site_fract_x, _y, _z)'
        : 'the CIF has no atom sites: expected a loop with _atom_site_fract_x, _atom_site_fract_y, _atom_site_fract_z and _atom_site_type_symbol (or _atom_site_label)',
    );
  }
  const [a, b, c, alpha, beta, gamma] = cellOf(block) as [number, number, number, number, number, number];
  const lattice = latticeFromParameters(a, b, c, alpha, beta, gamma);
  const operations = operationsOf(block);
  const sites = atomSitesOf(block);
  // Every atom site is at least one atom, and no space group has more than MAX_SYMMETRY_OPERATIONS operations: both
  // checked before the expansion, whose cost grows as sites × operations × atoms.
  if (sites.length > MAX_SITES) fail(`${blockName(block)} lists ${sites.length.toLocaleString('en-US')} atom sites; at most ${MAX_SITES.toLocaleString('en-US')} atoms are accepted`);
  if (operations.length > MAX_SYMMETRY_OPERATIONS) {
    fail(`${blockName(block)} lists ${operations.length} symmetry operations; a space group has at most ${MAX_SYMMETRY_OPERATIONS} (list each operation once)`);
  }

  const species: string[] = [];
  const fracCoords: Vector3[] = [];
  const siteOf: number[] = [];
  sites.forEach((site, s) => {
    for (const op of operations) {
      const image = applyOperation(op, site.frac).map(wrap) as Vector3;
      const match = fracCoords.findIndex((f) => samePosition(f, image, tolerance));
      if (match === -1) {
        species.push(site.element);
        fracCoords.push(image);
        siteOf.push(s);
        if (species.length > MAX_SITES) fail(`the CIF's unit cell has more than ${MAX_SITES.toLocaleString('en-US')} atoms; at most ${MAX_SITES.toLocaleString('en-US')} are accepted`);
      } else if (siteOf[match] !== s) {
        const other = sites[siteOf[match]!]!;
        fail(
          `atom sites ${other.label} and ${site.label} fall on the same position (${image.map((x) => x.toFixed(4)).join(', ')}) after the symmetry operations: ` +
            'the file lists one atom twice or describes a disordered site; give an ordered structure',
        );
      }
    }
  });
  return { lattice, species, fracCoords };
}
