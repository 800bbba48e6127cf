// Chemical compositions: counting a structure's species, reducing, writing formulas the way pymatgen
// does (`Composition.reduced_formula`: elements by increasing electronegativity, then symbol), and a
// canonical key so that `CuO`, `OCu` and `Cu2O2` all find the same materials.
import { elementBySymbol } from './elements.ts';

export type Composition = Map<string, number>;

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** Element → count of a list of site species. */
export function compositionOfSpecies(species: readonly string[]): Composition {
  const counts: Composition = new Map();
  for (const s of species) counts.set(s, (counts.get(s) ?? 0) + 1);
  return counts;
}

/** Divide all counts by their greatest common divisor (integer counts only). */
export function reduceComposition(composition: Composition): Composition {
  const counts = [...composition.values()];
  if (counts.some((n) => !Number.isInteger(n) || n <= 0)) return new Map(composition);
  const divisor = counts.reduce((g, n) => gcd(g, n), 0) || 1;
  return new Map([...composition].map(([el, n]) => [el, n / divisor]));
}

/** Parse a formula such as `Cu2O`, `CuSO4`, `Ca(OH)2` or `Cu0.5Zn0.5` into element counts. */
export function parseFormula(formula: string): Composition {
  const text = formula.replace(/\s+/g, '');
  let pos = 0;
  const parseGroup = (): Composition => {
    const counts: Composition = new Map();
    while (pos < text.length && text[pos] !== ')') {
      let part: Composition;
      if (text[pos] === '(') {
        pos++;
        part = parseGroup();
        if (text[pos] !== ')') throw new Error(`unbalanced parenthesis in formula "${formula}"`);
        pos++;
      } else {
        const match = /^[A-Z][a-z]?/.exec(text.slice(pos));
        if (!match || !elementBySymbol(match[0])) {
          throw new Error(`"${formula}" is not a chemical formula: expected an element symbol at "${text.slice(pos)}"`);
        }
        pos += match[0].length;
        part = new Map([[match[0], 1]]);
      }
      const amount = /^\d*\.?\d+/.exec(text.slice(pos));
      const factor = amount ? Number(amount[0]) : 1;
      if (amount) pos += amount[0].length;
      for (const [el, n] of part) counts.set(el, (counts.get(el) ?? 0) + n * factor);
    }
    return counts;
  };
  const counts = parseGroup();
  if (pos !== text.length || counts.size === 0) throw new Error(`"${formula}" is not a chemical formula`);
  return counts;
}

const electronegativityOrder = (a: string, b: string): number => {
  const xa = elementBySymbol(a)?.electronegativity ?? Infinity;
  const xb = elementBySymbol(b)?.electronegativity ?? Infinity;
  return xa - xb || (a < b ? -1 : a > b ? 1 : 0);
};

const amountText = (n: number) => (n === 1 ? '' : Number.isInteger(n) ? String(n) : String(Number(n.toFixed(6))));

/** pymatgen-style reduced formula, e.g. `Sm2CuAs3O`, `SmCu(WO4)2`: a port of pymatgen 2022.11
 * `pymatgen.core.composition.reduce_formula` (a final pair of close electronegativity forms a polyanion group). */
export function reducedFormula(composition: Composition): string {
  const symbols = [...composition.keys()].sort(electronegativityOrder);
  const amounts = [...composition.values()];
  const factor = amounts.every(Number.isInteger) ? amounts.reduce((g, n) => gcd(g, n), 0) || 1 : 1;
  let polyanion = '';
  if (symbols.length >= 3) {
    const [second, last] = symbols.slice(-2) as [string, string];
    const gap = (elementBySymbol(last)?.electronegativity ?? NaN) - (elementBySymbol(second)?.electronegativity ?? NaN);
    if (gap < 1.65) {
      const pair = new Map([second, last].map((el) => [el, composition.get(el)! / factor]));
      const pairAmounts = [...pair.values()];
      const pairFactor = pairAmounts.every(Number.isInteger) ? pairAmounts.reduce((g, n) => gcd(g, n), 0) || 1 : 1;
      if (pairFactor !== 1) polyanion = `(${reducedFormula(pair)})${amountText(pairFactor)}`;
    }
  }
  const main = polyanion ? symbols.slice(0, -2) : symbols;
  return main.map((el) => `${el}${amountText(composition.get(el)! / factor)}`).join('') + polyanion;
}

/** Canonical key of the reduced composition: symbols in alphabetical order, every count written (`Cu1O1`). */
export function compositionKey(composition: Composition): string {
  const reduced = reduceComposition(composition);
  return [...reduced.keys()].sort().map((el) => `${el}${Number(reduced.get(el)!.toFixed(6))}`).join('');
}

/** Chemical system: distinct elements, alphabetical, joined by '-' (`Cu-O`). */
export function chemsys(elements: Iterable<string>): string {
  return [...new Set(elements)].sort().join('-');
}

/** Normalise a user's chemical system (`O-Cu`, `Cu-O`) to the stored form; throws on unknown elements. */
export function parseChemsys(text: string): string {
  const elements = text.split('-').map((s) => s.trim());
  for (const el of elements) {
    if (!elementBySymbol(el)) throw new Error(`"${text}" is not a chemical system: "${el}" is not an element symbol (write e.g. "Cu-O")`);
  }
  return chemsys(elements);
}
