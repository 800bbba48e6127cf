// The primitive cell of a structure given as a supercell: the pure translations that map the crystal onto
// itself (within a distance tolerance), the atoms they relate, and the lattice they generate. Symmetry
// finders search these translations by testing every atom against every atom; moyo's time grows roughly
// as N³ on supercells (0.7 s at 750 atoms, minutes at 2,000), so symmetry.ts reduces first and analyses
// the small cell. The same idea as spglib's primitive-cell search (Togo & Tanaka, arXiv:1808.01590).
import { determinant, inverse, interplanarSpacings, lllReduce, vectorTimesMatrix } from './lattice.ts';
import type { Matrix3, Structure, Vector3 } from './structure.ts';

/** A structure's primitive cell, and which primitive site each of its sites is. */
export interface PrimitiveReduction {
  primitive: Structure;
  /** For each site of the input structure, the index of its site in `primitive`. */
  primitiveSiteOf: number[];
  /** Pure translations found, the identity included: the input has this many times the primitive's atoms. */
  translations: number;
}

// Math's functions held locally: hot loops then skip the global lookup, which is slow inside vm contexts (jest).
const { floor, round } = Math;

function wrap(x: number): number {
  return x - floor(x);
}

function modulo(c: number, m: number): number {
  return ((c % m) + m) % m;
}

/** Width (Å) of the look-up grid's cells: at least the tolerance, and coarse enough to keep the grid small. */
const GRID_CELL_WIDTH = 1.5;

/** Atoms bucketed on a fractional grid whose cells are at least `tolerance` Å wide, for neighbour look-ups. */
class SiteGrid {
  private readonly m0: number;
  private readonly m1: number;
  private readonly m2: number;
  /** Atoms of grid cell c are cellAtoms[cellStart[c] … cellStart[c + 1] − 1]. */
  private readonly cellStart: Int32Array;
  private readonly cellAtoms: Int32Array;
  private readonly frac: Float64Array;
  private readonly lattice: Float64Array;
  private readonly limit: number;

  constructor(
    private readonly structure: Structure,
    tolerance: number,
  ) {
    const width = Math.max(tolerance, GRID_CELL_WIDTH);
    const [d0, d1, d2] = interplanarSpacings(structure.lattice);
    [this.m0, this.m1, this.m2] = [d0, d1, d2].map((d) => Math.max(1, floor(d / width))) as Vector3;
    this.limit = tolerance * tolerance;
    this.lattice = Float64Array.from(structure.lattice.flat());
    const n = structure.fracCoords.length;
    this.frac = new Float64Array(3 * n);
    const cellOf = new Int32Array(n);
    this.cellStart = new Int32Array(this.m0 * this.m1 * this.m2 + 1);
    structure.fracCoords.forEach((f, i) => {
      this.frac.set(f, 3 * i);
      cellOf[i] = this.cell(floor(wrap(f[0]) * this.m0), floor(wrap(f[1]) * this.m1), floor(wrap(f[2]) * this.m2));
      this.cellStart[cellOf[i]! + 1]!++;
    });
    for (let c = 0; c < this.m0 * this.m1 * this.m2; c++) this.cellStart[c + 1]! += this.cellStart[c]!;
    const fill = this.cellStart.slice(0, -1);
    this.cellAtoms = new Int32Array(n);
    for (let i = 0; i < n; i++) this.cellAtoms[fill[cellOf[i]!]!++] = i;
  }

  private cell(c0: number, c1: number, c2: number): number {
    return (modulo(c0, this.m0) * this.m1 + modulo(c1, this.m1)) * this.m2 + modulo(c2, this.m2);
  }

  /** The site of `species` within the tolerance of fractional position (x, y, z), or -1. */
  find(x: number, y: number, z: number, species: string): number {
    const kinds = this.structure.species;
    const [f, L] = [this.frac, this.lattice];
    const b0 = floor(wrap(x) * this.m0), b1 = floor(wrap(y) * this.m1), b2 = floor(wrap(z) * this.m2);
    const r0 = this.m0 >= 3 ? 1 : this.m0 - 1, r1 = this.m1 >= 3 ? 1 : this.m1 - 1, r2 = this.m2 >= 3 ? 1 : this.m2 - 1;
    for (let d0 = this.m0 >= 3 ? -1 : 0; d0 <= r0; d0++) {
      for (let d1 = this.m1 >= 3 ? -1 : 0; d1 <= r1; d1++) {
        for (let d2 = this.m2 >= 3 ? -1 : 0; d2 <= r2; d2++) {
          const c = this.cell(b0 + d0, b1 + d1, b2 + d2);
          for (let a = this.cellStart[c]!; a < this.cellStart[c + 1]!; a++) {
            const j = this.cellAtoms[a]!;
            if (kinds[j] !== species) continue;
            let u = x - f[3 * j]!, v = y - f[3 * j + 1]!, w = z - f[3 * j + 2]!;
            u -= round(u);
            v -= round(v);
            w -= round(w);
            const cx = u * L[0]! + v * L[3]! + w * L[6]!;
            const cy = u * L[1]! + v * L[4]! + w * L[7]!;
            const cz = u * L[2]! + v * L[5]! + w * L[8]!;
            if (cx * cx + cy * cy + cz * cz < this.limit) return j;
          }
        }
      }
    }
    return -1;
  }
}

