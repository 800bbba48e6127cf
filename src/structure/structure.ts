// A periodic crystal structure and its standard text forms (POSCAR, CIF, pymatgen `Structure` dict).
// Lattice vectors are rows (a, b, c), in Å; coordinates fractional, as in pymatgen and VASP.

export type Vector3 = [number, number, number];
export type Matrix3 = [Vector3, Vector3, Vector3];

/** A crystal structure: lattice rows in Å, one species and one fractional position per site. */
export interface Structure {
  lattice: Matrix3;
  species: string[];
  fracCoords: Vector3[];
}

/** A molecule or cluster: no lattice, one species and one Cartesian position (Å) per atom. */
export interface Molecule {
  species: string[];
  cartesianCoords: Vector3[];
}

/** A molecule has no lattice. */
export const isMolecule = (value: Structure | Molecule): value is Molecule => !('lattice' in value);

export interface LatticeParameters {
  a: number;
  b: number;
  c: number;
  alpha: number;
  beta: number;
  gamma: number;
  volume: number;
}

const norm = (v: Vector3) => Math.hypot(v[0], v[1], v[2]);
const dot = (u: Vector3, v: Vector3) => u[0] * v[0] + u[1] * v[1] + u[2] * v[2];
const angleDegrees = (u: Vector3, v: Vector3) =>
  (Math.acos(Math.max(-1, Math.min(1, dot(u, v) / (norm(u) * norm(v))))) * 180) / Math.PI;

/** Lengths (Å), angles (degrees: alpha between b and c, beta between a and c, gamma between a and b), volume (Å³). */
export function latticeParameters(lattice: Matrix3): LatticeParameters {
  const [a, b, c] = lattice;
  const volume = Math.abs(
    a[0] * (b[1] * c[2] - b[2] * c[1]) - a[1] * (b[0] * c[2] - b[2] * c[0]) + a[2] * (b[0] * c[1] - b[1] * c[0]),
  );
  return { a: norm(a), b: norm(b), c: norm(c), alpha: angleDegrees(b, c), beta: angleDegrees(a, c), gamma: angleDegrees(a, b), volume };
}

/** Cartesian position (Å) of a fractional position: x = f · L with lattice rows L. */
export function fracToCartesian(frac: Vector3, lattice: Matrix3): Vector3 {
  const [a, b, c] = lattice;
  return [0, 1, 2].map((k) => frac[0] * a[k]! + frac[1] * b[k]! + frac[2] * c[k]!) as Vector3;
}

/** Flat row-major numbers (as stored) → 3×3 matrix. */
export function matrixFromFlat(flat: readonly number[]): Matrix3 {
  if (flat.length !== 9) throw new Error(`a lattice needs 9 numbers, got ${flat.length}`);
  return [flat.slice(0, 3), flat.slice(3, 6), flat.slice(6, 9)] as Matrix3;
}

/** Flat (3 per site, as stored) → per-site vectors. */
export function vectorsFromFlat(flat: readonly number[]): Vector3[] {
  if (flat.length % 3 !== 0) throw new Error(`coordinates need 3 numbers per site, got ${flat.length}`);
  const out: Vector3[] = [];
  for (let i = 0; i < flat.length; i += 3) out.push([flat[i]!, flat[i + 1]!, flat[i + 2]!]);
  return out;
}

const fixed = (x: number, digits: number) => (Object.is(x, -0) ? 0 : x).toFixed(digits);

/** VASP 5 POSCAR (species line, direct coordinates). Consecutive sites of one species share a group, so
 * the site order is kept exactly (a species may appear in several groups, as VASP allows). */
export function toPoscar(structure: Structure, comment: string): string {
  const groups: { species: string; count: number }[] = [];
  for (const species of structure.species) {
    const last = groups[groups.length - 1];
    if (last && last.species === species) last.count++;
    else groups.push({ species, count: 1 });
  }
  const lines = [
    comment.replace(/\s+/g, ' ').trim() || 'structure',
    '1.0',
    ...structure.lattice.map((row) => row.map((x) => fixed(x, 10).padStart(16)).join(' ')),
    groups.map((g) => g.species).join(' '),
    groups.map((g) => String(g.count)).join(' '),
    'direct',
    ...structure.fracCoords.map((f, i) => `${f.map((x) => fixed(x, 10).padStart(14)).join(' ')} ${structure.species[i]}`),
  ];
  return `${lines.join('\n')}\n`;
}

/** CIF 1.1 in space group P 1 (every site listed; no symmetry reduction). */
export function toCif(structure: Structure, dataName: string): string {
  const p = latticeParameters(structure.lattice);
  const counts = new Map<string, number>();
  const lines = [
    `data_${dataName.replace(/[^A-Za-z0-9_.-]/g, '_')}`,
    `_symmetry_space_group_name_H-M   'P 1'`,
    `_symmetry_Int_Tables_number      1`,
    `_cell_length_a      ${fixed(p.a, 8)}`,
    `_cell_length_b      ${fixed(p.b, 8)}`,
    `_cell_length_c      ${fixed(p.c, 8)}`,
    `_cell_angle_alpha   ${fixed(p.alpha, 8)}`,
    `_cell_angle_beta    ${fixed(p.beta, 8)}`,
    `_cell_angle_gamma   ${fixed(p.gamma, 8)}`,
    `_cell_volume        ${fixed(p.volume, 8)}`,
    'loop_',
    ' _symmetry_equiv_pos_site_id',
    ' _symmetry_equiv_pos_as_xyz',
    "  1  'x, y, z'",
    'loop_',
    ' _atom_site_type_symbol',
    ' _atom_site_label',
    ' _atom_site_symmetry_multiplicity',
    ' _atom_site_fract_x',
    ' _atom_site_fract_y',
    ' _atom_site_fract_z',
    ' _atom_site_occupancy',
    ...structure.species.map((species, i) => {
      const n = (counts.get(species) ?? 0) + 1;
      counts.set(species, n);
      const [x, y, z] = structure.fracCoords[i]!;
      return `  ${species}  ${species}${n}  1  ${fixed(x, 8)}  ${fixed(y, 8)}  ${fixed(z, 8)}  1`;
    }),
  ];
  return `${lines.join('\n')}\n`;
}

/** pymatgen `Structure.as_dict()` form, accepted by `Structure.from_dict`. */
export function toPymatgenStructure(structure: Structure): Record<string, unknown> {
  const p = latticeParameters(structure.lattice);
  return {
    '@module': 'pymatgen.core.structure',
    '@class': 'Structure',
    charge: 0,
    lattice: { matrix: structure.lattice, pbc: [true, true, true], ...p },
    properties: {},
    sites: structure.species.map((species, i) => ({
      species: [{ element: species, occu: 1 }],
      abc: structure.fracCoords[i],
      xyz: fracToCartesian(structure.fracCoords[i]!, structure.lattice),
      label: species,
      properties: {},
    })),
  };
}
