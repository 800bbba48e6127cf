// Structure input is bounded before it is allocated or searched (issue 11): declared atom counts above MAX_SITES,
// lattices too short or too dense, and neighbour lists past MAX_NEIGHBOURS are InputErrors, answered at once.
import { InputError } from '../../src/errors.ts';
import { parseCif } from '../../src/structure/cif.ts';
import { resolveStructureInput } from '../../src/structure/input.ts';
import { MAX_NEIGHBOURS, periodicNeighbours } from '../../src/structure/neighbors.ts';
import { parseXyz } from '../../src/structure/xyz.ts';
import { inputError } from '../support/input-error.ts';

const poscar = (a: string, counts: string, positions = '0 0 0') => `x\n1.0\n${a} 0 0\n0 ${a} 0\n0 0 ${a}\nCu\n${counts}\nDirect\n${positions}\n`;

/** The InputError `fn` throws, and that it threw within `ms`. */
function quickInputError(fn: () => unknown, ms = 500): InputError {
  const started = performance.now();
  const err = inputError(fn);
  expect(performance.now() - started).toBeLessThan(ms);
  return err;
}

test('a POSCAR declaring 100,000,000 atoms is refused from its counts line', () => {
  expect(quickInputError(() => resolveStructureInput({ file: poscar('3', '100000000') })).message).toMatch(/POSCAR line 7: .* declare 100,000,000 atoms; at most 2,000/);
});

test('an XYZ file declaring more atoms than MAX_SITES is refused from line 1', () => {
  expect(quickInputError(() => parseXyz('5000000\ncomment\nCu 0 0 0\n')).message).toMatch(/XYZ line 1: the file declares 5,000,000 atoms/);
});

test('a pymatgen Structure JSON of more than MAX_SITES sites is refused before its sites are read', () => {
  const json = JSON.stringify({ '@class': 'Structure', lattice: { matrix: [[3, 0, 0], [0, 3, 0], [0, 0, 3]] }, sites: Array(2001).fill({}) });
  expect(quickInputError(() => resolveStructureInput({ file: json, format: 'PYMATGEN_JSON' })).message).toMatch(/2,001 sites; at most 2,000/);
});

test('a CIF with more symmetry operations than a space group has is refused before the expansion', () => {
  const ops = Array.from({ length: 300 }, () => "'x, y, z'").join('\n');
  const cif = `data_x\n_cell_length_a 5\n_cell_length_b 5\n_cell_length_c 5\n_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 90\nloop_\n_symmetry_equiv_pos_as_xyz\n${ops}\nloop_\n_atom_site_label\n_atom_site_fract_x\n_atom_site_fract_y\n_atom_site_fract_z\nCu1 0 0 0\n`;
  expect(quickInputError(() => parseCif(cif)).message).toMatch(/300 symmetry operations; a space group has at most 192/);
});

test.each(['0.001', '0.01', '0.3'])('a lattice of %s Å is refused at once (the image search would grow as its inverse cubed)', (a) => {
  expect(quickInputError(() => resolveStructureInput({ file: poscar(a, '1') })).message).toMatch(/shortest lattice vector is only/);
});

test('a cell with less than MIN_VOLUME_PER_ATOM Å³ per atom is refused', () => {
  const positions = ['0 0 0', '0.5 0 0', '0 0.5 0', '0 0 0.5', '0.5 0.5 0', '0.5 0 0.5', '0 0.5 0.5', '0.5 0.5 0.5'].join('\n');
  expect(quickInputError(() => resolveStructureInput({ file: poscar('2', '8', positions) })).message).toMatch(/1\.00 Å³ per atom/);
});

test('a neighbour list longer than MAX_NEIGHBOURS is refused, not built', () => {
  // 1 atom per 8 Å³ (valid), searched with a cut-off that would hold some 14,000 neighbours.
  const structure = { lattice: [[2, 0, 0], [0, 2, 0], [0, 0, 2]] as [[number, number, number], [number, number, number], [number, number, number]], species: ['Cu'], fracCoords: [[0, 0, 0] as [number, number, number]] };
  expect(periodicNeighbours(structure, 0, 6).atoms.length).toBeLessThan(MAX_NEIGHBOURS);
  expect(quickInputError(() => periodicNeighbours(structure, 0, 30)).message).toMatch(/more than 1500 atoms within 30 Å/);
});
