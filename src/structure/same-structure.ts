// Whether two crystal structures are the same one written twice: the same cell (lengths and angles: the cell may be
// rotated, as a CIF's is, rebuilt from its parameters; it is not reduced or standardised, so another setting or a
// supercell is another structure), and the same species on the same fractional positions, in any site order, up to
// whole-cell shifts and small numerical differences. Used to tell a user that a structure submitted for prediction
// is already in the catalogue. (A mirror image, the same cell reflected, compares equal.)
import { latticeParameters, type Structure } from './structure.ts';

/** How far two structures may differ and still be the same. */
export interface SameStructureTolerance {
  /** Largest difference of a cell length, Å (default 1e-3). */
  latticeAngstrom: number;
  /** Largest difference of a cell angle, degrees (default 0.01). */
  angleDegrees: number;
  /** Largest difference of any fractional coordinate, periodic (default 1e-3). */
  fractional: number;
}

export const DEFAULT_SAME_STRUCTURE_TOLERANCE: SameStructureTolerance = { latticeAngstrom: 1e-3, angleDegrees: 0.01, fractional: 1e-3 };

/** |a − b| on the unit circle of fractional coordinates (0.999 and 0.001 are 0.002 apart). */
function periodicDistance(a: number, b: number): number {
  const d = Math.abs(a - b) % 1;
  return Math.min(d, 1 - d);
}

function sameCell(a: Structure, b: Structure, tolerance: SameStructureTolerance): boolean {
  const p = latticeParameters(a.lattice);
  const q = latticeParameters(b.lattice);
  return (
    (['a', 'b', 'c'] as const).every((k) => Math.abs(p[k] - q[k]) <= tolerance.latticeAngstrom) &&
    (['alpha', 'beta', 'gamma'] as const).every((k) => Math.abs(p[k] - q[k]) <= tolerance.angleDegrees)
  );
}

/**
 * true when `b` has a site of the same species within `tolerance` of every site of `a` (one-to-one), the same number
 * of sites, and cell lengths and angles within the tolerance. O(n²) in the number of sites.
 */
export function sameStructure(a: Structure, b: Structure, tolerance: SameStructureTolerance = DEFAULT_SAME_STRUCTURE_TOLERANCE): boolean {
  if (a.species.length !== b.species.length || a.fracCoords.length !== b.fracCoords.length) return false;
  if (!sameCell(a, b, tolerance)) return false;
  const taken = new Uint8Array(b.species.length);
  for (let i = 0; i < a.species.length; i++) {
    const p = a.fracCoords[i]!;
    let found = -1;
    for (let j = 0; j < b.species.length && found < 0; j++) {
      if (taken[j] || b.species[j] !== a.species[i]) continue;
      const q = b.fracCoords[j]!;
      if (p.every((x, k) => periodicDistance(x, q[k]!) <= tolerance.fractional)) found = j;
    }
    if (found < 0) return false;
    taken[found] = 1;
  }
  return true;
}
