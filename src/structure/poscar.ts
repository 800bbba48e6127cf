// VASP POSCAR / CONTCAR → Structure. Format as the VASP wiki defines it (https://www.vasp.at/wiki/index.php/POSCAR):
//   1  comment
//   2  scaling factor: one number s (> 0 multiplies the lattice; < 0 is the target cell volume, Å³) or three
//      positive numbers scaling the x, y, z Cartesian components
//   3–5 lattice vectors (rows)
//   6  species names (VASP 5; absent in VASP 4, where line 6 holds the counts)
//   7  counts per species
//   [  "Selective dynamics" (first letter S or s) ]
//      coordinate mode: first letter D/d Direct (fractional); C/c/K/k Cartesian (Å, scaled like the lattice)
//      one position per atom; anything after the three numbers (labels, selective-dynamics flags) is ignored
//   Lattice velocities, velocities and MD predictor-corrector blocks may follow; they are ignored.
// Errors are InputErrors that give the 1-based line number and say what to write instead.
import { InputError } from '../errors.ts';
import { isElementSymbol } from './elements.ts';
import { capitalizedSymbol } from './json-values.ts';
import { cartesianToFractional, determinant, inverse } from './lattice.ts';
import { MAX_SITES } from './validate.ts';
import type { Matrix3, Structure, Vector3 } from './structure.ts';

/** A number as VASP writes it (Fortran `1.0D0` exponents too). */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eEdD][+-]?\d+)?$/;
const parseNumber = (token: string) => (NUMBER.test(token) ? Number(token.replace(/[dD]/, 'e')) : NaN);

function fail(line: number, message: string): never {
  throw new InputError(`POSCAR line ${line}: ${message}`, 'file');
}

/** Whitespace-separated tokens of each line. */
const tokenize = (text: string) => text.split(/\r?\n|\r/).map((line) => line.trim().split(/\s+/).filter((t) => t.length > 0));

/** The first `count` numbers of a line (1-based `line`), which must be there. */
function numbersOn(tokens: string[] | undefined, line: number, count: number, what: string): number[] {
  if (tokens === undefined) fail(line, `the file ends here; expected ${what}`);
  const values = tokens.slice(0, count).map(parseNumber);
  if (values.length < count || values.some((x) => !Number.isFinite(x))) {
    fail(line, `expected ${what}, found "${tokens.join(' ')}"`);
  }
  return values;
}

/** `Fe_pv` → Fe, `Cu/a1b2c3` (VASP 6 POTCAR hash) → Cu; null if not an element. */
function speciesName(token: string): string | null {
  const symbol = token.split(/[_/]/)[0] ?? '';
  if (isElementSymbol(symbol)) return symbol;
  return isElementSymbol(capitalizedSymbol(symbol)) ? capitalizedSymbol(symbol) : null;
}

const isCount = (token: string) => /^\d+$/.test(token);

/** The species of each count: from line 6 (VASP 5), or from the comment line of a VASP 4 file when it names exactly one element per count. */
function speciesOf(rows: string[][], countLine: number): string[] {
  const speciesTokens = countLine === 7 ? rows[5]! : null;
  const countTokens = rows[countLine - 1];
  if (countTokens === undefined || countTokens.length === 0 || !isCount(countTokens[0]!)) {
    fail(countLine, `expected the number of atoms of each species, found "${(countTokens ?? []).join(' ')}"`);
  }
  const counts = countTokens.filter(isCount).map(Number);
  // Checked before the site list is built: a declared 100,000,000 atoms must not allocate them.
  const total = counts.reduce((sum, n) => sum + n, 0);
  if (total > MAX_SITES) {
    fail(countLine, `the counts (${counts.join(' ')}) declare ${total.toLocaleString('en-US')} atoms; at most ${MAX_SITES.toLocaleString('en-US')} are accepted (give a smaller cell)`);
  }
  if (speciesTokens) {
    const names = speciesTokens.map((token) => {
      const name = speciesName(token);
      if (name === null) fail(6, `"${token}" is not an element symbol; line 6 lists the species (e.g. "Cu O"), in POTCAR order`);
      return name;
    });
    if (names.length !== counts.length) {
      fail(7, `line 6 names ${names.length} species (${names.join(' ')}) but line 7 gives ${counts.length} counts (${counts.join(' ')}); give one count per species`);
    }
    return names.flatMap((name, k) => Array<string>(counts[k]!).fill(name));
  }
  // VASP 4: no species line. Accept the comment line's words when they are one element per count.
  const fromComment = rows[0]!.map(speciesName);
  if (fromComment.length !== counts.length || fromComment.some((name) => name === null)) {
    fail(
      6,
      `no species line (a VASP 4 file) and the comment line does not name one element per count (${counts.length} counts); ` +
        `write a VASP 5 POSCAR, with the element symbols on line 6 above the counts`,
    );
  }
  return fromComment.flatMap((name, k) => Array<string>(counts[k]!).fill(name!));
}

