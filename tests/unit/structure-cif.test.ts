// CIF parsing on real files (tests/fixtures/structures/cif, see its README): COD structures with their
// symmetry operations (cubic Pa-3, hexagonal P6_3mc and trigonal R-3c with x-y operations, monoclinic C2/c),
// symmetrised CIFs pymatgen wrote from seed structures, and a COD file with partial occupancies. Every
// expanded cell is compared with pymatgen's CifParser(...).get_structures(primitive=False)[0] (expected.json).
import fs from 'node:fs';
import { parseCif, elementOfLabel } from '../../src/structure/cif.ts';
import { cifNumber, parseCifSyntax } from '../../src/structure/cif-syntax.ts';
import { toCif } from '../../src/structure/structure.ts';
import { applyOperation, parseSymmetryOperation } from '../../src/structure/symmetry-operations.ts';
import { seedRecords } from '../support/seed.ts';
import { expected, type ExpectedPeriodic, expectSameCell, inputError, readFixture, STRUCTURE_FIXTURES, structureOfRecord } from '../support/structures.ts';

const ordered = Object.entries(expected.cif).filter((entry): entry is [string, ExpectedPeriodic] => !('disordered' in entry[1]));
const graphite = readFixture('cif', 'cod-9012230-graphite-P63mc.cif');

describe('real CIFs expand to the cell pymatgen reads', () => {
  test('the fixtures cover cubic, hexagonal, trigonal and monoclinic cells', () => {
    expect(fs.readdirSync(`${STRUCTURE_FIXTURES}/cif`).length).toBe(ordered.length + 1);
    expect(ordered.map(([, e]) => e.spglibSpacegroupNumber).sort((a, b) => a - b)).toEqual([12, 15, 63, 166, 167, 194, 194, 205, 224]);
  });

  test.each(ordered)('%s', (name, reference) => {
    expectSameCell(parseCif(readFixture('cif', name)), reference);
  });

  test('graphite: 2 sites × 12 operations (x-y, -x+y forms) merge to 4 atoms', () => {
    const structure = parseCif(graphite);
    expect(structure.species).toEqual(['C', 'C', 'C', 'C']);
    expect(structure.fracCoords.map((f) => f.map((x) => Number(x.toFixed(5))))).toEqual([
      [0, 0, 0],
      [0, 0, 0.5],
      [0.33333, 0.66667, 0.005],
      [0.66666, 0.33333, 0.505], // x-y of (0.33333, 0.66667): the file's 5 decimals, kept
    ]);
  });

  test('a file whose first data block has no atom sites: the first block with atom sites is read', () => {
    const twoBlocks = `data_notes\n_journal_name_full 'Crystal Structures'\n\n${graphite}`;
    expect(parseCif(twoBlocks)).toEqual(parseCif(graphite));
  });

  test('DDL2 tags (_cell.length_a, _atom_site.fract_x) read as their CIF 1.1 twins', () => {
    const ddl2 = graphite.replace(/^_cell_length_/gm, '_cell.length_').replace(/^_atom_site_fract_/gm, '_atom_site.fract_');
    expect(parseCif(ddl2)).toEqual(parseCif(graphite));
  });
});

describe('P 1 and the absence of symmetry operations', () => {
  const cuo = structureOfRecord(seedRecords().find((r) => r.material_id === 'mp-704645'));

  test('our own P 1 CIF of a seed structure reads back the same sites', () => {
    const structure = parseCif(toCif(cuo, 'mp-704645'));
    expect(structure.species).toEqual(cuo.species);
    structure.fracCoords.flat().forEach((x, i) => expect(x).toBeCloseTo(cuo.fracCoords.flat()[i]!, 7));
  });

  test('no symmetry operations and no space group: P 1', () => {
    const noOperations = toCif(cuo, 'x').replace(/loop_\n _symmetry_equiv_pos_site_id\n _symmetry_equiv_pos_as_xyz\n  1  'x, y, z'\n/, '');
    expect(noOperations).not.toContain('_symmetry_equiv_pos_as_xyz');
    expect(parseCif(noOperations).species).toEqual(cuo.species);
  });

  test('no symmetry operations but a space group named: refused, with the fix', () => {
    const noOperations = graphite.replace(/loop_\n_space_group_symop_id\n_space_group_symop_operation_xyz\n(\d+ \S+\n)+/, '');
    expect(inputError(() => parseCif(noOperations)).message).toBe(
      'data_9012230 names space group number 186 but lists no symmetry operations: add the _space_group_symop_operation_xyz (or _symmetry_equiv_pos_as_xyz) loop, or write the full cell in P 1',
    );
  });
});

