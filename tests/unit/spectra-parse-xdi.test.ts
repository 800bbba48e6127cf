// XDI parsing on real XAS Data Library files (tests/fixtures/spectra, see its README for provenance).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../../src/errors.ts';
import { parseSpectrumFile } from '../../src/spectra/parse/index.ts';
import { parseXdi } from '../../src/spectra/parse/xdi.ts';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'spectra');
const read = (name: string) => fs.readFileSync(path.join(FIXTURES, name), 'utf8');

describe('XDI', () => {
  test('CuO (XDI/1.0, raw i0/itrans): transmission mu = ln(i0/itrans), Cu K from the header', () => {
    const r = parseSpectrumFile({ text: read('CuO_tenorite_13K_01.xdi') });
    expect(r.format).toBe('XDI');
    expect(r.energies).toHaveLength(398);
    expect(r.energies[0]).toBe(8760.019);
    expect(r.energies[397]).toBe(9638.887);
    expect(r.mu[0]).toBeCloseTo(Math.log(46739.301 / 214243.319029), 12);
    expect(r.absorbingElement).toBe('Cu');
    expect(r.edge).toBe('K');
    expect(r.warnings).toEqual([]);
    expect(r.metadata['muSource']).toBe('ln(i0/itrans)');
    expect(r.metadata['columns']).toEqual(['energy', 'i0', 'itrans', 'irefer']);
    expect((r.metadata['fields'] as Record<string, string>)['sample.formula']).toBe('CuO');
  });

  test('SrO (mutrans and mufluor): uses mutrans and says so', () => {
    const r = parseSpectrumFile({ text: read('SrO_rt_01.xdi') });
    expect(r.energies).toHaveLength(331);
    expect(r.energies[0]).toBe(15699.933);
    expect(r.mu[0]).toBe(-1.6272269);
    expect(r.absorbingElement).toBe('Sr');
    expect(r.edge).toBe('K');
    expect(r.warnings).toEqual(['the file has several mu columns (mutrans, mufluor); used mutrans']);
  });

  test('CaSO4 S K (fluorescence only): mu = ifluor/i0', () => {
    const r = parseSpectrumFile({ text: read('CaSO4_rt_01.xdi') });
    expect(r.energies).toHaveLength(229);
    expect(r.energies[0]).toBe(2449.999);
    expect(r.energies[228]).toBe(2550);
    expect(r.mu[0]).toBeCloseTo(20567.7612 / 312776.0, 12);
    expect([r.absorbingElement, r.edge]).toEqual(['S', 'K']);
    expect(r.metadata['muSource']).toBe('ifluor/i0');
    expect(r.metadata['xdiVersion']).toBe('1.1');
  });

  test('uploadtest (Fortran E-notation mutrans) and an XDI/1.1 GSE file', () => {
    const fe = parseSpectrumFile({ text: read('uploadtest.xdi') });
    expect(fe.energies).toHaveLength(412);
    expect(fe.mu[0]).toBeCloseTo(-0.03599259, 12);
    expect([fe.absorbingElement, fe.edge]).toEqual(['Fe', 'K']);
    const gr = parseSpectrumFile({ text: read('Hansel2001_greenrust_SO4_xanes_002.xdi') });
    expect(gr.energies).toHaveLength(125);
    expect(gr.energies[0]).toBe(7062.003);
    expect(gr.mu[0]).toBeCloseTo(Math.log(99816.5 / 185267.5), 12);
    expect(gr.metadata['applications']).toBe('GSE/1.0');
  });

  test('keV in Column.1 is converted to eV (the CuO file with its energies rewritten in keV)', () => {
    const text = read('CuO_tenorite_13K_01.xdi')
      .replace('# Column.1: energy eV', '# Column.1: energy keV')
      .replace(/^(\s+)(\d+\.\d+)/gm, (_, sp: string, e: string) => `${sp}${(Number(e) / 1000).toFixed(7)}`);
    const r = parseSpectrumFile({ text });
    expect(r.energies[0]).toBeCloseTo(8760.019, 6);
    expect(r.energies).toHaveLength(398);
  });

  test('mono angle with d-spacing becomes energy (Bragg); without d-spacing it is refused', () => {
    const base = read('CuO_tenorite_13K_01.xdi').replace('# Column.1: energy eV', '# Column.1: angle degrees');
    const withAngles = base.replace(/^(\s+)(\d+\.\d+)/gm, (_, sp: string, e: string) => {
      const theta = (Math.asin(12398.419843 / (2 * 1.92009 * Number(e))) * 180) / Math.PI;
      return `${sp}${theta.toFixed(10)}`;
    });
    expect(parseXdi(withAngles).energies[0]).toBeCloseTo(8760.019, 4);
    expect(() => parseXdi(withAngles.replace(/# Mono.d_spacing.*\n/, ''))).toThrow(/Mono.d_spacing/);
  });

  test('bad XDI: no version line, ragged rows, non-numeric cells, no mu columns', () => {
    const cuo = read('CuO_tenorite_13K_01.xdi');
    expect(() => parseXdi(cuo.replace('# XDI/1.0', '# hello'))).toThrow('line 1 must start with "# XDI/1.0"');
    expect(() => parseXdi(cuo.replace('8770.0090  46288.301000', '8770.0090'))).toThrow(/line 28 has 3 values, expected 4/);
    expect(() => parseXdi(cuo.replace('8770.0090', 'NaN'))).toThrow(/line 28, column 1: "NaN" is not a number/);
    expect(() => parseXdi(cuo.replace('# Column.3: itrans', '# Column.3: other'))).toThrow(InputError);
  });
});