/** Parse a VASP 5 (or VASP 4 with species in the comment) POSCAR or CONTCAR. */
export function parsePoscar(text: string): Structure {
  const rows = tokenize(text);
  while (rows.length > 0 && rows[rows.length - 1]!.length === 0) rows.pop();
  if (rows.length === 0) throw new InputError('the POSCAR is empty', 'file');

  const scaleTokens = rows[1];
  if (scaleTokens === undefined || scaleTokens.length === 0) fail(2, 'expected the scaling factor (e.g. 1.0)');
  const threeScales = scaleTokens.length >= 3 && scaleTokens.slice(0, 3).every((t) => Number.isFinite(parseNumber(t)));
  const scales = numbersOn(scaleTokens, 2, threeScales ? 3 : 1, 'the scaling factor (one number, or three for x, y, z)');
  if (scales.some((s) => s === 0) || (threeScales && scales.some((s) => s < 0))) {
    fail(2, `the scaling factor must be non-zero (a negative single value is the cell volume), and three factors must all be positive; found ${scales.join(' ')}`);
  }

  const raw = [3, 4, 5].map((line) => numbersOn(rows[line - 1], line, 3, 'a lattice vector (3 numbers)')) as Matrix3;
  const rawVolume = determinant(raw);
  if (!(Math.abs(rawVolume) > 1e-12)) fail(3, 'the lattice vectors on lines 3–5 are not independent (zero cell volume)');
  // VASP wiki: a negative scaling factor is the cell volume; s = (|V_target| / V)^(1/3) then applies to everything.
  const factors: Vector3 = threeScales ? (scales as Vector3) : Array<number>(3).fill(scales[0]! < 0 ? Math.cbrt(-scales[0]! / Math.abs(rawVolume)) : scales[0]!) as Vector3;
  const lattice = raw.map((row) => row.map((x, k) => x * factors[k]!)) as Matrix3;

  const line6 = rows[5];
  if (line6 === undefined) fail(6, 'the file ends here; expected the species names (e.g. "Cu O") and then their counts');
  const vasp4 = line6.length > 0 && isCount(line6[0]!);
  const countLine = vasp4 ? 6 : 7;
  const species = speciesOf(rows, countLine);

  let line = countLine + 1;
  const selective = rows[line - 1]?.[0]?.[0];
  if (selective === 'S' || selective === 's') line++;
  const mode = rows[line - 1]?.[0]?.[0];
  if (mode === undefined) fail(line, 'the file ends here; expected "Direct" or "Cartesian" and then the positions');
  const cartesian = 'CcKk'.includes(mode);
  if (!cartesian && mode !== 'D' && mode !== 'd') {
    fail(line, `expected the coordinate mode "Direct" or "Cartesian" (or "Selective dynamics" before it), found "${rows[line - 1]!.join(' ')}"`);
  }

  const inverseLattice = inverse(lattice);
  const fracCoords: Vector3[] = [];
  for (let i = 0; i < species.length; i++) {
    const at = line + 1 + i;
    if (rows[at - 1] === undefined) {
      fail(at, `the file ends after ${i} of ${species.length} positions; the counts on line ${countLine} need one position line per atom`);
    }
    const xyz = numbersOn(rows[at - 1], at, 3, `the position of atom ${i + 1} of ${species.length} (3 numbers)`) as Vector3;
    fracCoords.push(cartesian ? cartesianToFractional(xyz.map((x, k) => x * factors[k]!) as Vector3, inverseLattice) : xyz);
  }
  return { lattice, species, fracCoords };
}
