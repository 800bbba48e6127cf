// Absorbing element and edge: validation of symbols, edge energies, and the guess from an edge energy.
import { EDGE_ENERGIES, ELEMENT_SYMBOLS } from '../edge-energies.ts';

const SYMBOLS = new Map(ELEMENT_SYMBOLS.map((s) => [s.toLowerCase(), s]));

/** The element symbol in its usual case (`cu` → `Cu`), or null when it is not one of Z = 1..98. */
export function normalizeElement(symbol: string): string | null {
  return SYMBOLS.get(symbol.trim().toLowerCase()) ?? null;
}

/** The IUPAC edge name (`k` → `K`, `L3-edge` → `L3`), or null; generic `L`/`M`/`N`/`O` are not accepted. */
export function normalizeEdge(edge: string): string | null {
  const m = /^\s*([KLMNO])([1-7])?(?:[\s_-]*edge)?\s*$/i.exec(edge);
  if (!m) return null;
  const shell = m[1]!.toUpperCase();
  const sub = m[2];
  if (shell === 'K') return sub === undefined ? 'K' : null;
  if (sub === undefined) return null;
  const max = { L: 3, M: 5, N: 7, O: 7 }[shell]!;
  return Number(sub) <= max ? `${shell}${sub}` : null;
}

/** Tabulated edge energy in eV (XrayDB / Elam et al. 2002), or null when the table has none. */
export function edgeEnergy(element: string, edge: string): number | null {
  return EDGE_ENERGIES[element]?.[edge] ?? null;
}

/** The edges `guessEdge` considers, in XrayDB's order. */
export const GUESS_EDGES = ['K', 'L3', 'L2', 'L1', 'M5'] as const;

/**
 * The element and edge whose tabulated energy best explains an observed edge energy `e0` (eV).
 * A port of xraydb 4.4.7 `guess_edge` (public domain): nearest element per edge, then a score that
 * doubles errors where e0 lies below the edge, doubles them for Z < 10 or Z > 92, quarters them for K
 * and doubles them for L1 and M5; the smallest score wins.
 */
export function guessEdge(
  e0: number,
  edges: readonly string[] = GUESS_EDGES,
): { element: string; edge: string; energy: number } | null {
  let best: { element: string; edge: string; energy: number } | null = null;
  let bestScore = Infinity;
  for (const edge of edges) {
    let nearest: { element: string; energy: number; z: number } | null = null;
    ELEMENT_SYMBOLS.forEach((element, i) => {
      const energy = EDGE_ENERGIES[element]?.[edge];
      if (energy === undefined) return;
      if (nearest === null || Math.abs(energy - e0) < Math.abs(nearest.energy - e0)) nearest = { element, energy, z: i + 1 };
    });
    if (nearest === null) continue;
    const found: { element: string; energy: number; z: number } = nearest;
    let score = e0 - found.energy;
    if (score < 0) score = -2 * score;
    if (found.z < 10 || found.z > 92) score *= 2;
    if (edge === 'K') score *= 0.25;
    else if (edge === 'L1' || edge === 'M5') score *= 2;
    if (score < bestScore) {
      bestScore = score;
      best = { element: found.element, edge, energy: found.energy };
    }
  }
  return best;
}

/**
 * A rough edge energy of a sorted spectrum: the energy of the largest dμ/dE (central differences,
 * 3-point smoothed, end points excluded), the first pass of Larch `find_e0`. For element/edge guessing only;
 * `normalize.ts` owns the real E0.
 */
export function roughE0(energies: readonly number[], mu: readonly number[]): number {
  const n = energies.length;
  if (n < 5) return energies[Math.floor(n / 2)] ?? NaN;
  const d = new Float64Array(n);
  for (let i = 1; i < n - 1; i++) d[i] = (mu[i + 1]! - mu[i - 1]!) / (energies[i + 1]! - energies[i - 1]!);
  let best = 2;
  let bestValue = -Infinity;
  for (let i = 2; i < n - 2; i++) {
    const s = (d[i - 1]! + d[i]! + d[i + 1]!) / 3;
    if (s > bestValue) {
      bestValue = s;
      best = i;
    }
  }
  return energies[best]!;
}
