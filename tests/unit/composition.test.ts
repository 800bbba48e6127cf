import { chemsys, compositionKey, compositionOfSpecies, parseChemsys, parseFormula, reducedFormula } from '../../src/structure/composition.ts';
import { seedRecords } from '../support/seed.ts';

describe('formulas', () => {
  test('parse simple, nested and fractional formulas', () => {
    expect(Object.fromEntries(parseFormula('Cu2O'))).toEqual({ Cu: 2, O: 1 });
    expect(Object.fromEntries(parseFormula('Ca(OH)2'))).toEqual({ Ca: 1, O: 2, H: 2 });
    expect(Object.fromEntries(parseFormula('Cu0.5Zn0.5'))).toEqual({ Cu: 0.5, Zn: 0.5 });
    expect(Object.fromEntries(parseFormula('CuSO4·'.replace('·', '')))).toEqual({ Cu: 1, S: 1, O: 4 });
  });

  test('reject what is not a formula, saying where', () => {
    expect(() => parseFormula('Cu(O')).toThrow(/unbalanced parenthesis/);
    expect(() => parseFormula('CuQ2')).toThrow(/expected an element symbol at "Q2"/);
    expect(() => parseFormula('')).toThrow(/not a chemical formula/);
  });

  test('one key for every way of writing a reduced composition', () => {
    const key = compositionKey(parseFormula('CuO'));
    expect(key).toBe('Cu1O1');
    expect(compositionKey(parseFormula('OCu'))).toBe(key);
    expect(compositionKey(parseFormula('Cu4O4'))).toBe(key);
    expect(compositionKey(parseFormula('Cu2O'))).not.toBe(key);
  });

  test('reduced formulas equal pymatgen’s for all 2,697 seed structures', () => {
    const mismatches = seedRecords()
      .map((r) => [r.formula_reduced, reducedFormula(compositionOfSpecies(r.sites.map((s: any) => s.species)))])
      .filter(([expected, actual]) => expected !== actual);
    expect(mismatches).toEqual([]);
  });

  test('chemical systems', () => {
    expect(chemsys(['O', 'Cu', 'O'])).toBe('Cu-O');
    expect(parseChemsys('O-Cu')).toBe('Cu-O');
    expect(() => parseChemsys('Cu-Oo')).toThrow(/"Oo" is not an element symbol/);
  });
});
