// XYZ molecule files → Molecule. The plain format (as written by Open Babel, ASE, pymatgen's XYZ):
//   1  the number of atoms
//   2  a comment (free text; an extended-XYZ `Lattice="…" Properties=…` header is read as a comment too)
//   3… one atom per line: element symbol (any case) or atomic number, then x y z in Å; further columns ignored
// Only the first frame of a multi-frame file is read. Errors are InputErrors with the 1-based line number.
import { InputError } from '../errors.ts';
import { elementByNumber, isElementSymbol } from './elements.ts';
import { capitalizedSymbol } from './json-values.ts';
import type { Molecule, Vector3 } from './structure.ts';
import { MAX_SITES } from './validate.ts';

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function fail(line: number, message: string): never {
  throw new InputError(`XYZ line ${line}: ${message}`, 'file');
}

/** `Cu`, `CU`, `cu` or `29` → Cu; null if none of these. */
function elementOfToken(token: string): string | null {
  if (/^\d+$/.test(token)) return elementByNumber(Number(token))?.symbol ?? null;
  const symbol = capitalizedSymbol(token);
  return isElementSymbol(symbol) ? symbol : null;
}

/** Parse the first frame of an XYZ file. */
export function parseXyz(text: string): Molecule {
  const lines = text.split(/\r?\n|\r/);
  const countText = lines[0]?.trim() ?? '';
  if (!/^\d+$/.test(countText) || Number(countText) === 0) {
    fail(1, `expected the number of atoms (a positive integer), found "${countText}"`);
  }
  const count = Number(countText);
  if (count > MAX_SITES) fail(1, `the file declares ${count.toLocaleString('en-US')} atoms; at most ${MAX_SITES.toLocaleString('en-US')} are accepted`);
  const species: string[] = [];
  const cartesianCoords: Vector3[] = [];
  for (let i = 0; i < count; i++) {
    const line = i + 3;
    const raw = lines[line - 1];
    const tokens = raw === undefined ? [] : raw.trim().split(/\s+/).filter((t) => t.length > 0);
    if (tokens.length === 0) fail(line, `expected atom ${i + 1} of ${count} ("El x y z"), found ${raw === undefined ? 'the end of the file' : 'an empty line'}; line 1 says ${count} atoms`);
    const element = elementOfToken(tokens[0]!);
    if (element === null) fail(line, `"${tokens[0]}" is not an element symbol or atomic number`);
    const xyz = tokens.slice(1, 4);
    if (xyz.length < 3 || !xyz.every((t) => NUMBER.test(t))) fail(line, `expected "${tokens[0]} x y z" with 3 numbers (Å), found "${tokens.join(' ')}"`);
    species.push(element);
    cartesianCoords.push(xyz.map(Number) as Vector3);
  }
  return { species, cartesianCoords };
}

/** Indices (0-based) of the atoms of one element, the candidate absorbers. */
export function absorberIndices(molecule: Molecule, element: string): number[] {
  const indices: number[] = [];
  molecule.species.forEach((symbol, i) => {
    if (symbol === element) indices.push(i);
  });
  return indices;
}
