// Periodic neighbour lists: every image of every atom within the cut-off, small cells included.
import { clusterNeighbours, periodicNeighbours } from '../../src/structure/neighbors.ts';
import type { Structure } from '../../src/structure/structure.ts';

const distances = (vectors: Float64Array) => Array.from({ length: vectors.length / 3 }, (_, i) => Math.hypot(vectors[3 * i]!, vectors[3 * i + 1]!, vectors[3 * i + 2]!));

test('fcc copper from its one-atom primitive cell: the shells 12, 6, 24, 12, 24 within 6 Å (all self-images)', () => {
  const a = 3.615; // Cu lattice parameter, Å
  const copper: Structure = { lattice: [[0, a / 2, a / 2], [a / 2, 0, a / 2], [a / 2, a / 2, 0]], species: ['Cu'], fracCoords: [[0, 0, 0]] };
  const list = periodicNeighbours(copper, 0, 6);
  const shells = new Map<string, number>();
  for (const r of distances(list.vectors)) shells.set(r.toFixed(3), (shells.get(r.toFixed(3)) ?? 0) + 1);
  const expected = [[1, 12], [2, 6], [3, 24], [4, 12], [5, 24]].map(([n, count]) => [(a * Math.sqrt(n! / 2)).toFixed(3), count]);
  expect([...shells.entries()].sort((x, y) => Number(x[0]) - Number(y[0]))).toEqual(expected);
  expect(new Set(list.atoms)).toEqual(new Set([0]));
});

test('a skewed cell and a site near its corner find the same neighbours as the same crystal shifted', () => {
  const lattice: Structure['lattice'] = [[4.1, 0, 0], [2.3, 3.9, 0], [0.7, 1.1, 5.2]];
  const base: Structure = { lattice, species: ['Cu', 'O', 'O'], fracCoords: [[0.98, 0.01, 0.99], [0.3, 0.2, 0.1], [0.6, 0.7, 0.45]] };
  const shifted: Structure = { ...base, fracCoords: base.fracCoords.map((f) => f.map((x) => (x + 0.37) % 1) as [number, number, number]) };
  const sorted = (s: Structure) => distances(periodicNeighbours(s, 0, 7).vectors).sort((x, y) => x - y);
  const [a, b] = [sorted(base), sorted(shifted)];
  expect(a.length).toBeGreaterThan(50);
  expect(b).toHaveLength(a.length);
  a.forEach((r, i) => expect(b[i]).toBeCloseTo(r, 9));
});

test('a molecule has no images: only its own atoms within the cut-off', () => {
  const list = clusterNeighbours([[0, 0, 0], [1.9, 0, 0], [0, 0, 7]], 0, 6);
  expect(Array.from(list.atoms)).toEqual([1]);
  expect(distances(list.vectors)).toEqual([1.9]);
});
