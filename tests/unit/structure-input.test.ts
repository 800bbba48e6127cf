// resolveStructureInput: the GraphQL StructureInput (file + format, or explicit arrays) → a checked structure
// or molecule. Real files from tests/fixtures/structures and tests/fixtures/ingest, seed structures for the
// arrays; every refusal is checked for what its message tells the user.
import fs from 'node:fs';
import path from 'node:path';
import { parseCif } from '../../src/structure/cif.ts';
import { resolveStructureInput, sniffStructureFormat, type StructureInput } from '../../src/structure/input.ts';
import { parsePoscar } from '../../src/structure/poscar.ts';
import { fracToCartesian, isMolecule, type Molecule, type Structure, toPymatgenStructure, type Vector3 } from '../../src/structure/structure.ts';
import { closestPeriodicPair } from '../../src/structure/validate.ts';
import { parseXyz } from '../../src/structure/xyz.ts';
import { seedRecords } from '../support/seed.ts';
import { REPO_ROOT } from '../support/service.ts';
import { inputError, readFixture, structureOfRecord } from '../support/structures.ts';

const record = (id: string) => seedRecords().find((r) => r.material_id === id)!;
const cuo = record('mp-704645');
const cuoStructure = structureOfRecord(cuo);
const licoo2 = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'tests', 'fixtures', 'ingest', 'LiCoO2_k_xanes.json'), 'utf8'));
const graphiteCif = readFixture('cif', 'cod-9012230-graphite-P63mc.cif');
const benzene = readFixture('xyz', 'benzene1.xyz');
const asStructure = (value: Structure | Molecule) => {
  if (isMolecule(value)) throw new Error('expected a periodic structure');
  return value;
};

describe('files', () => {
  const files: [string, string, string][] = [
    ['a seed POSCAR', cuo.poscar, 'POSCAR'],
    ['a COD CIF', graphiteCif, 'CIF'],
    ['a pymatgen-written CIF', readFixture('cif', 'mp-361-Cu2O-symmetrized-generated.cif'), 'CIF'],
    ['an XYZ molecule', benzene, 'XYZ'],
    ['an XYZ file without a final newline', readFixture('xyz', 'Si2O_cluster_permuted.xyz'), 'XYZ'],
    ['a pymatgen Structure dict', JSON.stringify(licoo2.structure), 'PYMATGEN_JSON'],
    ['a Lightshow POSCAR', fs.readFileSync(path.join(REPO_ROOT, 'seed/misc/lightshow/structure_files/mp-390/POSCAR'), 'utf8'), 'POSCAR'],
  ];
  test.each(files)('AUTO recognises %s', (_, text, format) => {
    expect(sniffStructureFormat(text)).toBe(format);
    expect(resolveStructureInput({ file: text })).toEqual(resolveStructureInput({ file: text, format: format as StructureInput['format'] }));
  });

  test('each format gives what its parser gives', () => {
    expect(resolveStructureInput({ file: cuo.poscar, format: 'POSCAR' })).toEqual(parsePoscar(cuo.poscar));
    expect(resolveStructureInput({ file: graphiteCif, format: 'AUTO' })).toEqual(parseCif(graphiteCif));
    expect(resolveStructureInput({ file: benzene, format: null })).toEqual(parseXyz(benzene));
    const fromJson = asStructure(resolveStructureInput({ file: JSON.stringify(licoo2.structure) }));
    expect(fromJson.species).toEqual(['Li', 'Co', 'O', 'O']);
  });

  test('a pymatgen dict written from a seed structure reads back the seed structure', () => {
    expect(resolveStructureInput({ file: JSON.stringify(toPymatgenStructure(cuoStructure)), format: 'PYMATGEN_JSON' })).toEqual(cuoStructure);
  });
});

describe('explicit arrays', () => {
  test('lattice + species + fracCoords', () => {
    const input = { lattice: cuo.lattice, species: cuoStructure.species, fracCoords: cuoStructure.fracCoords };
    expect(resolveStructureInput(input)).toEqual(cuoStructure);
  });

  test('lattice + species + cartesianCoords: converted to fractional', () => {
    const cartesianCoords = cuoStructure.fracCoords.map((f) => fracToCartesian(f, cuoStructure.lattice));
    const structure = asStructure(resolveStructureInput({ lattice: cuo.lattice, species: cuoStructure.species, cartesianCoords }));
    structure.fracCoords.flat().forEach((x, i) => expect(x).toBeCloseTo(cuoStructure.fracCoords.flat()[i]!, 12));
  });

  test('species + cartesianCoords without a lattice: a molecule', () => {
    const molecule = parseXyz(benzene);
    const result = resolveStructureInput({ species: molecule.species, cartesianCoords: molecule.cartesianCoords });
    expect(isMolecule(result)).toBe(true);
    expect(result).toEqual(molecule);
  });
});

