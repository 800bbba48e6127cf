// POSCAR parsing on real files: the 2,697 seed POSCARs (checked against the seed's own lattice/sites), the
// 8 Lightshow POSCARs and pymatgen-written variants (checked against pymatgen's reading, expected.json).
// Variants the fixtures do not cover (negative and three-number scaling, POTCAR suffixes, broken files)
// are made in the test from these real files.
import fs from 'node:fs';
import path from 'node:path';
import { parsePoscar } from '../../src/structure/poscar.ts';
import { latticeParameters } from '../../src/structure/structure.ts';
import { seedRecords } from '../support/seed.ts';
import { expected, expectSameCell, inputError, LIGHTSHOW_POSCARS, readFixture, readRepoFile, structureOfRecord } from '../support/structures.ts';

const cuo = seedRecords().find((r) => r.material_id === 'mp-704645')!; // CuO tenorite, 4 sites
const lines = (text: string) => text.split('\n');
const replaceLine = (text: string, index: number, line: string) => lines(text).map((l, i) => (i === index ? line : l)).join('\n');

describe('real POSCARs', () => {
  test('all 2,697 seed POSCARs give the seed record’s lattice, species and coordinates', () => {
    let worst = 0;
    for (const record of seedRecords()) {
      const structure = parsePoscar(record.poscar);
      expect(structure.species).toEqual(record.sites.map((s: any) => s.species));
      expect(structure.lattice).toEqual(record.lattice); // the seed copies the POSCAR rows (scale 1.0)
      structure.fracCoords.forEach((f, i) => f.forEach((x, k) => (worst = Math.max(worst, Math.abs(x - record.sites[i].frac[k])))));
    }
    expect(worst).toBeLessThan(5e-7); // the seed rounds coordinates to 6 decimals
  });

  test.each(fs.readdirSync(LIGHTSHOW_POSCARS).sort())('Lightshow %s/POSCAR reads as pymatgen reads it', (id) => {
    const key = path.join('seed', 'misc', 'lightshow', 'structure_files', id, 'POSCAR');
    const structure = parsePoscar(readRepoFile(key));
    const reference = expected.poscar[key]!;
    expect(structure.species).toEqual(reference.species);
    structure.lattice.flat().forEach((x, i) => expect(x).toBeCloseTo(reference.lattice.flat()[i]!, 12));
    structure.fracCoords.flat().forEach((x, i) => expect(x).toBeCloseTo(reference.fracCoords.flat()[i]!, 12));
  });

  test('Cartesian coordinates with selective-dynamics flags, labels and a velocity block (pymatgen-written CONTCAR form)', () => {
    const name = 'mp-704645-cartesian-selective-velocities-generated.vasp';
    const structure = parsePoscar(readFixture('poscar', name));
    expectSameCell(structure, expected.poscar[`tests/fixtures/structures/poscar/${name}`]!, 1e-9);
    structure.fracCoords.flat().forEach((x, i) => expect(x).toBeCloseTo(cuo.sites[Math.floor(i / 3)].frac[i % 3], 9));
  });

  test('VASP 4 (no species line) takes the species from the comment when it names one element per count', () => {
    const text = readFixture('poscar', 'mp-704645-vasp4-generated.vasp');
    const structure = parsePoscar(text);
    expect(structure.species).toEqual(['Cu', 'Cu', 'O', 'O']);
    expectSameCell(structure, expected.poscar['tests/fixtures/structures/poscar/mp-704645-vasp4-generated.vasp']!, 1e-9);
  });
});

