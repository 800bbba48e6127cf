// Checks that a parsed structure or molecule is one we can compute with: known elements, finite numbers,
// a proper cell, not too many atoms, and no two atoms on top of each other (periodic images included).
// Every failure is an InputError whose message names the site(s) and says what to fix.
import { InputError } from '../errors.ts';
import { isElementSymbol } from './elements.ts';
import { determinant, interplanarSpacings, inverse, lllReduce, vectorTimesMatrix } from './lattice.ts';
import { fracToCartesian, latticeParameters, type Matrix3, type Molecule, type Structure, type Vector3 } from './structure.ts';

/** Most atoms a structure (cell) or molecule may have. */
export const MAX_SITES = 2000;
/** Atoms closer than this (Å) are taken as a mistake (duplicated atoms, wrong units); H₂ is 0.74 Å. */
export const MIN_INTERATOMIC_DISTANCE = 0.5;
/** A cell whose volume is below this fraction of a·b·c (lengths) is flat: its vectors are not independent. */
const MIN_RELATIVE_VOLUME = 1e-6;
/**
 * Least cell volume per atom, Å³. Real solids have 5 Å³ or more (diamond 5.7; the catalogue's densest 7.5); less
 * means wrong units or a wrong scaling factor, and would make neighbour searches visit millions of images.
 */
export const MIN_VOLUME_PER_ATOM = 2;

/** Two sites (0-based, i ≤ j; i = j means a site and its own periodic image) and their distance in Å. */
export interface SitePair {
  i: number;
  j: number;
  distance: number;
}

// Math's functions held locally: hot loops then skip the global lookup, which is slow inside vm contexts (jest).
const { ceil, floor, round } = Math;

const isFiniteVector = (v: readonly number[]) => v.length === 3 && v.every((x) => Number.isFinite(x));

/**
 * The closest pair of sites nearer than `cutoff` (Å), periodic images included, or null. Exact: searched in
 * an LLL-reduced basis over every image whose fractional offset can lie within the cutoff.
 */
export function closestPeriodicPair(structure: Structure, cutoff: number): SitePair | null {
  const reduced = lllReduce(structure.lattice);
  const reducedInverse = inverse(reduced);
  const g = structure.fracCoords.map((f) => vectorTimesMatrix(fracToCartesian(f, structure.lattice), reducedInverse));
  const [w0, w1, w2] = interplanarSpacings(reduced).map((d) => cutoff / d) as Vector3;
  const [r0, r1, r2] = reduced;
  let best: SitePair | null = null;
  let bestSquared = cutoff * cutoff;
  for (let i = 0; i < g.length; i++) {
    const [xi, yi, zi] = g[i]!;
    for (let j = i; j < g.length; j++) {
      const [xj, yj, zj] = g[j]!;
      let d0 = xj - xi, d1 = yj - yi, d2 = zj - zi;
      d0 -= round(d0);
      d1 -= round(d1);
      d2 -= round(d2);
      // Only images whose fractional offset along each axis can be within the cutoff: |f_k| ≤ cutoff / d_k.
      const lo0 = ceil(-d0 - w0), hi0 = floor(-d0 + w0);
      const lo1 = ceil(-d1 - w1), hi1 = floor(-d1 + w1);
      const lo2 = ceil(-d2 - w2), hi2 = floor(-d2 + w2);
      if (lo0 > hi0 || lo1 > hi1 || lo2 > hi2) continue;
      for (let n0 = lo0; n0 <= hi0; n0++) {
        for (let n1 = lo1; n1 <= hi1; n1++) {
          for (let n2 = lo2; n2 <= hi2; n2++) {
            if (i === j && n0 === 0 && n1 === 0 && n2 === 0) continue;
            const f0 = d0 + n0, f1 = d1 + n1, f2 = d2 + n2;
            const x = f0 * r0[0] + f1 * r1[0] + f2 * r2[0];
            const y = f0 * r0[1] + f1 * r1[1] + f2 * r2[1];
            const z = f0 * r0[2] + f1 * r1[2] + f2 * r2[2];
            const squared = x * x + y * y + z * z;
            if (squared < bestSquared) {
              bestSquared = squared;
              best = { i, j, distance: Math.sqrt(squared) };
            }
          }
        }
      }
    }
  }
  return best;
}

/** The closest pair of atoms nearer than `cutoff` (Å) in a molecule, or null. */
export function closestPair(cartesianCoords: readonly Vector3[], cutoff: number): SitePair | null {
  let best: SitePair | null = null;
  let bestSquared = cutoff * cutoff;
  for (let i = 0; i < cartesianCoords.length; i++) {
    const [xi, yi, zi] = cartesianCoords[i]!;
    for (let j = i + 1; j < cartesianCoords.length; j++) {
      const [xj, yj, zj] = cartesianCoords[j]!;
      const squared = (xj - xi) ** 2 + (yj - yi) ** 2 + (zj - zi) ** 2;
      if (squared < bestSquared) {
        bestSquared = squared;
        best = { i, j, distance: Math.sqrt(squared) };
      }
    }
  }
  return best;
}

