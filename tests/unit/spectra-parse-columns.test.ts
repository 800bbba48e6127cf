// Plain column files: Larch's cu.xmu and Lightshow's anatase spectra (tests/fixtures/spectra/README.md).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSpectrumFile } from '../../src/spectra/parse/index.ts';
import { parseColumns } from '../../src/spectra/parse/columns.ts';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'spectra');
const read = (name: string) => fs.readFileSync(path.join(FIXTURES, name), 'utf8');

/** The data rows of cu.xmu re-joined with another delimiter (same numbers, another layout). */
function cuRows(sep: string): string {
  return read('cu.xmu')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => l.trim().split(/\s+/).join(sep))
    .join('\n');
}

describe('plain columns', () => {
  test('cu.xmu (Cu foil, uwxafs): header from the last comment, element inferred as Cu K with a warning', () => {
    const r = parseSpectrumFile({ text: read('cu.xmu') });
    expect(r.format).toBe('COLUMNS');
    expect(r.energies).toHaveLength(612);
    expect(r.energies[0]).toBe(8786.204);
    expect(r.energies[611]).toBe(11362.47);
    expect(r.mu[0]).toBe(1.013661);
    expect(r.metadata['columns']).toEqual(['energy', 'mu']);
    expect([r.absorbingElement, r.edge]).toEqual(['Cu', 'K']);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(/inferred Cu K \(8979 eV, XrayDB\) from the edge energy ≈ 8977\.58 eV/);
  });

  test('the element given in the input is used without inference', () => {
    const r = parseSpectrumFile({ text: read('cu.xmu'), absorbingElement: 'cu', edge: 'k' });
    expect([r.absorbingElement, r.edge]).toEqual(['Cu', 'K']);
    expect(r.warnings).toEqual([]);
  });

  test.each([
    ['comma', ', '],
    ['tab', '\t'],
    ['semicolon', ';'],
  ])('%s-delimited with a text header row reads the same numbers', (_, sep) => {
    const r = parseSpectrumFile({ text: `energy${sep}mu\n${cuRows(sep)}\n`, format: 'COLUMNS' });
    expect(r.energies).toHaveLength(612);
    expect(r.energies[0]).toBe(8786.204);
    expect(r.mu[611]).toBe(1.344309);
    expect(r.metadata['columns']).toEqual(['energy', 'mu']);
  });

  test('decimal commas with ";" between values are read, with a warning', () => {
    const text = cuRows(';').replace(/[^;\n]+/g, (c) => String(Number(c)).replace('.', ','));
    const r = parseColumns(text);
    expect(r.energies[0]).toBe(8786.204);
    expect(r.warnings).toContain('read "," as the decimal mark');
  });

  test('anatase experiment (Lightshow): 3 inversions sorted with a warning, Ti K inferred', () => {
    const r = parseSpectrumFile({ text: read('anatase_exp.txt') });
    expect(r.energies).toHaveLength(161);
    expect(r.energies[0]).toBe(4965.485243);
    expect(r.energies[160]).toBe(5004.754624);
    for (let i = 1; i < r.energies.length; i++) expect(r.energies[i]!).toBeGreaterThan(r.energies[i - 1]!);
    expect(r.warnings[0]).toBe('energies were not in increasing order (3 steps backwards); sorted them');
    expect([r.absorbingElement, r.edge]).toEqual(['Ti', 'K']);
  });

  test('exact duplicate energies are merged (mu averaged) with a warning', () => {
    const lines = read('anatase_theory_FEFF.txt').trim().split('\n');
    const dup = [...lines.slice(0, 10), lines[9]!.replace(/\s\S+$/, ' 1.0'), ...lines.slice(10)].join('\n');
    const r = parseSpectrumFile({ text: dup, absorbingElement: 'Ti', edge: 'K' });
    expect(r.energies).toHaveLength(100);
    const original = Number(lines[9]!.trim().split(/\s+/)[1]);
    expect(r.mu[9]).toBeCloseTo((original + 1) / 2, 12);
    expect(r.warnings).toContain('merged 1 point with a repeated energy (mu averaged)');
  });

  test('keV energies without units are converted when the declared edge fits', () => {
    const text = cuRows(' ').replace(/^(\S+)/gm, (e) => String(Number(e) / 1000));
    const r = parseSpectrumFile({ text, absorbingElement: 'Cu', edge: 'K' });
    expect(r.energies[0]).toBeCloseTo(8786.204, 6);
    expect(r.warnings[0]).toMatch(/look like keV/);
  });

  test('errors say what to fix', () => {
    expect(() => parseSpectrumFile({ text: 'energy,mu\n8979,1\n8980,x\n' })).toThrow('line 3, column 2: "x" is not a number');
    expect(() => parseSpectrumFile({ text: cuRows(' ').replace('.8796258E+04', '-3') })).toThrow('energy must be positive; found -3 at point 2');
    expect(() => parseSpectrumFile({ text: '8979 1\n8980 2\n' })).toThrow('at least 20 distinct energies; found 2');
    expect(() => parseSpectrumFile({ text: read('anatase_exp.txt'), absorbingElement: 'Cu', edge: 'K' })).toThrow(/Cu K edge \(8979 eV\) is outside the energy range/);
    expect(() => parseSpectrumFile({ text: read('anatase_exp.txt'), absorbingElement: 'Cu' })).toThrow(/contains no Cu edge \(K 8979 eV, L3 932.7 eV/);
    expect(() => parseSpectrumFile({ text: read('cu.xmu'), absorbingElement: 'Xx' })).toThrow('absorbingElement "Xx" is not an element symbol');
    expect(() => parseSpectrumFile({ text: 'hello world\n' })).toThrow(/no numeric data rows/);
  });
});