describe('refusals say what to fix', () => {
  const cartesian = cuoStructure.fracCoords.map((f) => fracToCartesian(f, cuoStructure.lattice));
  const base = { lattice: cuo.lattice, species: cuoStructure.species, fracCoords: cuoStructure.fracCoords };
  const with2 = (changes: Partial<Record<keyof StructureInput, unknown>>) => ({ ...base, ...changes }) as StructureInput;
  const cases: [string, StructureInput, string, string][] = [
    ['nothing given', {}, 'file', 'no structure given: give file (a POSCAR, CIF, XYZ or pymatgen JSON text), pymatgen (a Structure dict as an object), or lattice, species and fracCoords'],
    ['file and arrays', { ...base, file: cuo.poscar }, 'file', 'give either file or the arrays (lattice, species, fracCoords / cartesianCoords), not both'],
    ['an empty file', { file: '  \n' }, 'file', 'file is empty: give the content of a POSCAR, CIF, XYZ or pymatgen Structure JSON file'],
    ['format without a file', { ...base, format: 'CIF' }, 'format', 'format CIF is given without a file'],
    ['an unknown element', with2({ species: ['Cu', 'Cu', 'O', 'Xx'] }), 'species[3]', 'species[3] "Xx" is not an element symbol'],
    ['a lower-case element', with2({ species: ['cu', 'Cu', 'O', 'O'] }), 'species[0]', 'species[0] "cu" is not an element symbol (write "Cu")'],
    ['NaN', with2({ fracCoords: [[0, 0.5, 0.5], [0.5, NaN, 0], [0.486128, 0.513872, 0.75], [0.513872, 0.486128, 0.25]] }), 'fracCoords', 'fracCoords[1][1] must be a finite number, found number NaN'],
    ['Infinity in the lattice', with2({ lattice: [[Infinity, 2.124735, 0], cuo.lattice[1], cuo.lattice[2]] }), 'lattice', 'lattice[0][0] must be a finite number, found number Infinity'],
    ['a lattice of 2 rows', with2({ lattice: cuo.lattice.slice(0, 2) }), 'lattice', 'lattice must have 3 rows (the vectors a, b, c in Å), found 2'],
    ['a coordinate row of 2', with2({ fracCoords: [[0, 0.5], ...cuoStructure.fracCoords.slice(1)] }), 'fracCoords', 'fracCoords[0] must be 3 numbers (fractional), found a list of 2'],
    ['fewer positions than species', with2({ fracCoords: cuoStructure.fracCoords.slice(0, 3) }), 'fracCoords', 'fracCoords has 3 positions but species has 4; give one position per site'],
    ['both coordinate kinds', with2({ cartesianCoords: cartesian }), 'cartesianCoords', 'give exactly one of fracCoords and cartesianCoords (both are given)'],
    ['no coordinates', with2({ fracCoords: null }), 'fracCoords', 'give exactly one of fracCoords and cartesianCoords (neither is given)'],
    ['fracCoords without a lattice', with2({ lattice: undefined }), 'lattice', 'fracCoords need a lattice: give lattice (3 rows, Å), or cartesianCoords alone for a molecule'],
    ['no species', with2({ species: undefined }), 'species', 'species is missing: give one element symbol per site (e.g. ["Cu", "O"]), or give a file instead'],
    ['empty species', with2({ species: [], fracCoords: [] }), 'species', 'species must be a non-empty list of element symbols'],
    ['a singular lattice', with2({ lattice: [cuo.lattice[0], cuo.lattice[1], [0, 0, 0]] }), 'lattice', 'the lattice vectors are not independent (cell volume 0.00 Å³): give 3 lattice vectors that span a cell'],
    [
      'a duplicated atom',
      with2({ species: [...cuoStructure.species, 'O'], fracCoords: [...cuoStructure.fracCoords, [0.5139, 0.4861, 0.2501]] }),
      'fracCoords',
      'sites 3 (O) and 4 (O) are only 0.001 Å apart (periodic images included); atoms closer than 0.5 Å are taken as a mistake: remove duplicated atoms or check the coordinates (sites count from 0 in input order)',
    ],
    [
      'a lattice in nm instead of Å',
      with2({ lattice: cuo.lattice.map((row: number[]) => row.map((x) => x / 10)) }),
      'lattice',
      'the shortest lattice vector is only 0.294 Å, less than the 0.5 Å atoms must be apart: check the lattice (and its units: Å)',
    ],
    ['a molecule with two atoms on top of each other', { species: ['C', 'C'], cartesianCoords: [[0, 0, 0], [0.1, 0, 0]] }, 'cartesianCoords', 'sites 0 (C) and 1 (C) are only 0.100 Å apart; atoms closer than 0.5 Å are taken as a mistake: remove duplicated atoms or check the coordinates (sites count from 0 in input order)'],
    ['invalid JSON', { file: '{"lattice": [1, 2', format: 'AUTO' }, 'file', ''],
    ['a pymatgen Molecule', { file: JSON.stringify({ '@class': 'Molecule', sites: [] }) }, 'file', 'the JSON is a pymatgen Molecule, not a Structure; give a periodic Structure (or an XYZ file for a molecule)'],
    [
      'a partially occupied pymatgen site',
      { file: JSON.stringify({ ...licoo2.structure, sites: [{ ...licoo2.structure.sites[0], species: [{ element: 'Li', occu: 0.5 }] }, ...licoo2.structure.sites.slice(1)] }) },
      'file.sites[0].species',
      "file.sites[0] is partially occupied (Li 0.5): disordered structures are not supported; give an ordered structure (one element per site, occupancy 1), e.g. an ordered supercell from pymatgen's OrderDisorderedStructureTransformation",
    ],
  ];
  test.each(cases)('%s', (_, input, field, message) => {
    const err = inputError(() => resolveStructureInput(input));
    if (message) expect(err.message).toBe(message);
    else expect(err.message).toMatch(/^the file is not valid JSON \(.+\); a pymatgen Structure is written by Structure.to\(fmt="json"\)/);
    expect(err.field).toBe(field);
  });

  test('more than 2,000 atoms', () => {
    // A 9 × 8 × 7 supercell of seed CuO (2,016 atoms): real positions, too many of them.
    const species: string[] = [];
    const fracCoords: Vector3[] = [];
    for (let i = 0; i < 9; i++) for (let j = 0; j < 8; j++) for (let k = 0; k < 7; k++) {
      cuoStructure.fracCoords.forEach((f, s) => {
        species.push(cuoStructure.species[s]!);
        fracCoords.push([(f[0] + i) / 9, (f[1] + j) / 8, (f[2] + k) / 7]);
      });
    }
    const lattice = cuo.lattice.map((row: number[], r: number) => row.map((x) => x * [9, 8, 7][r]!));
    const err = inputError(() => resolveStructureInput({ lattice, species, fracCoords }));
    expect(err.message).toBe('the structure has 2016 sites; at most 2,000 are accepted');
    expect(err.field).toBe('species');
    const poscar = inputError(() => resolveStructureInput({ file: toPoscarText(lattice, species, fracCoords) }));
    // refused from the counts line, before the atoms are read
    expect(poscar.message).toBe('POSCAR line 7: the counts (1008 1008) declare 2,016 atoms; at most 2,000 are accepted (give a smaller cell)');
  });
});

