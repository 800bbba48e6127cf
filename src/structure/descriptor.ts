// Absorber-centred wACSF descriptor (XANESNET: Rankine & Penfold, J. Chem. Phys. 156, 164102 (2022)), the
// xasgraph variant. Definitions: ../shared/notes/structure-to-spectrum.md §3.2. The same numbers are computed in
// Python by training/descriptor.py (parity: tests/integration/descriptor-parity.test.ts). Two choices differ from
// XANESNET's code on purpose: the cut-off is zero beyond r_c for r_jk as well, and G2/G4 blocks may be repeated
// with other per-element weights (1, Pauling electronegativity) to resolve chemistry, not only Z.

import { elementBySymbol } from './elements.ts';
import { clusterNeighbours, type NeighbourList, periodicNeighbours } from './neighbors.ts';
import { isMolecule, latticeParameters, type Molecule, type Structure } from './structure.ts';

/** Per-neighbour weight: atomic number, one (plain counts), or Pauling electronegativity (0 where undefined). */
export type ElementWeight = 'Z' | 'one' | 'X';

/** Descriptor parameters, as stored in a model's sidecar (`descriptor`). */
export interface WacsfParameters {
  kind: 'wacsf';
  rMin: number;
  rMax: number;
  nG2: number;
  nG4: number;
  zetas: number[];
  lambdas: number[];
  g2Weights: ElementWeight[];
  g4Weights: ElementWeight[];
  /** Append GLOBAL_FEATURES values describing the whole structure's composition (see `globalFeatures`). */
  globalFeatures?: boolean;
}

/** Number of values `globalFeatures` appends. */
export const GLOBAL_FEATURES = 10;

/** Number of values: 1 (G1) + nG2 per G2 weight + nG4 per G4 weight (+ GLOBAL_FEATURES). */
export function descriptorDimension(p: WacsfParameters): number {
  return 1 + p.nG2 * p.g2Weights.length + p.nG4 * p.g4Weights.length + (p.globalFeatures ? GLOBAL_FEATURES : 0);
}

/** The weight of one element under one weighting; throws for a symbol that is not an element. */
export function elementWeight(symbol: string, weight: ElementWeight): number {
  const element = elementBySymbol(symbol);
  if (!element) throw new Error(`unknown element symbol "${symbol}"`);
  if (weight === 'Z') return element.z;
  if (weight === 'one') return 1;
  return element.electronegativity ?? 0;
}

/** x^n, by repeated multiplication for the small whole powers ζ takes (1, 2, 4, 8), else Math.pow. */
function power(x: number, n: number): number {
  switch (n) {
    case 1: return x;
    case 2: return x * x;
    case 4: { const x2 = x * x; return x2 * x2; }
    case 8: { const x2 = x * x; const x4 = x2 * x2; return x4 * x4; }
    default: return x ** n;
  }
}

/** Cosine cut-off f_c(r) = ½[cos(πr/r_c) + 1] for r < r_c, else 0 (Behler, J. Chem. Phys. 134, 074106 (2011)). */
function cutoff(r: number, rc: number): number {
  return r < rc ? 0.5 * (Math.cos((Math.PI * r) / rc) + 1) : 0;
}

function linspace(start: number, stop: number, n: number): number[] {
  if (n === 1) return [start];
  return Array.from({ length: n }, (_, i) => start + ((stop - start) * i) / (n - 1));
}

/** G2 centres μ_s = linspace(r_min + ½, r_max − ½, nG2) and their one width η = 1 / (2Δμ²). */
function g2Centres(p: WacsfParameters): { mu: number[]; eta: number } {
  const mu = linspace(p.rMin + 0.5, p.rMax - 0.5, p.nG2);
  return { mu, eta: 1 / (2 * (mu[1]! - mu[0]!) ** 2) };
}

/** G4 widths η_t = 1 / (2 r_t²), r_t the first nG4/(|λ||ζ|) points of linspace(r_min + 1, r_max − ½, nG4) (XANESNET's quirk, kept). */
function g4Widths(p: WacsfParameters): number[] {
  const nR = Math.floor(p.nG4 / (p.lambdas.length * p.zetas.length));
  return linspace(p.rMin + 1, p.rMax - 0.5, p.nG4).slice(0, nR).map((r) => 1 / (2 * r * r));
}

