// Structure-test helpers: the fixtures of tests/fixtures/structures (see its README), the pymatgen reference
// values in expected.json, and a comparison of two cells site by site under periodicity.
import fs from 'node:fs';
import path from 'node:path';
import { compositionOfSpecies } from '../../src/structure/composition.ts';
import { fracToCartesian, latticeParameters, type Matrix3, type Structure, type Vector3 } from '../../src/structure/structure.ts';
import { REPO_ROOT } from './service.ts';

export { inputError } from './input-error.ts';

export const STRUCTURE_FIXTURES = path.join(REPO_ROOT, 'tests', 'fixtures', 'structures');
export const LIGHTSHOW_POSCARS = path.join(REPO_ROOT, 'seed', 'misc', 'lightshow', 'structure_files');

export const readFixture = (...parts: string[]) => fs.readFileSync(path.join(STRUCTURE_FIXTURES, ...parts), 'utf8');
export const readRepoFile = (relative: string) => fs.readFileSync(path.join(REPO_ROOT, relative), 'utf8');

/** What pymatgen read from a periodic fixture (make_expected.py). */
export interface ExpectedPeriodic {
  lattice: number[][];
  abc: number[];
  angles: number[];
  species: string[];
  fracCoords: number[][];
  spglibSpacegroupNumber: number;
  spglibEquivalentAtoms: number[];
}

export const expected: {
  cif: Record<string, ExpectedPeriodic | { disordered: true }>;
  poscar: Record<string, ExpectedPeriodic>;
  xyz: Record<string, { species: string[]; cartesianCoords: number[][] }>;
} = JSON.parse(readFixture('expected.json'));

/** The structure of a seed record (lattice rows, species, fractional coordinates). */
export const structureOfRecord = (record: any): Structure => ({
  lattice: record.lattice as Matrix3,
  species: record.sites.map((s: any) => s.species),
  fracCoords: record.sites.map((s: any) => s.frac as Vector3),
});

/** Shortest Cartesian distance (Å) between two fractional positions over the 27 neighbouring images. */
function periodicDistance(a: Vector3, b: Vector3, lattice: Matrix3): number {
  const d = [0, 1, 2].map((k) => a[k]! - b[k]! - Math.round(a[k]! - b[k]!));
  let best = Infinity;
  for (const n0 of [-1, 0, 1]) for (const n1 of [-1, 0, 1]) for (const n2 of [-1, 0, 1]) {
    const x = fracToCartesian([d[0]! + n0, d[1]! + n1, d[2]! + n2], lattice);
    best = Math.min(best, Math.hypot(...x));
  }
  return best;
}

/**
 * Expect `actual` to be the cell pymatgen read: same number of sites and composition, lattice parameters
 * within 1e-4 (Å, degrees), and every reference site matched one-to-one by a site of the same element within
 * `tolerance` Å (periodically). Site order may differ (pymatgen sorts CIF sites by electronegativity).
 */
export function expectSameCell(actual: Structure, reference: ExpectedPeriodic, tolerance = 1e-3): void {
  expect(actual.species.length).toBe(reference.species.length);
  expect(Object.fromEntries(compositionOfSpecies(actual.species))).toEqual(Object.fromEntries(compositionOfSpecies(reference.species)));
  const p = latticeParameters(actual.lattice);
  [p.a, p.b, p.c].forEach((x, k) => expect(Math.abs(x - reference.abc[k]!)).toBeLessThan(1e-4));
  [p.alpha, p.beta, p.gamma].forEach((x, k) => expect(Math.abs(x - reference.angles[k]!)).toBeLessThan(1e-4));
  const used = new Set<number>();
  reference.fracCoords.forEach((f, i) => {
    let match = -1;
    let nearest = Infinity;
    actual.fracCoords.forEach((g, j) => {
      if (used.has(j) || actual.species[j] !== reference.species[i]) return;
      const d = periodicDistance(g, f as Vector3, actual.lattice);
      if (d < nearest) [nearest, match] = [d, j];
    });
    if (!(nearest < tolerance)) throw new Error(`reference site ${i} (${reference.species[i]}) has no unmatched ${reference.species[i]} site within ${tolerance} Å (nearest ${nearest} Å)`);
    used.add(match);
  });
}

/** Sites grouped into classes, each class as sorted indices; classes sorted: a canonical partition to compare. */
export function partition(labels: readonly number[]): number[][] {
  const classes = new Map<number, number[]>();
  labels.forEach((label, i) => classes.set(label, [...(classes.get(label) ?? []), i]));
  return [...classes.values()].sort((a, b) => a[0]! - b[0]!);
}
