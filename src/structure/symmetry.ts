// Symmetry-equivalent sites of a crystal structure, from moyo (https://github.com/spglib/moyo, the Rust
// successor of spglib; npm @spglib/moyo-wasm, MIT OR Apache-2.0). Sites in one crystallographic orbit give
// the same spectrum, so a site-averaged spectrum needs one spectrum per class, weighted by its multiplicity
// (pymatgen.analysis.xas.spectrum.site_weighted_spectrum; the seed catalogue used spglib's equivalent_atoms).
//
// The default tolerance, symprec 0.1 Å, is the one the seed's spglib classes used. moyo can fail on odd
// cells; then 0.01 and 0.001 Å are tried, and if all fail every site is its own class (with a warning).
// A molecule (no lattice) gets no symmetry reduction at all: every absorber is its own class.
//
// The WebAssembly module is loaded once, synchronously, on first use (the one file read of src/structure).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { analyze_cell, initSync } from '@spglib/moyo-wasm';
import { elementBySymbol } from './elements.ts';
import { primitiveReduction } from './primitive.ts';
import { isMolecule, type Molecule, type Structure } from './structure.ts';

/** Tolerance (Å) of the seed catalogue's spglib classes (see seed/omnixas-cu-feff/README.md). */
export const DEFAULT_SYMPREC = 0.1;
/** Tolerances tried, in order, after the requested one fails. */
const FALLBACK_SYMPRECS = [0.01, 0.001];

let initialized = false;
function ensureMoyo(): void {
  if (initialized) return;
  const wasmPath = createRequire(import.meta.url).resolve('@spglib/moyo-wasm/moyo_wasm_bg.wasm');
  initSync({ module: readFileSync(wasmPath) });
  initialized = true;
}

/** The symmetry of a structure's sites. */
export interface SiteEquivalence {
  /** International space-group number (1–230); null when no symmetry could be found. */
  spacegroupNumber: number | null;
  /** For each site, the lowest site index of its orbit (every site its own when symmetry is not found). */
  orbits: number[];
  /** The tolerance (Å) that gave the result; null when none did. */
  symprec: number | null;
  /** Why symmetry is missing (moyo failed at every tolerance); null when it was found. */
  warning: string | null;
}

/** One class of symmetry-equivalent absorbing sites. */
export interface AbsorbingSiteClass {
  /** The lowest site index in the class (0-based), its representative. */
  siteIndex: number;
  /** How many sites of the cell the class holds. */
  multiplicity: number;
  /** All site indices of the class, ascending. */
  equivalentSiteIndices: number[];
}

/** The absorbing-site classes of one element, and how they were found. */
export interface AbsorbingSiteClasses extends Omit<SiteEquivalence, 'orbits'> {
  /** Ascending `siteIndex`; empty when the element is not in the structure. */
  classes: AbsorbingSiteClass[];
}

/** moyo's space group and orbits of one cell. */
function analyze(structure: Structure, symprec: number): { number: number; orbits: number[] } {
  ensureMoyo();
  const numbers = structure.species.map((symbol) => {
    const element = elementBySymbol(symbol);
    if (!element) throw new Error(`"${symbol}" is not an element symbol`);
    return element.z;
  });
  const cell = { lattice: { basis: structure.lattice.flat() }, positions: structure.fracCoords, numbers };
  const dataset = analyze_cell(JSON.stringify(cell), symprec, 'Standard');
  return { number: dataset.number, orbits: [...dataset.orbits] };
}

/**
 * Space group and orbits, each orbit labelled by its lowest site index. A supercell is reduced to its
 * primitive cell first (primitive.ts: moyo is slow on supercells); sites of the supercell then share the
 * orbit of their primitive site, since the pure translations are symmetry operations of the crystal.
 */
function moyoOrbits(structure: Structure, symprec: number): { number: number; orbits: number[] } {
  const { primitive, primitiveSiteOf } = primitiveReduction(structure, symprec);
  const { number, orbits: primitiveOrbits } = analyze(primitive, symprec);
  const labels = primitiveSiteOf.map((p) => primitiveOrbits[p]!);
  const lowest = new Map<number, number>();
  labels.forEach((label, i) => {
    if (!lowest.has(label)) lowest.set(label, i);
  });
  return { number, orbits: labels.map((label) => lowest.get(label)!) };
}

/**
 * Which sites are symmetry-equivalent, at `symprec` (Å, default 0.1), then 0.01 and 0.001 if moyo fails;
 * every site its own class, with a warning, when all fail.
 */
export function equivalentSites(structure: Structure, options: { symprec?: number } = {}): SiteEquivalence {
  const requested = options.symprec ?? DEFAULT_SYMPREC;
  const tolerances = [requested, ...FALLBACK_SYMPRECS.filter((s) => s < requested)];
  const failures: string[] = [];
  for (const symprec of tolerances) {
    try {
      const { number, orbits } = moyoOrbits(structure, symprec);
      return { spacegroupNumber: number, orbits, symprec, warning: null };
    } catch (err) {
      failures.push(`symprec ${symprec}: ${String(err instanceof Error ? err.message : err)}`);
    }
  }
  return {
    spacegroupNumber: null,
    orbits: structure.species.map((_, i) => i),
    symprec: null,
    warning: `symmetry was not found (moyo failed at ${failures.join('; ')}); every site is treated as its own class (multiplicity 1)`,
  };
}

/** Group the sites of `element` by orbit; classes ascending by their lowest index. */
function classesOf(species: readonly string[], orbits: readonly number[], element: string): AbsorbingSiteClass[] {
  const byOrbit = new Map<number, number[]>();
  species.forEach((symbol, i) => {
    if (symbol !== element) return;
    const members = byOrbit.get(orbits[i]!) ?? [];
    members.push(i);
    byOrbit.set(orbits[i]!, members);
  });
  return [...byOrbit.values()]
    .map((indices) => ({ siteIndex: indices[0]!, multiplicity: indices.length, equivalentSiteIndices: indices }))
    .sort((a, b) => a.siteIndex - b.siteIndex);
}

/**
 * The classes of symmetry-equivalent sites of `element` (e.g. `Cu`), each with its multiplicity: one
 * spectrum per class, weighted by multiplicity, gives the site-averaged spectrum. For a molecule every atom
 * of the element is its own class (no point-group reduction is attempted).
 */
export function absorbingSiteClasses(structure: Structure | Molecule, element: string, symprec = DEFAULT_SYMPREC): AbsorbingSiteClasses {
  if (isMolecule(structure)) {
    const ownClasses = structure.species.map((_, i) => i);
    return { classes: classesOf(structure.species, ownClasses, element), spacegroupNumber: null, symprec: null, warning: null };
  }
  const { orbits, ...found } = equivalentSites(structure, { symprec });
  return { classes: classesOf(structure.species, orbits, element), ...found };
}
