// CIF 1.1 syntax → data blocks of tagged items and loops. Grammar from the IUCr "CIF 1.1 syntax specification"
// (https://www.iucr.org/resources/cif/spec/version1.1/cifsyntax), the subset real files use:
//  - `data_<name>` starts a block; `global_` and `save_` frames are read and ignored;
//  - `_tag value` items and `loop_ _tag1 _tag2 … v1 v2 …` tables; tags are case-insensitive;
//  - values: bare words, 'single' or "double" quoted strings (a quote closes only when followed by
//    whitespace or the end of the line), and `;` text fields (a line starting with `;` opens and closes them);
//  - `#` starts a comment outside values; bare `?` (unknown) and `.` (inapplicable) are null values.
// DDL2 tags (`_cell.length_a`, mmCIF and CIF 2 style) are read as their DDL1 twins (`_cell_length_a`).
import { InputError } from '../errors.ts';

/** One value and where it stands. `quoted` values are never null (`'?'` is the text "?"). */
export interface CifValue {
  text: string;
  quoted: boolean;
  line: number;
}

/** A `loop_`: its tags (normalised) and rows of one value per tag. */
export interface CifLoop {
  tags: string[];
  rows: CifValue[][];
  line: number;
}

/** A `data_` block: single items by normalised tag, and loops in file order. */
export interface CifBlock {
  name: string;
  line: number;
  items: Map<string, CifValue>;
  loops: CifLoop[];
}

interface Token extends CifValue {}

function fail(line: number, message: string): never {
  throw new InputError(`CIF line ${line}: ${message}`, 'file');
}

/** `_Cell.Length_A` → `_cell_length_a`. */
export const normalizeTag = (tag: string) => tag.toLowerCase().replace(/\./g, '_');

/** Bare `?` or `.`: no value given. */
export const isNullValue = (value: CifValue) => !value.quoted && (value.text === '?' || value.text === '.');

/** A CIF number: `5.431`, `-.15124`, `1.`, `1e-3`, with an optional standard uncertainty `5.431(2)` (dropped). */
const CIF_NUMBER = /^([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(?:\(\d+\))?$/;

/** The number a value holds (standard uncertainty dropped), or null if it is not a number. */
export function cifNumber(value: CifValue): number | null {
  const match = CIF_NUMBER.exec(value.text);
  return match ? Number(match[1]) : null;
}

const isWhitespace = (c: string | undefined) => c === ' ' || c === '\t' || c === '\n' || c === '\v' || c === '\f';

function tokenize(source: string): Token[] {
  const text = source.replace(/\r\n?/g, '\n');
  const tokens: Token[] = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\n') {
      line++;
      i++;
    } else if (isWhitespace(c)) {
      i++;
    } else if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === ';' && (i === 0 || text[i - 1] === '\n')) {
      const start = line;
      const close = text.indexOf('\n;', i);
      if (close === -1) fail(start, 'this ";" text field is never closed: end it with a line that starts with ";"');
      const body = text.slice(i + 1, close);
      tokens.push({ text: body.trim(), quoted: true, line: start });
      line += body.split('\n').length;
      i = close + 2;
    } else if (c === "'" || c === '"') {
      let end = i + 1;
      while (end < text.length && text[end] !== '\n' && !(text[end] === c && (end + 1 === text.length || isWhitespace(text[end + 1])))) end++;
      if (end >= text.length || text[end] !== c) fail(line, `the string starting ${text.slice(i, Math.min(i + 20, end))}… is not closed on its line (close it with ${c} followed by a space)`);
      tokens.push({ text: text.slice(i + 1, end), quoted: true, line });
      i = end + 1;
    } else {
      let end = i;
      while (end < text.length && !isWhitespace(text[end])) end++;
      tokens.push({ text: text.slice(i, end), quoted: false, line });
      i = end;
    }
  }
  return tokens;
}

const RESERVED = /^(data_|loop_$|save_|global_$|stop_$)/i;
const isTag = (t: Token | undefined) => t !== undefined && !t.quoted && t.text.startsWith('_');
const isKeyword = (t: Token | undefined) => t !== undefined && !t.quoted && (t.text.startsWith('_') || RESERVED.test(t.text));

/** The data blocks of a CIF text, in file order. Throws an InputError with the line of the first syntax error. */
export function parseCifSyntax(text: string): CifBlock[] {
  const tokens = tokenize(text);
  const blocks: CifBlock[] = [];
  let block: CifBlock | null = null;
  const current = (line: number): CifBlock => {
    if (!block) {
      // Items before any data_ header: read them as an unnamed block (lenient; CIF requires data_).
      block = { name: '', line, items: new Map(), loops: [] };
      blocks.push(block);
    }
    return block;
  };
  let i = 0;
  while (i < tokens.length) {
    const token = tokens[i]!;
    const word = token.quoted ? '' : token.text.toLowerCase();
    if (word.startsWith('data_')) {
      block = { name: token.text.slice(5), line: token.line, items: new Map(), loops: [] };
      blocks.push(block);
      i++;
    } else if (word.startsWith('save_')) {
      // A save frame (dictionaries): skipped up to its closing bare `save_`.
      i++;
      while (i < tokens.length && !(!tokens[i]!.quoted && tokens[i]!.text.toLowerCase() === 'save_')) i++;
      i++;
    } else if (word === 'global_' || word === 'stop_') {
      i++;
    } else if (word === 'loop_') {
      const tags: string[] = [];
      i++;
      while (isTag(tokens[i])) tags.push(normalizeTag(tokens[i++]!.text));
      if (tags.length === 0) fail(token.line, 'loop_ must be followed by its tags (_name …) and then the values');
      const values: CifValue[] = [];
      while (i < tokens.length && !isKeyword(tokens[i])) values.push(tokens[i++]!);
      if (values.length % tags.length !== 0) {
        fail(token.line, `the loop of ${tags.join(' ')} has ${values.length} values, not a whole number of rows of ${tags.length}: a value is missing or a string with spaces is not quoted`);
      }
      const rows: CifValue[][] = [];
      for (let r = 0; r < values.length; r += tags.length) rows.push(values.slice(r, r + tags.length));
      current(token.line).loops.push({ tags, rows, line: token.line });
    } else if (isTag(token)) {
      const value = tokens[i + 1];
      if (value === undefined || isKeyword(value)) fail(token.line, `${token.text} has no value (write ? if it is unknown)`);
      current(token.line).items.set(normalizeTag(token.text), value);
      i += 2;
    } else {
      fail(token.line, `unexpected value "${token.text}": values follow a tag (_name value) or the tags of a loop_ (a string with spaces must be quoted)`);
    }
  }
  return blocks;
}

/**
 * The rows of a category as tag → value maps: from the loop that holds `keyTag`, or, when the block gives
 * that tag as a single item, one row of the block's single items. Empty if the block lacks `keyTag`.
 */
export function categoryRows(block: CifBlock, keyTag: string): Map<string, CifValue>[] {
  const loop = block.loops.find((l) => l.tags.includes(keyTag));
  if (loop) return loop.rows.map((row) => new Map(loop.tags.map((tag, k) => [tag, row[k]!])));
  return block.items.has(keyTag) ? [block.items] : [];
}
