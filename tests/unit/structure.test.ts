import { fracToCartesian, latticeParameters, matrixFromFlat, toCif, toPoscar, type Matrix3 } from '../../src/structure/structure.ts';
import { seedRecords } from '../support/seed.ts';

describe('lattice maths', () => {
  test('a hexagonal cell', () => {
    const a = 3, c = 5;
    const lattice: Matrix3 = [[a, 0, 0], [-a / 2, (a * Math.sqrt(3)) / 2, 0], [0, 0, c]];
    const p = latticeParameters(lattice);
    expect(p.a).toBeCloseTo(3, 12);
    expect(p.b).toBeCloseTo(3, 12);
    expect(p.gamma).toBeCloseTo(120, 10);
    expect(p.alpha).toBeCloseTo(90, 10);
    expect(p.volume).toBeCloseTo(((Math.sqrt(3) / 2) * a * a) * c, 10);
    const [x, y, z] = fracToCartesian([0.5, 0.5, 0.5], lattice);
    expect(x).toBeCloseTo(0.75, 12);
    expect(y).toBeCloseTo((a * Math.sqrt(3)) / 4, 12);
    expect(z).toBeCloseTo(2.5, 12);
  });

  test('cell volumes equal the seed’s (pymatgen) for all 2,697 structures', () => {
    const worst = Math.max(...seedRecords().map((r) => Math.abs(latticeParameters(matrixFromFlat(r.lattice.flat())).volume - r.volume)));
    expect(worst).toBeLessThan(1e-3); // the seed rounds volumes to 4 decimals
  });
});

describe('text forms', () => {
  const structure = { lattice: [[4, 0, 0], [0, 4, 0], [0, 0, 4]] as Matrix3, species: ['Cu', 'Cu', 'O', 'Cu'], fracCoords: [[0, 0, 0], [0.5, 0.5, 0], [0.25, 0.25, 0.25], [0, 0.5, 0.5]] as any };

  test('POSCAR keeps the site order, grouping consecutive species', () => {
    const lines = toPoscar(structure, 'Cu3O test').split('\n');
    expect(lines[0]).toBe('Cu3O test');
    expect(lines[5]).toBe('Cu O Cu');
    expect(lines[6]).toBe('2 1 1');
    expect(lines[7]).toBe('direct');
    expect(lines[10]!.trim().split(/\s+/)).toEqual(['0.2500000000', '0.2500000000', '0.2500000000', 'O']);
  });

  test('CIF lists every site in P 1 with its cell', () => {
    const cif = toCif(structure, 'test-1');
    expect(cif).toMatch(/^data_test-1\n/);
    expect(cif).toContain(`_symmetry_space_group_name_H-M   'P 1'`);
    expect(cif).toContain('_cell_volume        64.00000000');
    expect(cif).toContain('  O  O1  1  0.25000000  0.25000000  0.25000000  1');
    expect(cif).toContain('  Cu  Cu3  1  0.00000000  0.50000000  0.50000000  1');
  });
});