/** A plain POSCAR of explicit arrays (species grouped as given). */
function toPoscarText(lattice: number[][], species: string[], fracCoords: Vector3[]): string {
  const order = species.map((s, i) => [s, i] as const).sort((a, b) => a[0].localeCompare(b[0]));
  const counts = new Map<string, number>();
  for (const [s] of order) counts.set(s, (counts.get(s) ?? 0) + 1);
  return [
    'supercell',
    '1.0',
    ...lattice.map((row) => row.join(' ')),
    [...counts.keys()].join(' '),
    [...counts.values()].join(' '),
    'Direct',
    ...order.map(([, i]) => fracCoords[i]!.join(' ')),
  ].join('\n');
}

describe('the periodic closest-pair search', () => {
  test('finds the nearest pair across the cell boundary in a skewed cell, as a brute-force search does', () => {
    // Seed mp-704645 (CuO) in a skewed but equivalent basis: a' = a, b' = b + 3a, c' = c − 2b.
    const [a, b, c] = cuoStructure.lattice;
    const skewed: Structure['lattice'] = [a, b.map((x, k) => x + 3 * a[k]!) as Vector3, c.map((x, k) => x - 2 * b[k]!) as Vector3];
    const cartesian = cuoStructure.fracCoords.map((f) => fracToCartesian(f, cuoStructure.lattice));
    const structure = asStructure(resolveStructureInput({ lattice: skewed, species: cuoStructure.species, cartesianCoords: cartesian }));
    const pair = closestPeriodicPair(structure, 3)!;
    let brute = Infinity;
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) for (let n0 = -6; n0 <= 6; n0++) for (let n1 = -6; n1 <= 6; n1++) for (let n2 = -6; n2 <= 6; n2++) {
      if (i === j && n0 === 0 && n1 === 0 && n2 === 0) continue;
      const f = [0, 1, 2].map((k) => structure.fracCoords[j]![k]! - structure.fracCoords[i]![k]! + [n0, n1, n2][k]!) as Vector3;
      brute = Math.min(brute, Math.hypot(...fracToCartesian(f, skewed)));
    }
    expect(pair.distance).toBeCloseTo(brute, 12);
    expect(pair.distance).toBeCloseTo(1.954919050736045, 12); // the shortest Cu–O bond, as pymatgen's distance_matrix gives it
  });
});
