// XYZ parsing on real files (pymatgen's test molecules, see tests/fixtures/structures/README.md), checked
// against pymatgen's XYZ reader (expected.json); variants are made in the test from these files.
import { absorberIndices, parseXyz } from '../../src/structure/xyz.ts';
import { expected, inputError, readFixture } from '../support/structures.ts';

const benzene = readFixture('xyz', 'benzene1.xyz');

describe('real XYZ files', () => {
  test.each(['benzene1.xyz', 'Si2O_cluster_permuted.xyz'])('%s reads as pymatgen reads it', (name) => {
    const molecule = parseXyz(readFixture('xyz', name));
    expect(molecule.species).toEqual(expected.xyz[name]!.species);
    expect(molecule.cartesianCoords).toEqual(expected.xyz[name]!.cartesianCoords);
  });

  test('atomic numbers instead of symbols, lower-case symbols, extended-XYZ comment, extra columns', () => {
    const lines = benzene.split('\n');
    const variant = [
      lines[0],
      'Lattice="20 0 0 0 20 0 0 0 20" Properties=species:S:1:pos:R:3:forces:R:3 pbc="F F F"',
      ...lines.slice(2, 14).map((line, i) => {
        const [symbol, ...xyz] = line.trim().split(/\s+/);
        const element = i % 2 === 0 ? (symbol === 'H' ? '1' : '6') : symbol!.toLowerCase();
        return `${element} ${xyz.join(' ')} 0.0 0.0 0.0`;
      }),
    ].join('\n');
    expect(parseXyz(variant)).toEqual(parseXyz(benzene));
  });

  test('only the first frame of a multi-frame file is read', () => {
    expect(parseXyz(`${benzene}${benzene}`)).toEqual(parseXyz(benzene));
  });

  test('absorberIndices: the atoms of one element', () => {
    const molecule = parseXyz(benzene);
    expect(absorberIndices(molecule, 'C')).toEqual([1, 3, 5, 7, 9, 10]);
    expect(absorberIndices(molecule, 'Cu')).toEqual([]);
  });
});

describe('errors say what to fix, with the line', () => {
  const lines = benzene.split('\n');
  const cases: [string, string, string][] = [
    ['no atom count', lines.slice(1).join('\n'), 'XYZ line 1: expected the number of atoms (a positive integer), found ""'],
    ['fewer atoms than the count', lines.slice(0, 8).join('\n'), 'XYZ line 9: expected atom 7 of 12 ("El x y z"), found the end of the file; line 1 says 12 atoms'],
    ['an unknown element', benzene.replace('C         -3.98144', 'Xx        -3.98144'), 'XYZ line 4: "Xx" is not an element symbol or atomic number'],
    ['a coordinate that is not a number', benzene.replace('-1.82298', 'abc'), 'XYZ line 4: expected "C x y z" with 3 numbers (Å), found "C -3.98144 abc -0.01143"'],
  ];
  test.each(cases)('%s', (_, text, message) => {
    const err = inputError(() => parseXyz(text));
    expect(err.message).toBe(message);
    expect(err.field).toBe('file');
  });
});