describe('scaling (VASP wiki: one factor, a negative cell volume, or three Cartesian factors)', () => {
  const base = parsePoscar(cuo.poscar);
  const volume = latticeParameters(base.lattice).volume;

  test('a negative scaling factor is the target volume', () => {
    const scaled = parsePoscar(replaceLine(cuo.poscar, 1, `-${(8 * volume).toFixed(6)}`));
    scaled.lattice.flat().forEach((x, i) => expect(x).toBeCloseTo(2 * base.lattice.flat()[i]!, 6));
    expect(scaled.fracCoords).toEqual(base.fracCoords);
  });

  test('three factors scale the x, y and z components', () => {
    const scaled = parsePoscar(replaceLine(cuo.poscar, 1, '2.0 1.0 0.5'));
    scaled.lattice.forEach((row, r) => row.forEach((x, k) => expect(x).toBeCloseTo(base.lattice[r]![k]! * [2, 1, 0.5][k]!, 12)));
  });

  test('Cartesian positions are scaled with the lattice: fractional coordinates do not change', () => {
    const text = readFixture('poscar', 'mp-704645-cartesian-selective-velocities-generated.vasp');
    const plain = parsePoscar(text);
    const doubled = parsePoscar(replaceLine(text, 1, '2.0'));
    doubled.lattice.flat().forEach((x, i) => expect(x).toBeCloseTo(2 * plain.lattice.flat()[i]!, 12));
    doubled.fracCoords.flat().forEach((x, i) => expect(x).toBeCloseTo(plain.fracCoords.flat()[i]!, 12));
  });
});

describe('species names', () => {
  test('POTCAR suffixes and VASP 6 hashes are dropped (Cu_pv, O/5a7c…)', () => {
    const structure = parsePoscar(replaceLine(cuo.poscar, 5, 'Cu_pv O/5a7c1e2f'));
    expect(structure.species).toEqual(['Cu', 'Cu', 'O', 'O']);
  });

  test('CRLF line ends and a lower-case direct/cartesian keyword', () => {
    const structure = parsePoscar(cuo.poscar.replace('direct', 'd').replace(/\n/g, '\r\n'));
    expect(structure).toEqual(parsePoscar(cuo.poscar));
  });
});

describe('errors say what to fix, with the line', () => {
  const seedText = cuo.poscar as string;
  const cases: [string, string, RegExp][] = [
    ['an unknown species', replaceLine(seedText, 5, 'Cu Xx'), /^POSCAR line 6: "Xx" is not an element symbol; line 6 lists the species/],
    ['more counts than species', replaceLine(seedText, 6, '2 1 1'), /^POSCAR line 7: line 6 names 2 species \(Cu O\) but line 7 gives 3 counts \(2 1 1\); give one count per species/],
    ['a VASP 4 file whose comment does not name the species', replaceLine(readFixture('poscar', 'mp-704645-vasp4-generated.vasp'), 0, 'tenorite'), /^POSCAR line 6: no species line \(a VASP 4 file\).*write a VASP 5 POSCAR, with the element symbols on line 6/],
    ['a lattice row with a word', replaceLine(seedText, 3, '1.0 abc 2.0'), /^POSCAR line 4: expected a lattice vector \(3 numbers\), found "1.0 abc 2.0"/],
    ['a zero scaling factor', replaceLine(seedText, 1, '0.0'), /^POSCAR line 2: the scaling factor must be non-zero/],
    ['a missing coordinate mode', replaceLine(seedText, 7, '0.5 0.5 0.5'), /^POSCAR line 8: expected the coordinate mode "Direct" or "Cartesian"/],
    ['missing positions', lines(seedText).slice(0, 10).join('\n'), /^POSCAR line 11: the file ends after 2 of 4 positions; the counts on line 7 need one position line per atom/],
    ['a position with two numbers', replaceLine(seedText, 9, '0.1 0.2'), /^POSCAR line 10: expected the position of atom 2 of 4 \(3 numbers\), found "0.1 0.2"/],
    ['a dependent lattice', replaceLine(seedText, 4, lines(seedText)[3]!), /^POSCAR line 3: the lattice vectors on lines 3–5 are not independent/],
    ['an empty file', '\n\n', /^the POSCAR is empty/],
  ];
  test.each(cases)('%s', (_, text, message) => {
    const err = inputError(() => parsePoscar(text));
    expect(err.message).toMatch(message);
    expect(err.field).toBe('file');
  });

  test('the seed CuO POSCAR is what these cases edit', () => {
    expect(structureOfRecord(cuo).species).toEqual(['Cu', 'Cu', 'O', 'O']);
    expect(lines(seedText)[7]).toMatch(/^direct/i);
  });
});
