// Neighbour lists around one site: every periodic image of every atom within a cut-off radius.
// Method: ../shared/notes/structure-to-spectrum.md §3.3 (fractional differences wrapped to [-½, ½), then
// ⌈r_c/d + ½⌉ images per axis, d = interplanar spacing), so small cells and an atom's own images are included.

import { InputError } from '../errors.ts';
import { interplanarSpacings } from './lattice.ts';
import type { Structure, Vector3 } from './structure.ts';

/**
 * Most neighbours one site may have within the cut-off. Within 6 Å diamond, the densest common solid, has about 160;
 * the 2 Å³ per atom that structure checks allow gives about 450 on average. More means a structure no one measured,
 * and the descriptor's cost grows as neighbours².
 */
export const MAX_NEIGHBOURS = 1500;

function tooManyNeighbours(index: number, cutoff: number): never {
  throw new InputError(
    `site ${index} has more than ${MAX_NEIGHBOURS} atoms within ${cutoff} Å; the structure is far denser than any solid: check the lattice and its units (Å)`,
    'structure',
  );
}

/** Neighbours of one site: Cartesian vectors from the site (Å, 3 per neighbour) and the index of the atom each is an image of. */
export interface NeighbourList {
  vectors: Float64Array;
  atoms: Int32Array;
}

/** Every atom image within `cutoff` Å of site `index` of a periodic structure (the site itself excluded). */
export function periodicNeighbours(structure: Structure, index: number, cutoff: number): NeighbourList {
  const { lattice, fracCoords } = structure;
  const centre = fracCoords[index];
  if (!centre) throw new RangeError(`site ${index} does not exist (the structure has ${fracCoords.length} sites)`);
  const reach = interplanarSpacings(lattice).map((d) => Math.ceil(cutoff / d + 0.5));
  const [ra, rb, rc] = reach as [number, number, number];
  const [a, b, c] = lattice;
  // Cartesian offset of every atom from the centre, with fractional differences wrapped to [-½, ½).
  const count = fracCoords.length;
  const offsets = new Float64Array(3 * count);
  let spread = 0;
  for (let n = 0; n < count; n++) {
    const f = fracCoords[n]!;
    let f0 = f[0] - centre[0];
    let f1 = f[1] - centre[1];
    let f2 = f[2] - centre[2];
    f0 -= Math.floor(f0 + 0.5);
    f1 -= Math.floor(f1 + 0.5);
    f2 -= Math.floor(f2 + 0.5);
    const x = f0 * a[0] + f1 * b[0] + f2 * c[0];
    const y = f0 * a[1] + f1 * b[1] + f2 * c[1];
    const z = f0 * a[2] + f1 * b[2] + f2 * c[2];
    offsets[3 * n] = x;
    offsets[3 * n + 1] = y;
    offsets[3 * n + 2] = z;
    spread = Math.max(spread, Math.sqrt(x * x + y * y + z * z));
  }
  const vectors: number[] = [];
  const atoms: number[] = [];
  const cutoff2 = cutoff * cutoff;
  for (let u = -ra; u <= ra; u++) {
    for (let v = -rb; v <= rb; v++) {
      for (let w = -rc; w <= rc; w++) {
        const sx = u * a[0] + v * b[0] + w * c[0];
        const sy = u * a[1] + v * b[1] + w * c[1];
        const sz = u * a[2] + v * b[2] + w * c[2];
        // No atom of this image can be within the cut-off when the image's shift is farther than cut-off + spread.
        if (Math.sqrt(sx * sx + sy * sy + sz * sz) > cutoff + spread) continue;
        for (let n = 0; n < count; n++) {
          const x = offsets[3 * n]! + sx;
          const y = offsets[3 * n + 1]! + sy;
          const z = offsets[3 * n + 2]! + sz;
          const r2 = x * x + y * y + z * z;
          if (r2 < cutoff2 && r2 > 1e-16) {
            if (atoms.length >= MAX_NEIGHBOURS) tooManyNeighbours(index, cutoff);
            vectors.push(x, y, z);
            atoms.push(n);
          }
        }
      }
    }
  }
  return { vectors: Float64Array.from(vectors), atoms: Int32Array.from(atoms) };
}

/** Every atom within `cutoff` Å of atom `index` of a molecule or cluster (no periodic images). */
export function clusterNeighbours(cartesianCoords: readonly Vector3[], index: number, cutoff: number): NeighbourList {
  const centre = cartesianCoords[index];
  if (!centre) throw new RangeError(`atom ${index} does not exist (the cluster has ${cartesianCoords.length} atoms)`);
  const vectors: number[] = [];
  const atoms: number[] = [];
  cartesianCoords.forEach((p, n) => {
    const x = p[0] - centre[0];
    const y = p[1] - centre[1];
    const z = p[2] - centre[2];
    const r2 = x * x + y * y + z * z;
    if (r2 < cutoff * cutoff && r2 > 1e-16) {
      if (atoms.length >= MAX_NEIGHBOURS) tooManyNeighbours(index, cutoff);
      vectors.push(x, y, z);
      atoms.push(n);
    }
  });
  return { vectors: Float64Array.from(vectors), atoms: Int32Array.from(atoms) };
}
