import { sameStructure } from '../../src/structure/same-structure.ts';
import type { Matrix3, Structure, Vector3 } from '../../src/structure/structure.ts';

const rutile: Structure = {
  lattice: [[4.594, 0, 0], [0, 4.594, 0], [0, 0, 2.959]] as Matrix3,
  species: ['Ti', 'Ti', 'O', 'O', 'O', 'O'],
  fracCoords: [[0, 0, 0], [0.5, 0.5, 0.5], [0.3053, 0.3053, 0], [0.6947, 0.6947, 0], [0.1947, 0.8053, 0.5], [0.8053, 0.1947, 0.5]] as Vector3[],
};

test('the same structure in another site order, shifted by whole cells, within 1e-3, is the same', () => {
  const order = [3, 0, 5, 1, 4, 2];
  const moved: Structure = {
    lattice: rutile.lattice.map((row, i) => row.map((x, j) => (i === j ? x + 4e-4 : x))) as Matrix3,
    species: order.map((i) => rutile.species[i]!),
    fracCoords: order.map((i) => rutile.fracCoords[i]!.map((x, k) => x + (k === 2 ? -1 : 0) + 5e-4) as Vector3),
  };
  expect(sameStructure(rutile, moved)).toBe(true);
  // 0.9999 and 0.0001 are 2e-4 apart across the cell boundary.
  const wrapped: Structure = { ...rutile, fracCoords: rutile.fracCoords.map((p, i) => (i === 0 ? ([0.9999, 0.9999, 0.0001] as Vector3) : p)) };
  expect(sameStructure(rutile, wrapped)).toBe(true);
});

test('another lattice, a moved atom, swapped species or another site count is another structure', () => {
  expect(sameStructure(rutile, { ...rutile, lattice: [[4.6, 0, 0], [0, 4.594, 0], [0, 0, 2.959]] })).toBe(false);
  expect(sameStructure(rutile, { ...rutile, fracCoords: rutile.fracCoords.map((p, i) => (i === 2 ? ([0.31, 0.3053, 0] as Vector3) : p)) })).toBe(false);
  expect(sameStructure(rutile, { ...rutile, species: ['O', 'Ti', 'Ti', 'O', 'O', 'O'] })).toBe(false);
  expect(sameStructure(rutile, { ...rutile, species: rutile.species.slice(1), fracCoords: rutile.fracCoords.slice(1) })).toBe(false);
  // Each site of one is matched to a distinct site of the other: two atoms on one spot do not make two.
  const doubled: Structure = { ...rutile, fracCoords: rutile.fracCoords.map((p, i) => (i === 1 ? rutile.fracCoords[0]! : p)) };
  expect(sameStructure(doubled, rutile)).toBe(false);
});

test('a rotated cell (as a CIF rebuilds it from its lengths and angles) is the same cell', () => {
  const c = Math.cos(0.3);
  const s = Math.sin(0.3);
  const rotate = (v: readonly number[]) => [c * v[0]! - s * v[1]!, s * v[0]! + c * v[1]!, v[2]!];
  const rotated: Structure = { ...rutile, lattice: rutile.lattice.map(rotate) as Matrix3 };
  expect(sameStructure(rutile, rotated)).toBe(true);
});
