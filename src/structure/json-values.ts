// Checks of values read from users' JSON (pymatgen dicts, GraphQL inputs): each failure is an InputError
// whose message names the field and says what was found. Shared by the structure parsers and the
// catalogue's document ingest (src/catalog/ingest-documents.ts).
import { InputError } from '../errors.ts';
import { isElementSymbol } from './elements.ts';

export type JsonObject = Record<string, unknown>;

export const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

function fail(message: string, field: string): never {
  throw new InputError(message, field);
}

/** A short description of a value for error messages: `missing`, `a list of 3`, `string "abc"`. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  const text = typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? String(value));
  return `${typeof value} ${text.length > 40 ? `${text.slice(0, 40)}…` : text}`;
}

/** Numbers of a JSON list, or of monty's numpy form `{"@module": "numpy", "@class": "array", "data": [...]}`. */
export function numberList(value: unknown, field: string, quantity: string): number[] {
  let list = value;
  if (isObject(value) && value['@module'] === 'numpy' && Array.isArray(value.data)) {
    if (typeof value.dtype === 'string' && value.dtype.startsWith('complex')) fail(`${field} is a complex array; ${quantity} must be real numbers`, field);
    list = value.data;
  }
  if (!Array.isArray(list)) fail(`${field} (${quantity}) must be a list of numbers, found ${describeValue(value)}`, field);
  for (let i = 0; i < list.length; i++) {
    const x = list[i];
    if (typeof x !== 'number' || !Number.isFinite(x)) {
      fail(`${quantity} must be finite numbers; ${field}[${i}] is ${describeValue(x)}`, field);
    }
  }
  return list as number[];
}

/** Symbol written with the usual capitals (`CU` → `Cu`), for hints. */
export const capitalizedSymbol = (text: string) => (text.length > 0 ? text[0]!.toUpperCase() + text.slice(1).toLowerCase() : text);

/** An element symbol given as a string or as pymatgen's MSON dict (`{"@class": "Element", "element": "Cu"}`). */
export function elementSymbol(value: unknown, field: string): string {
  const symbol = isObject(value) ? value.element : value;
  if (typeof symbol !== 'string') fail(`${field} must be an element symbol such as "Cu" (or a pymatgen Element dict), found ${describeValue(value)}`, field);
  if (!isElementSymbol(symbol)) {
    const hint = isElementSymbol(capitalizedSymbol(symbol)) ? ` (write "${capitalizedSymbol(symbol)}")` : '';
    fail(`${field} "${symbol}" is not an element symbol${hint}`, field);
  }
  return symbol;
}
