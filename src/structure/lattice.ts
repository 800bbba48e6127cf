// Lattice maths the parsers and checks need beyond structure.ts: a cell from its parameters (pymatgen's
// convention), the inverse cell, Cartesian → fractional, interplanar spacings, and an LLL-reduced basis
// for periodic distance searches. Lattice vectors are rows (a, b, c) in Å, as everywhere in src/structure.
import type { Matrix3, Vector3 } from './structure.ts';

const dot = (u: Vector3, v: Vector3) => u[0] * v[0] + u[1] * v[1] + u[2] * v[2];
const cross = (u: Vector3, v: Vector3): Vector3 => [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]];
const norm = (v: Vector3) => Math.hypot(v[0], v[1], v[2]);
const sub = (u: Vector3, v: Vector3, k = 1): Vector3 => [u[0] - k * v[0], u[1] - k * v[1], u[2] - k * v[2]];

/** Signed volume a · (b × c), Å³. */
export function determinant(m: Matrix3): number {
  return dot(m[0], cross(m[1], m[2]));
}

/** The inverse of a 3×3 matrix (rows in, rows out). The caller makes sure it is not singular. */
export function inverse(m: Matrix3): Matrix3 {
  const det = determinant(m);
  const [a, b, c] = m;
  // Columns of the inverse are the cross products of the rows, divided by the determinant.
  const bc = cross(b, c), ca = cross(c, a), ab = cross(a, b);
  return [
    [bc[0] / det, ca[0] / det, ab[0] / det],
    [bc[1] / det, ca[1] / det, ab[1] / det],
    [bc[2] / det, ca[2] / det, ab[2] / det],
  ];
}

/** Row vector times matrix: v · M. */
export function vectorTimesMatrix(v: Vector3, m: Matrix3): Vector3 {
  return [0, 1, 2].map((k) => v[0] * m[0][k]! + v[1] * m[1][k]! + v[2] * m[2][k]!) as Vector3;
}

/** Fractional position of a Cartesian one: f = x · L⁻¹ (pass the inverse, computed once per lattice). */
export function cartesianToFractional(cartesian: Vector3, inverseLattice: Matrix3): Vector3 {
  return vectorTimesMatrix(cartesian, inverseLattice);
}

/**
 * The cell of lattice parameters (Å, degrees), oriented as pymatgen's `Lattice.from_parameters` (vesta=False):
 * c along z, a in the xz plane, b from the reciprocal angle γ*.
 * Source: pymatgen/core/lattice.py, `Lattice.from_parameters` (pymatgen 2022.11.7, the Debian package here).
 */
export function latticeFromParameters(a: number, b: number, c: number, alpha: number, beta: number, gamma: number): Matrix3 {
  const radians = (deg: number) => (deg * Math.PI) / 180;
  const [cosAlpha, cosBeta, cosGamma] = [alpha, beta, gamma].map((x) => Math.cos(radians(x))) as Vector3;
  const [sinAlpha, sinBeta] = [alpha, beta].map((x) => Math.sin(radians(x))) as [number, number];
  // Rounding can push the cosine of γ* just past ±1; pymatgen caps it the same way (abs_cap).
  const cosGammaStar = Math.max(-1, Math.min(1, (cosAlpha * cosBeta - cosGamma) / (sinAlpha * sinBeta)));
  const gammaStar = Math.acos(cosGammaStar);
  return [
    [a * sinBeta, 0, a * cosBeta],
    [-b * sinAlpha * Math.cos(gammaStar), b * sinAlpha * Math.sin(gammaStar), b * cosAlpha],
    [0, 0, c],
  ];
}

/** Distance between opposite faces of the cell along each axis: d_i = V / |a_j × a_k| (Å). */
export function interplanarSpacings(lattice: Matrix3): Vector3 {
  const volume = Math.abs(determinant(lattice));
  const [a, b, c] = lattice;
  return [volume / norm(cross(b, c)), volume / norm(cross(c, a)), volume / norm(cross(a, b))];
}

/**
 * An LLL-reduced basis of the same lattice (Lenstra, Lenstra & Lovász, Math. Ann. 261, 515 (1982), δ = 3/4):
 * nearly orthogonal, short vectors, so that a periodic search needs only a few images along each axis.
 * The first vector is at most twice as long as the shortest lattice vector (in 3D).
 */
export function lllReduce(lattice: Matrix3, delta = 0.75): Matrix3 {
  const basis: Vector3[] = lattice.map((row) => [...row] as Vector3);
  const gramSchmidt = () => {
    const ortho: Vector3[] = [];
    const mu: number[][] = [[], [], []];
    for (let i = 0; i < 3; i++) {
      let v = basis[i]!;
      for (let j = 0; j < i; j++) {
        mu[i]![j] = dot(basis[i]!, ortho[j]!) / dot(ortho[j]!, ortho[j]!);
        v = sub(v, ortho[j]!, mu[i]![j]!);
      }
      ortho.push(v);
    }
    return { ortho, mu };
  };
  let k = 1;
  for (let guard = 0; k < 3 && guard < 10_000; guard++) {
    let { ortho, mu } = gramSchmidt();
    for (let j = k - 1; j >= 0; j--) {
      const q = Math.round(mu[k]![j]!);
      if (q !== 0) {
        basis[k] = sub(basis[k]!, basis[j]!, q);
        ({ ortho, mu } = gramSchmidt());
      }
    }
    const lovasz = dot(ortho[k]!, ortho[k]!) >= (delta - mu[k]![k - 1]! ** 2) * dot(ortho[k - 1]!, ortho[k - 1]!);
    if (lovasz) k++;
    else {
      [basis[k], basis[k - 1]] = [basis[k - 1]!, basis[k]!];
      k = Math.max(k - 1, 1);
    }
  }
  // Keep the handedness of the input so that fractional coordinates stay a proper change of basis.
  if (determinant(basis as Matrix3) * determinant(lattice) < 0) basis[2] = [-basis[2]![0], -basis[2]![1], -basis[2]![2]];
  return basis as Matrix3;
}
