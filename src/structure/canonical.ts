// One written form per crystal structure, so that the same structure asked for twice (its sites in another
// order, coordinates shifted by whole cells, or differing in the last digits) is recognised as the same:
// the key of prediction jobs and the `hyp-<hash>` id of a predicted material.
//
// Deliberately simple and deterministic rather than complete: the lattice is kept as given (not reduced), so a
// structure written in another setting or supercell is another structure. Fractional coordinates are wrapped
// into [0, 1) and rounded to CANONICAL_DIGITS decimals, lattice vectors (Å) to the same, and the sites are
// sorted by species, then coordinates.
import { createHash } from 'node:crypto';
import type { Matrix3, Structure, Vector3 } from './structure.ts';

/** Decimals kept of fractional coordinates and of lattice vector components (Å): 1e-4. */
export const CANONICAL_DIGITS = 4;
/** Prefix of the ids of materials predicted from a user's structure. */
export const HYPOTHETICAL_MATERIAL_PREFIX = 'hyp-';
/** Hex digits of the structure's sha256 kept in its material id (64 bits). */
const ID_HEX_DIGITS = 16;

const SCALE = 10 ** CANONICAL_DIGITS;

/** x rounded to CANONICAL_DIGITS decimals, without -0. */
function rounded(x: number): number {
  const r = Math.round(x * SCALE) / SCALE;
  return r === 0 ? 0 : r;
}

/** A fractional coordinate wrapped into [0, 1), then rounded (1 - ε rounds to 1, which wraps to 0). */
function wrapped(x: number): number {
  const r = rounded(x - Math.floor(x));
  return r >= 1 ? 0 : r;
}

function compareSites(a: { species: string; frac: Vector3 }, b: { species: string; frac: Vector3 }): number {
  if (a.species !== b.species) return a.species < b.species ? -1 : 1;
  return a.frac[0] - b.frac[0] || a.frac[1] - b.frac[1] || a.frac[2] - b.frac[2];
}

/**
 * The canonical form of a structure: the same lattice rows rounded, the sites sorted by species and then by
 * their wrapped, rounded fractional coordinates. Two structures that differ only in site order, whole-cell
 * shifts of sites, or below 1e-4 in any number, give the same canonical structure.
 */
export function canonicalStructure(structure: Structure): Structure {
  const sites = structure.species
    .map((species, i) => ({ species, frac: structure.fracCoords[i]!.map(wrapped) as Vector3 }))
    .sort(compareSites);
  return {
    lattice: structure.lattice.map((row) => row.map(rounded)) as Matrix3,
    species: sites.map((s) => s.species),
    fracCoords: sites.map((s) => s.frac),
  };
}

/** sha256 (hex) of a canonical structure's JSON (lattice, species, fracCoords, in that order). */
export function structureHash(canonical: Structure): string {
  const text = JSON.stringify({ lattice: canonical.lattice, species: canonical.species, fracCoords: canonical.fracCoords });
  return createHash('sha256').update(text).digest('hex');
}

/** `hyp-` + the first 16 hex digits of the canonical structure's sha256. */
export function hypotheticalMaterialId(canonical: Structure): string {
  return HYPOTHETICAL_MATERIAL_PREFIX + structureHash(canonical).slice(0, ID_HEX_DIGITS);
}
