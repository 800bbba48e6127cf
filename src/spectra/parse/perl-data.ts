// A tokenizer and statement reader for the Perl `Data::Dumper` text of Athena project files.
// It NEVER evaluates anything: it recognises only `$name = scalar;`, `@name = (list);` and `[record]`,
// and skips every other statement. Lists may nest `[...]`/`{...}` (kept as arrays).
import { InputError } from '../../errors.ts';

/** A Perl literal as read: a string, a number, `undef` (null) or a nested list. */
export type PerlValue = string | number | null | PerlValue[];

/** One recognised statement. */
export type PerlStatement =
  | { kind: 'scalar'; name: string; value: PerlValue }
  | { kind: 'list'; name: string; values: PerlValue[] }
  | { kind: 'record' };

/** Deeper nesting than this is not Athena data; the statement is skipped. */
const MAX_DEPTH = 16;

type Token =
  | { t: 'var'; sigil: '$' | '@' | '%'; name: string }
  | { t: 'str'; v: string }
  | { t: 'word'; v: string }
  | { t: 'punct'; v: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const n = text.length;
  let i = 0;
  let line = 1;
  while (i < n) {
    const ch = text[i]!;
    if (ch === '\n') {
      line++;
      i++;
    } else if (ch === ' ' || ch === '\t' || ch === '\r') {
      i++;
    } else if (ch === '#') {
      while (i < n && text[i] !== '\n') i++;
    } else if (ch === "'" || ch === '"') {
      const start = line;
      let out = '';
      i++;
      while (i < n && text[i] !== ch) {
        if (text[i] === '\\' && i + 1 < n) {
          const next = text[i + 1]!;
          out += ch === '"' && next === 'n' ? '\n' : next;
          i += 2;
        } else {
          if (text[i] === '\n') line++;
          out += text[i];
          i++;
        }
      }
      if (i >= n) throw new InputError(`Athena project: unterminated string starting at line ${start}`);
      i++;
      tokens.push({ t: 'str', v: out });
    } else if ((ch === '$' || ch === '@' || ch === '%') && /[A-Za-z_]/.test(text[i + 1] ?? '')) {
      let j = i + 1;
      while (j < n && /\w/.test(text[j]!)) j++;
      tokens.push({ t: 'var', sigil: ch, name: text.slice(i + 1, j) });
      i = j;
    } else if (/[\w.+-]/.test(ch)) {
      let j = i;
      while (j < n && /[\w.+-]/.test(text[j]!)) j++;
      tokens.push({ t: 'word', v: text.slice(i, j) });
      i = j;
    } else if (ch === '=' && text[i + 1] === '>') {
      tokens.push({ t: 'punct', v: ',' });
      i += 2;
    } else {
      tokens.push({ t: 'punct', v: ch });
      i++;
    }
  }
  return tokens;
}

function wordValue(word: string): PerlValue {
  if (word === 'undef') return null;
  const value = Number(word);
  return word !== '' && Number.isFinite(value) ? value : word;
}

/** Reads the recognised statements of Perl data text, in order. */
export function readPerlStatements(text: string): PerlStatement[] {
  const tokens = tokenize(text);
  const out: PerlStatement[] = [];
  let i = 0;
  const skipStatement = () => {
    while (i < tokens.length && !(tokens[i]!.t === 'punct' && (tokens[i] as { v: string }).v === ';')) i++;
    i++;
  };
  const isPunct = (k: number, v: string) => {
    const tok = tokens[k];
    return tok !== undefined && tok.t === 'punct' && tok.v === v;
  };
  // Reads a list starting at an opening bracket; returns the values and moves past the closing bracket.
  const readList = (close: string, depth = 0): PerlValue[] | null => {
    if (depth > MAX_DEPTH) return null;
    const values: PerlValue[] = [];
    i++;
    while (i < tokens.length) {
      const tok = tokens[i]!;
      if (tok.t === 'punct' && tok.v === close) {
        i++;
        return values;
      }
      if (tok.t === 'punct' && tok.v === ',') {
        i++;
      } else if (tok.t === 'punct' && (tok.v === '[' || tok.v === '{' || tok.v === '(')) {
        const inner = readList(tok.v === '[' ? ']' : tok.v === '{' ? '}' : ')', depth + 1);
        if (inner === null) return null;
        values.push(inner);
      } else if (tok.t === 'str') {
        values.push(tok.v);
        i++;
      } else if (tok.t === 'word') {
        values.push(wordValue(tok.v));
        i++;
      } else {
        return null;
      }
    }
    return null;
  };

  while (i < tokens.length) {
    const tok = tokens[i]!;
    if (tok.t === 'punct' && tok.v === '[' && tokens[i + 1]?.t === 'word' && (tokens[i + 1] as { v: string }).v === 'record' && isPunct(i + 2, ']')) {
      out.push({ kind: 'record' });
      i += 3;
      continue;
    }
    if (tok.t === 'var' && isPunct(i + 1, '=')) {
      i += 2;
      const value = tokens[i];
      if (tok.sigil === '$' && value && (value.t === 'str' || value.t === 'word') && isPunct(i + 1, ';')) {
        out.push({ kind: 'scalar', name: tok.name, value: value.t === 'str' ? value.v : wordValue(value.v) });
        i += 2;
        continue;
      }
      if (tok.sigil === '@' && isPunct(i, '(')) {
        const values = readList(')');
        if (values !== null && isPunct(i, ';')) {
          out.push({ kind: 'list', name: tok.name, values });
          i++;
          continue;
        }
      }
    }
    skipStatement();
  }
  return out;
}