/** Checks that parameters describe a descriptor this code computes (used when a model sidecar is loaded). */
export function checkWacsfParameters(p: WacsfParameters): void {
  const nR = p.nG4 / (p.lambdas.length * p.zetas.length);
  if (p.kind !== 'wacsf') throw new Error(`descriptor kind "${String(p.kind)}" is not supported (only "wacsf")`);
  if (!(p.rMax > p.rMin + 1)) throw new Error('descriptor rMax must exceed rMin + 1 Å');
  if (!Number.isInteger(nR) || nR < 1) throw new Error('descriptor nG4 must be a multiple of |lambdas|·|zetas|');
  if (p.nG2 < 2) throw new Error('descriptor nG2 must be at least 2');
  for (const w of [...p.g2Weights, ...p.g4Weights]) if (!['Z', 'one', 'X'].includes(w)) throw new Error(`unknown element weight "${w}"`);
}

/** The local part (G1, G2, G4) of one absorbing site's descriptor from its neighbour list (vectors within r_max) and each neighbour's element. */
export function siteDescriptor(neighbours: NeighbourList, neighbourSpecies: readonly string[], p: WacsfParameters): Float64Array {
  const n = neighbours.atoms.length;
  const v = neighbours.vectors;
  const rc = p.rMax;
  const out = new Float64Array(descriptorDimension(p) - (p.globalFeatures ? GLOBAL_FEATURES : 0));
  const r = new Float64Array(n);
  const fc = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    r[j] = Math.hypot(v[3 * j]!, v[3 * j + 1]!, v[3 * j + 2]!);
    fc[j] = cutoff(r[j]!, rc);
  }
  const weights = (name: ElementWeight) => {
    const w = new Float64Array(n);
    for (let j = 0; j < n; j++) w[j] = elementWeight(neighbourSpecies[j]!, name);
    return w;
  };

  let offset = 0;
  for (let j = 0; j < n; j++) out[0]! += fc[j]!;
  offset = 1;

  // G2: the radial basis once, then one weighted sum per weighting.
  const { mu, eta: eta2 } = g2Centres(p);
  const basis = new Float64Array(n * mu.length);
  // Equally spaced centres: g_{s+1} = g_s·q_s with q_{s+1} = q_s·exp(−2ηΔ²), so three exp calls per neighbour, not nG2.
  const step = mu[1]! - mu[0]!;
  const decay = Math.exp(-2 * eta2 * step * step);
  for (let j = 0; j < n; j++) {
    const d = r[j]! - mu[0]!;
    const at = j * mu.length;
    if (eta2 * d * d > 600) {
      // exp(−600) is near the smallest double: the recurrence would start from 0, so evaluate each term.
      for (let s = 0; s < mu.length; s++) basis[at + s] = Math.exp(-eta2 * (r[j]! - mu[s]!) ** 2) * fc[j]!;
      continue;
    }
    let g = Math.exp(-eta2 * d * d);
    let q = Math.exp(eta2 * step * (2 * d - step));
    for (let s = 0; s < mu.length; s++) {
      basis[at + s] = g * fc[j]!;
      g *= q;
      q *= decay;
    }
  }
  for (const name of p.g2Weights) {
    const w = weights(name);
    for (let j = 0; j < n; j++) {
      const wj = w[j]!;
      for (let s = 0; s < mu.length; s++) out[offset + s]! += wj * basis[j * mu.length + s]!;
    }
    offset += mu.length;
  }

  // G4: one pass over unordered pairs j < k (both within r_c); each pair adds to every (weighting, η, λ, ζ) sum.
  const etas = Float64Array.from(g4Widths(p));
  const lambdas = Float64Array.from(p.lambdas);
  const zetas = Float64Array.from(p.zetas);
  const nL = lambdas.length;
  const nZ = zetas.length;
  const nLZ = nL * nZ;
  const nT = etas.length;
  const block = nT * nLZ;
  const g4Weights = p.g4Weights.map(weights);
  const sums = new Float64Array(g4Weights.length * block);
  const radial = new Float64Array(nT);
  const angular = new Float64Array(nLZ);
  for (let j = 0; j < n; j++) {
    const fj = fc[j]!;
    if (fj === 0) continue;
    const xj = v[3 * j]!;
    const yj = v[3 * j + 1]!;
    const zj = v[3 * j + 2]!;
    const rj = r[j]!;
    for (let k = j + 1; k < n; k++) {
      const fk = fc[k]!;
      if (fk === 0) continue;
      const xk = v[3 * k]!;
      const yk = v[3 * k + 1]!;
      const zk = v[3 * k + 2]!;
      const dx = xj - xk;
      const dy = yj - yk;
      const dz = zj - zk;
      const rjk2 = dx * dx + dy * dy + dz * dz;
      if (rjk2 >= rc * rc) continue;
      const rk = r[k]!;
      const geometry = fj * fk * cutoff(Math.sqrt(rjk2), rc);
      const square = rj * rj + rk * rk + rjk2;
      const cos = (xj * xk + yj * yk + zj * zk) / (rj * rk);
      for (let t = 0; t < nT; t++) radial[t] = geometry * Math.exp(-etas[t]! * square);
      for (let l = 0; l < nL; l++) {
        const base = 1 + lambdas[l]! * cos;
        for (let z = 0; z < nZ; z++) angular[l * nZ + z] = power(base, zetas[z]!);
      }
      for (let m = 0; m < g4Weights.length; m++) {
        const ww = g4Weights[m]![j]! * g4Weights[m]![k]!;
        if (ww === 0) continue;
        const at = m * block;
        if (nLZ === 8) {
          // The usual 2 λ × 4 ζ: the eight angular terms stay in locals (about 3× faster than the loop below).
          const a0 = angular[0]!, a1 = angular[1]!, a2 = angular[2]!, a3 = angular[3]!;
          const a4 = angular[4]!, a5 = angular[5]!, a6 = angular[6]!, a7 = angular[7]!;
          for (let t = 0, row = at; t < nT; t++, row += 8) {
            const wr = ww * radial[t]!;
            sums[row]! += wr * a0;
            sums[row + 1]! += wr * a1;
            sums[row + 2]! += wr * a2;
            sums[row + 3]! += wr * a3;
            sums[row + 4]! += wr * a4;
            sums[row + 5]! += wr * a5;
            sums[row + 6]! += wr * a6;
            sums[row + 7]! += wr * a7;
          }
          continue;
        }
        for (let t = 0; t < nT; t++) {
          const wr = ww * radial[t]!;
          const row = at + t * nLZ;
          for (let i = 0; i < nLZ; i++) sums[row + i]! += wr * angular[i]!;
        }
      }
    }
  }
  for (let m = 0; m < g4Weights.length; m++) {
    for (let t = 0; t < etas.length; t++) {
      for (let l = 0; l < p.lambdas.length; l++) {
        for (let z = 0; z < p.zetas.length; z++) {
          const i = m * block + t * nLZ + l * p.zetas.length + z;
          out[offset + i] = 2 ** (1 - p.zetas[z]!) * sums[i]!;
        }
      }
    }
  }
  return out;
}