describe('refusals', () => {
  test('partial occupancy names the site, its occupancy, and how to order the structure', () => {
    const err = inputError(() => parseCif(readFixture('cif', 'cod-2100513-Ca2AlNbO6-excerpt.cif')));
    expect(err.message).toBe(
      "atom site Al1 is partially occupied (Al 0.941): disordered structures are not supported; give an ordered structure (one element per site, occupancy 1), e.g. an ordered supercell from pymatgen's OrderDisorderedStructureTransformation",
    );
    expect(expected.cif['cod-2100513-Ca2AlNbO6-excerpt.cif']).toEqual(expect.objectContaining({ disordered: true })); // pymatgen agrees it is disordered
  });

  test('two atom sites on one position', () => {
    const doubled = graphite.replace('C2 C 2 b 0.33333 0.66667 0.00500 1.0\n', 'C2 C 2 b 0.33333 0.66667 0.00500 1.0\nC3 C 2 b 0.66667 0.33333 0.50500 1.0\n');
    expect(inputError(() => parseCif(doubled)).message).toMatch(/^atom sites C2 and C3 fall on the same position \(0\.6667, 0\.3333, 0\.5050\) after the symmetry operations: the file lists one atom twice/);
  });

  test('Cartesian atom sites only', () => {
    const cartesian = graphite.replace(/_atom_site_fract_/g, '_atom_site_Cartn_');
    expect(inputError(() => parseCif(cartesian)).message).toMatch(/gives Cartesian atom sites \(_atom_site_Cartn_x\) only; give fractional coordinates/);
  });

  const syntaxCases: [string, string, string][] = [
    ['a text field never closed', graphite.replace(/\n;\n_journal_name_full/, '\n_journal_name_full'), 'CIF line 27: this ";" text field is never closed: end it with a line that starts with ";"'],
    ['a quoted string never closed', graphite.replace("'Fayos, J.'", "'Fayos, J."), "CIF line 25: the string starting 'Fayos, J.… is not closed on its line (close it with ' followed by a space)"],
    ['a loop row missing a value', graphite.replace('C2 C 2 b 0.33333 0.66667 0.00500 1.0', 'C2 C 2 b 0.33333 0.66667 1.0'), 'CIF line 76: the loop of _atom_site_label _atom_site_type_symbol _atom_site_symmetry_multiplicity _atom_site_wyckoff_label _atom_site_fract_x _atom_site_fract_y _atom_site_fract_z _atom_site_occupancy has 15 values, not a whole number of rows of 8: a value is missing or a string with spaces is not quoted'],
    ['a tag without a value', graphite.replace('_cell_length_c    6.70800', '_cell_length_c'), 'CIF line 55: _cell_length_c has no value (write ? if it is unknown)'],
    ['a missing cell angle', graphite.replace('_cell_angle_beta  90.00000\n', ''), 'data_9012230 has no _cell_angle_beta: the cell needs _cell_length_a, _b, _c (Å) and _cell_angle_alpha, _beta, _gamma (°)'],
    ['an unreadable operation', graphite.replace('2 x-y,x,z+1/2', '2 x-y,x'), 'CIF line 64: "x-y,x" is not a symmetry operation: expected 3 comma-separated components like "-x+1/2, y, -z"'],
    ['a coordinate that is not a number', graphite.replace('0.33333 0.66667 0.00500', '0.33333 abc 0.00500'), 'CIF line 86: atom site C2 has _atom_site_fract_y "abc"; fractional coordinates must be numbers'],
    ['an unknown element', graphite.replace('C2 C 2 b', 'C2 Qq 2 b'), 'data_9012230: cannot tell the element of atom site C2 from _atom_site_type_symbol "Qq"; give _atom_site_type_symbol, e.g. Cu'],
    ['no atom sites', 'data_empty\n_cell_length_a 5\n', 'the CIF has no atom sites: expected a loop with _atom_site_fract_x, _atom_site_fract_y, _atom_site_fract_z and _atom_site_type_symbol (or _atom_site_label)'],
  ];
  test.each(syntaxCases)('%s', (_, text, message) => {
    expect(inputError(() => parseCif(text)).message).toBe(message);
  });
});

describe('CIF pieces', () => {
  test('numbers with standard uncertainties, and null values', () => {
    const [block] = parseCifSyntax("data_x\n_a 5.431(2)\n_b -.15124\n_c 1.\n_d ?\n_e '?'\n_f 1e-3\n_g 0.941(8)\n");
    const number = (tag: string) => cifNumber(block!.items.get(tag)!);
    expect([number('_a'), number('_b'), number('_c'), number('_d'), number('_e'), number('_f'), number('_g')]).toEqual([5.431, -0.15124, 1, null, null, 0.001, 0.941]);
  });

  test('quotes close only before whitespace; text fields keep their lines', () => {
    const [block] = parseCifSyntax("data_x\n_name 'O'Brien's cell'\n_hall '-R 3 2\"c'\n_text\n;\nline one\nline two\n;\n");
    expect(block!.items.get('_name')!.text).toBe("O'Brien's cell");
    expect(block!.items.get('_hall')!.text).toBe('-R 3 2"c');
    expect(block!.items.get('_text')!.text).toBe('line one\nline two');
  });

  test('symmetry operations in the forms files use', () => {
    const image = (op: string) => applyOperation(parseSymmetryOperation(op), [0.1, 0.2, 0.3]).map((x) => Number(x.toFixed(10)));
    expect(image('-x+1/2, y, -z+1/2')).toEqual([0.4, 0.2, 0.2]);
    expect(image('x-y,x,z+1/3')).toEqual([-0.1, 0.1, Number((0.3 + 1 / 3).toFixed(10))]);
    expect(image('1/2+X,-Y,Z')).toEqual([0.6, -0.2, 0.3]);
    expect(image('+x,+y,+z')).toEqual([0.1, 0.2, 0.3]);
    expect(image('0.66667-x+y, 0.33333-x, 0.33333+z')).toEqual([0.76667, 0.23333, 0.63333]);
    expect(image('2*x, -y-1/2, z')).toEqual([0.2, -0.7, 0.3]);
    expect(() => parseSymmetryOperation('x, y')).toThrow('expected 3 comma-separated components');
    expect(() => parseSymmetryOperation('x, y, w')).toThrow('cannot read "+w" in component 3');
  });

  test('the element of a type symbol or label', () => {
    expect(['Cu1', 'O2-', 'CA', 'Fe3+', 'OW1', 'Sn', 'Al1', 'NB', '?'].map(elementOfLabel)).toEqual(['Cu', 'O', 'Ca', 'Fe', 'O', 'Sn', 'Al', 'Nb', null]);
  });
});