/** A basis (rows) of the integer lattice spanned by `rows`: Hermite-style row reduction with Euclid's algorithm. */
function integerBasis(rows: number[][]): number[][] {
  let remaining = rows.map((r) => [...r]).filter((r) => r.some((x) => x !== 0));
  const basis: number[][] = [];
  for (let col = 0; col < 3; col++) {
    for (;;) {
      const withEntry = remaining.filter((r) => r[col] !== 0);
      if (withEntry.length <= 1) break;
      const pivot = withEntry.reduce((a, b) => (Math.abs(b[col]!) < Math.abs(a[col]!) ? b : a));
      for (const row of withEntry) {
        if (row === pivot) continue;
        const q = Math.trunc(row[col]! / pivot[col]!);
        for (let k = 0; k < 3; k++) row[k] = row[k]! - q * pivot[k]!;
      }
      remaining = remaining.filter((r) => r.some((x) => x !== 0));
    }
    const pivot = remaining.find((r) => r[col] !== 0);
    if (pivot) {
      basis.push(pivot);
      remaining = remaining.filter((r) => r !== pivot);
    }
  }
  return basis;
}

/**
 * The primitive cell of `structure`: pure translations are tested from one atom of the least frequent element
 * to every atom of that element, and accepted when every atom lands within `tolerance` Å of an atom of its own
 * element. Returns the structure itself (translations 1) when it is primitive or the translations found do
 * not form a consistent lattice.
 */
export function primitiveReduction(structure: Structure, tolerance: number): PrimitiveReduction {
  const n = structure.species.length;
  const identity: PrimitiveReduction = { primitive: structure, primitiveSiteOf: structure.species.map((_, i) => i), translations: 1 };
  const bySpecies = new Map<string, number[]>();
  structure.species.forEach((s, i) => {
    const list = bySpecies.get(s);
    if (list) list.push(i);
    else bySpecies.set(s, [i]);
  });
  const anchors = [...bySpecies.values()].reduce((a, b) => (b.length < a.length ? b : a));
  if (anchors.length === 1) return identity;

  const grid = new SiteGrid(structure, tolerance);
  const origin = structure.fracCoords[anchors[0]!]!;
  const translations: Vector3[] = [];
  const images: number[][] = [];
  for (const j of anchors) {
    const t = structure.fracCoords[j]!.map((x, k) => wrap(x - origin[k]!)) as Vector3;
    const image: number[] = [];
    for (let i = 0; i < n && image.length === i; i++) {
      const f = structure.fracCoords[i]!;
      const found = grid.find(f[0] + t[0], f[1] + t[1], f[2] + t[2], structure.species[i]!);
      if (found >= 0) image.push(found);
    }
    if (image.length === n) {
      translations.push(t);
      images.push(image);
    }
  }
  const k = translations.length;
  if (k <= 1 || n % k !== 0) return identity;

  // Atoms related by the translations form one primitive site; the lowest index represents it.
  const primitiveSiteOf = Array<number>(n).fill(-1);
  const representatives: number[] = [];
  for (let i = 0; i < n; i++) {
    if (primitiveSiteOf[i] !== -1) continue;
    for (const image of images) {
      if (primitiveSiteOf[image[i]!] !== -1) return identity; // two translations took i to one atom
      primitiveSiteOf[image[i]!] = representatives.length;
    }
    representatives.push(i);
  }

  // The primitive lattice: spanned by the cell vectors and the translations (k·t is integral for a true supercell).
  const generators = [
    [k, 0, 0],
    [0, k, 0],
    [0, 0, k],
    ...translations.map((t) => t.map((x) => Math.round(x * k))),
  ];
  const basis = integerBasis(generators);
  if (basis.length !== 3 || Math.abs(determinant(basis as Matrix3)) !== k * k) return identity;
  const lattice = lllReduce(basis.map((row) => vectorTimesMatrix(row.map((x) => x / k) as Vector3, structure.lattice)) as Matrix3);
  const toPrimitive = inverse(lattice);
  const fracCoords = representatives.map((i) =>
    vectorTimesMatrix(vectorTimesMatrix(structure.fracCoords[i]!, structure.lattice), toPrimitive).map(wrap) as Vector3,
  );
  return { primitive: { lattice, species: representatives.map((i) => structure.species[i]!), fracCoords }, primitiveSiteOf, translations: k };
}