/**
 * Composition of the whole structure, the same for every site: mean, std, min, max of Pauling electronegativity;
 * mean, std, max of Z; number density (atoms/Å³); fraction of absorber atoms; number of distinct elements. FEFF's
 * absolute edge energy follows the whole structure's chemistry, not only the first shells. Standard deviations are
 * population ones (numpy's default), as in training/descriptor.py.
 */
export function globalFeatures(species: readonly string[], absorber: string, density: number): Float64Array {
  const x = species.map((s) => elementWeight(s, 'X'));
  const z = species.map((s) => elementWeight(s, 'Z'));
  const mean = (a: number[]) => a.reduce((t, v) => t + v, 0) / a.length;
  const std = (a: number[]) => {
    const m = mean(a);
    return Math.sqrt(a.reduce((t, v) => t + (v - m) ** 2, 0) / a.length);
  };
  const fraction = species.filter((s) => s === absorber).length / species.length;
  return Float64Array.from([mean(x), std(x), Math.min(...x), Math.max(...x), mean(z), std(z), Math.max(...z), density, fraction, new Set(species).size]);
}

/** Atoms per Å³: of the cell for a crystal; for a molecule, of the sphere of radius r_max around the absorber. */
function numberDensity(structure: Structure | Molecule, neighbours: number, rMax: number): number {
  if (isMolecule(structure)) return (neighbours + 1) / ((4 / 3) * Math.PI * rMax ** 3);
  return structure.species.length / latticeParameters(structure.lattice).volume;
}

/** Descriptors of the given sites (periodic structure) or atoms (molecule, no images), one row each (row-major, `indices.length × dimension`). */
export function structureDescriptors(structure: Structure | Molecule, indices: readonly number[], p: WacsfParameters): Float64Array {
  const dim = descriptorDimension(p);
  const out = new Float64Array(indices.length * dim);
  indices.forEach((index, row) => {
    const list = isMolecule(structure) ? clusterNeighbours(structure.cartesianCoords, index, p.rMax) : periodicNeighbours(structure, index, p.rMax);
    out.set(siteDescriptor(list, Array.from(list.atoms, (a) => structure.species[a]!), p), row * dim);
    if (p.globalFeatures) {
      const density = numberDensity(structure, list.atoms.length, p.rMax);
      out.set(globalFeatures(structure.species, structure.species[index]!, density), row * dim + dim - GLOBAL_FEATURES);
    }
  });
  return out;
}