function checkSpecies(species: readonly string[], kind: string, field: string): void {
  if (species.length === 0) throw new InputError(`the ${kind} has no atoms: give at least one site`, field);
  if (species.length > MAX_SITES) {
    throw new InputError(`the ${kind} has ${species.length} atoms; at most ${MAX_SITES.toLocaleString('en-US')} are accepted (give a smaller cell)`, field);
  }
  species.forEach((symbol, i) => {
    if (!isElementSymbol(symbol)) throw new InputError(`site ${i}: "${symbol}" is not an element symbol`, field);
  });
}

function tooClose(pair: SitePair, species: readonly string[], periodic: boolean, field: string): never {
  const d = pair.distance.toFixed(3);
  throw new InputError(
    `sites ${pair.i} (${species[pair.i]}) and ${pair.j} (${species[pair.j]}) are only ${d} Å apart${periodic ? ' (periodic images included)' : ''}; ` +
      `atoms closer than ${MIN_INTERATOMIC_DISTANCE} Å are taken as a mistake: remove duplicated atoms or check the coordinates (sites count from 0 in input order)`,
    field,
  );
}

/**
 * The lattice, checked: 3 rows of 3 finite numbers spanning a cell, and no lattice vector shorter than the
 * closest two atoms may be (a lattice vector that short puts every atom next to its own image).
 */
export function checkLattice(lattice: readonly (readonly number[])[], field = 'lattice'): Matrix3 {
  if (lattice.length !== 3 || !lattice.every(isFiniteVector)) throw new InputError('the lattice must be 3 rows of 3 finite numbers (Å)', field);
  const matrix = lattice as Matrix3;
  const p = latticeParameters(matrix);
  if (!(Math.abs(determinant(matrix)) > MIN_RELATIVE_VOLUME * p.a * p.b * p.c) || !(p.a > 0 && p.b > 0 && p.c > 0)) {
    throw new InputError(`the lattice vectors are not independent (cell volume ${p.volume.toPrecision(3)} Å³): give 3 lattice vectors that span a cell`, field);
  }
  // Refuse a short reduced basis vector before the image search, whose cost grows as (cutoff / spacing)³.
  const reducedShortest = Math.min(...lllReduce(matrix).map((row) => Math.hypot(row[0], row[1], row[2])));
  const shortest =
    reducedShortest < MIN_INTERATOMIC_DISTANCE
      ? { distance: reducedShortest }
      : closestPeriodicPair({ lattice: matrix, species: ['H'], fracCoords: [[0, 0, 0]] }, MIN_INTERATOMIC_DISTANCE);
  if (shortest) {
    throw new InputError(
      `the shortest lattice vector is only ${shortest.distance.toFixed(3)} Å, less than the ${MIN_INTERATOMIC_DISTANCE} Å atoms must be apart: check the lattice (and its units: Å)`,
      field,
    );
  }
  return matrix;
}

/** The structure, checked (see the top of this file); throws an InputError naming what is wrong. */
export function checkStructure(structure: Structure, field = 'structure'): Structure {
  const { lattice, species, fracCoords } = structure;
  checkSpecies(species, 'structure', field);
  checkLattice(lattice, field);
  const volumePerAtom = Math.abs(determinant(lattice)) / species.length;
  if (volumePerAtom < MIN_VOLUME_PER_ATOM) {
    throw new InputError(
      `the cell holds ${species.length} atoms in ${(volumePerAtom * species.length).toPrecision(3)} Å³ (${volumePerAtom.toPrecision(3)} Å³ per atom); ` +
        `at least ${MIN_VOLUME_PER_ATOM} Å³ per atom is accepted (real solids have 5 or more): check the lattice, its units (Å) and the scaling factor`,
      field,
    );
  }
  if (fracCoords.length !== species.length) {
    throw new InputError(`the structure has ${species.length} species but ${fracCoords.length} positions; give one position per site`, field);
  }
  fracCoords.forEach((f, i) => {
    if (!isFiniteVector(f)) throw new InputError(`site ${i} (${species[i]}): coordinates must be 3 finite numbers, found [${f.join(', ')}]`, field);
  });
  const pair = closestPeriodicPair(structure, MIN_INTERATOMIC_DISTANCE);
  if (pair) tooClose(pair, species, true, field);
  return structure;
}

/** The molecule, checked (see the top of this file); throws an InputError naming what is wrong. */
export function checkMolecule(molecule: Molecule, field = 'structure'): Molecule {
  const { species, cartesianCoords } = molecule;
  checkSpecies(species, 'molecule', field);
  if (cartesianCoords.length !== species.length) {
    throw new InputError(`the molecule has ${species.length} species but ${cartesianCoords.length} positions; give one position per atom`, field);
  }
  cartesianCoords.forEach((x, i) => {
    if (!isFiniteVector(x)) throw new InputError(`atom ${i} (${species[i]}): coordinates must be 3 finite numbers, found [${x.join(', ')}]`, field);
  });
  const pair = closestPair(cartesianCoords, MIN_INTERATOMIC_DISTANCE);
  if (pair) tooClose(pair, species, false, field);
  return molecule;
}
