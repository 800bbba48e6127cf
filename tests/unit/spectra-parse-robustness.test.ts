// Format sniffing, the edge-energy table, and robustness: any input gives a result or an InputError.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../../src/errors.ts';
import { EDGE_ENERGIES, ELEMENT_SYMBOLS } from '../../src/spectra/edge-energies.ts';
import { guessEdge, normalizeEdge, parseSpectrumFile } from '../../src/spectra/parse/index.ts';
import { sniffFormat } from '../../src/spectra/parse/sniff.ts';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'spectra');
const read = (name: string) => fs.readFileSync(path.join(FIXTURES, name), 'utf8');

/** A small deterministic PRNG (mulberry32) so the fuzz cases are reproducible. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function onlyInputErrors(run: () => unknown): void {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
  }
}

describe('sniffing and tables', () => {
  test('AUTO picks the format of each fixture', () => {
    expect(sniffFormat(read('uploadtest.xdi'))).toBe('XDI');
    expect(sniffFormat(read('Hansel2001_greenrust_SO4_xanes_002.xdi'))).toBe('XDI');
    expect(sniffFormat(read('cu.xmu'))).toBe('COLUMNS');
    expect(sniffFormat(read('LiCoO2_k_xanes.json'))).toBe('PYMATGEN_JSON');
    expect(sniffFormat(read('cu-generated.prj'))).toBe('ATHENA_PRJ');
    expect(sniffFormat(read('cu-generated-json.prj'))).toBe('ATHENA_PRJ');
  });

  test('edge table (XrayDB): 98 elements with K edges; guessEdge ports xraydb.guess_edge', () => {
    expect(ELEMENT_SYMBOLS).toHaveLength(98);
    expect(EDGE_ENERGIES['Cu']!['K']).toBe(8979.0);
    expect(EDGE_ENERGIES['Pb']!['L3']).toBe(13035.0);
    expect(ELEMENT_SYMBOLS.every((s) => EDGE_ENERGIES[s]!['K']! > 0)).toBe(true);
    expect(guessEdge(8980)).toMatchObject({ element: 'Cu', edge: 'K' });
    expect(guessEdge(13040)).toMatchObject({ element: 'Pb', edge: 'L3' });
    expect(normalizeEdge('l3')).toBe('L3');
    expect(normalizeEdge('L')).toBeNull();
  });
});

describe('robustness', () => {
  test('empty and non-text input', () => {
    expect(() => parseSpectrumFile({ text: '' })).toThrow('the file is empty');
    expect(() => parseSpectrumFile({})).toThrow(/no file given/);
    expect(() => parseSpectrumFile({ bytes: new Uint8Array([0, 1, 2, 3, 200]) })).toThrow(/binary, not text/);
    expect(() => parseSpectrumFile({ text: read('cu.xmu'), format: 'CSV' as never })).toThrow(/format must be one of/);
    expect(() => parseSpectrumFile({ text: 'x'.repeat(10 * 1024 * 1024 + 1) })).toThrow(/over 10 MB/);
  });

  test('random bytes and random truncations of every fixture never throw anything but InputError', () => {
    const rand = rng(42);
    for (let k = 0; k < 200; k++) {
      const b = new Uint8Array(Math.floor(rand() * 2000));
      for (let i = 0; i < b.length; i++) b[i] = Math.floor(rand() * 256);
      onlyInputErrors(() => parseSpectrumFile({ bytes: b }));
      const printable = Array.from(b, (x) => String.fromCharCode(32 + (x % 95))).join('');
      onlyInputErrors(() => parseSpectrumFile({ text: printable }));
    }
    for (const name of ['uploadtest.xdi', 'cu.xmu', 'LiCoO2_k_xanes.json', 'cu-generated.prj', 'cu-generated-json.prj']) {
      const t = read(name);
      for (let k = 0; k < 60; k++) {
        const cut = Math.floor(rand() * t.length);
        onlyInputErrors(() => parseSpectrumFile({ text: t.slice(0, cut) }));
        const pos = Math.floor(rand() * t.length);
        onlyInputErrors(() => parseSpectrumFile({ text: t.slice(0, pos) + String.fromCharCode(33 + Math.floor(rand() * 90)) + t.slice(pos + 1) }));
      }
    }
  });
});
