// Where things are in a JSON text: line numbers of character offsets, the position and cause of a syntax
// error (JSON.parse does not say where on every Node version), and where each element of a top-level
// array starts. Used to point users at the line of their file that needs fixing.

/** A JSON syntax error: its character offset and what is wrong there. */
export interface JsonSyntaxError {
  offset: number;
  message: string;
}

/** What `scanJson` found: the syntax error, if any, and where each top-level array element starts. */
export interface JsonScan {
  error: JsonSyntaxError | null;
  /** Offset of each element of a top-level array (empty when the top-level value is not an array). */
  elementOffsets: number[];
  /** Offset just past the first top-level value (also set when an error follows that value). */
  firstValueEnd: number | null;
}

/** 1-based line number of a character offset (lines end at \n; \r\n counts once). */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  const end = Math.min(offset, text.length);
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** 1-based column of a character offset within its line. */
export function columnAt(text: string, offset: number): number {
  return offset - (text.lastIndexOf('\n', offset - 1) + 1) + 1;
}

class ScanError extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

const describe = (text: string, pos: number) => (pos >= text.length ? 'the end of the file' : JSON.stringify(text[pos]));

/**
 * Check `text` against the JSON grammar (RFC 8259) without building values. Cheap enough to run after
 * JSON.parse failed, or over a valid array to learn where its elements start.
 */
export function scanJson(text: string): JsonScan {
  let pos = 0;
  let depth = 0;
  const elementOffsets: number[] = [];
  let firstValueEnd: number | null = null;

  const fail = (message: string, at = pos): never => {
    throw new ScanError(at, message);
  };
  const skipWhitespace = () => {
    while (pos < text.length) {
      const c = text.charCodeAt(pos);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) pos++;
      else break;
    }
  };
  const expectWord = (word: string) => {
    if (text.startsWith(word, pos)) pos += word.length;
    else fail(`unexpected ${describe(text, pos)}: expected a JSON value`);
  };
  const scanString = () => {
    const start = pos;
    pos++; // opening quote
    for (;;) {
      if (pos >= text.length) fail('unterminated string (the file looks truncated)', start);
      const c = text.charCodeAt(pos);
      if (c === 0x22) {
        pos++;
        return;
      }
      if (c < 0x20) fail('control character inside a string (a string cannot span lines)');
      if (c === 0x5c) {
        const next = text[pos + 1];
        if (next === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(pos + 2, pos + 6))) fail('bad \\u escape: expected 4 hex digits');
          pos += 6;
        } else if (next !== undefined && '"\\/bfnrt'.includes(next)) pos += 2;
        else fail(`bad escape \\${next ?? ''} in a string`);
      } else pos++;
    }
  };
  const scanNumber = () => {
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(pos, pos + 400));
    if (!match) {
      if (text.startsWith('-Infinity', pos)) fail('-Infinity is not valid JSON (Python writes it for an infinite float): replace it with a number');
      fail(`malformed number starting ${JSON.stringify(text.slice(pos, pos + 12))}`);
    }
    pos += match![0].length;
  };
  const scanValue = (): void => {
    skipWhitespace();
    if (pos >= text.length) fail('unexpected end of the file: expected a JSON value (the file looks truncated)');
    const c = text[pos]!;
    if (c === '{') return scanObject();
    if (c === '[') return scanArray();
    if (c === '"') return scanString();
    if (c === '-' || (c >= '0' && c <= '9')) return scanNumber();
    if (c === 't') return expectWord('true');
    if (c === 'f') return expectWord('false');
    if (c === 'n') return expectWord('null');
    if (text.startsWith('NaN', pos)) fail('NaN is not valid JSON (Python writes it for a missing float): replace it with a number or leave the point out');
    if (text.startsWith('Infinity', pos)) fail('Infinity is not valid JSON (Python writes it for an infinite float): replace it with a number');
    fail(`unexpected ${describe(text, pos)}: expected a JSON value`);
  };
  const scanObject = () => {
    pos++;
    depth++;
    skipWhitespace();
    if (text[pos] === '}') {
      pos++;
      depth--;
      return;
    }
    for (;;) {
      skipWhitespace();
      if (pos >= text.length) fail('unexpected end of the file inside an object (the file looks truncated)');
      if (text[pos] !== '"') fail(`unexpected ${describe(text, pos)}: expected a double-quoted property name`);
      scanString();
      skipWhitespace();
      if (text[pos] !== ':') fail(`unexpected ${describe(text, pos)}: expected ':' after a property name`);
      pos++;
      scanValue();
      skipWhitespace();
      if (text[pos] === ',') {
        pos++;
        continue;
      }
      if (text[pos] === '}') {
        pos++;
        depth--;
        return;
      }
      fail(
        pos >= text.length
          ? 'unexpected end of the file inside an object (the file looks truncated)'
          : `unexpected ${describe(text, pos)}: expected ',' or '}' in an object`,
      );
    }
  };
  const scanArray = () => {
    const topLevel = depth === 0;
    pos++;
    depth++;
    skipWhitespace();
    if (text[pos] === ']') {
      pos++;
      depth--;
      return;
    }
    for (;;) {
      skipWhitespace();
      if (topLevel) elementOffsets.push(pos);
      scanValue();
      skipWhitespace();
      if (text[pos] === ',') {
        pos++;
        continue;
      }
      if (text[pos] === ']') {
        pos++;
        depth--;
        return;
      }
      fail(
        pos >= text.length
          ? 'unexpected end of the file inside an array (the file looks truncated)'
          : `unexpected ${describe(text, pos)}: expected ',' or ']' in an array`,
      );
    }
  };

  try {
    scanValue();
    firstValueEnd = pos;
    skipWhitespace();
    if (pos < text.length) fail(`unexpected ${describe(text, pos)} after the end of the JSON value`);
    return { error: null, elementOffsets, firstValueEnd };
  } catch (err) {
    if (err instanceof ScanError) return { error: { offset: err.offset, message: err.message }, elementOffsets, firstValueEnd };
    if (err instanceof RangeError) return { error: { offset: pos, message: 'nested too deeply' }, elementOffsets, firstValueEnd };
    throw err;
  }
}
