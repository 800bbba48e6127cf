// pymatgen XAS JSON: LiCoO2 Co K XANES from pymatgen's test files (MIT; tests/fixtures/spectra/README.md).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSpectrumFile } from '../../src/spectra/parse/index.ts';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'spectra');
const json = fs.readFileSync(path.join(FIXTURES, 'LiCoO2_k_xanes.json'), 'utf8');

/** Linear interpolation of (x, y) at `at`. */
function interp(x: number[], y: number[], at: number): number {
  const i = x.findIndex((v) => v >= at);
  return y[i - 1]! + ((y[i]! - y[i - 1]!) * (at - x[i - 1]!)) / (x[i]! - x[i - 1]!);
}

describe('pymatgen XAS JSON', () => {
  test('LiCoO2 (legacy absorption_element as an Element dict): Co K, 100 points, pymatgen reference values', () => {
    const r = parseSpectrumFile({ text: json });
    expect(r.format).toBe('PYMATGEN_JSON');
    expect(r.energies).toHaveLength(100);
    expect(r.energies[0]).toBe(7713.228);
    expect(r.energies[99]).toBe(7768.39);
    expect([r.absorbingElement, r.edge]).toEqual(['Co', 'K']);
    expect(r.warnings).toEqual(['read the absorbing element from the legacy key "absorption_element"']);
    expect(r.metadata['spectrumType']).toBe('XANES');
    expect(r.metadata['hasStructure']).toBe(true);
    // pymatgen's own test: y interpolated at 7720.422 eV is 0.274302 (±1e-3).
    expect(Math.abs(interp(r.energies, r.mu, 7720.422) - 0.274302)).toBeLessThan(1e-3);
  });

  test('current layout: absorbing_element as a string, spectrum_type kept', () => {
    const d = JSON.parse(json);
    delete d.absorption_element;
    d.absorbing_element = 'Co';
    d.spectrum_type = 'XANES';
    d['@class'] = 'XAS';
    const r = parseSpectrumFile({ text: JSON.stringify(d) });
    expect(r.absorbingElement).toBe('Co');
    expect(r.warnings).toEqual([]);
  });

  test('without element: inferred from the edge energy; with bad arrays: a clear error', () => {
    const d = JSON.parse(json);
    delete d.absorption_element;
    delete d.edge;
    const r = parseSpectrumFile({ text: JSON.stringify(d) });
    expect([r.absorbingElement, r.edge]).toEqual(['Co', 'K']);
    expect(r.warnings[0]).toMatch(/inferred Co K \(7709 eV, XrayDB\) from the edge energy ≈ 7728\.565 eV/);
    d.y[3] = 'oops';
    expect(() => parseSpectrumFile({ text: JSON.stringify(d) })).toThrow('"y" value 4 ("oops") is not a finite number');
    expect(() => parseSpectrumFile({ text: '{"x": [1,2]' })).toThrow(/not valid JSON/);
  });
});
