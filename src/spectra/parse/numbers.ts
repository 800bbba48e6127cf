// Strict number reading for data cells: C/IEEE-754 notation only (XDI 1.0 spec, "Data section"),
// plus Fortran's `D` exponent that old XAFS files use. No locale, no NaN/Infinity words, no "1.2.3".

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eEdD][+-]?\d+)?$/;

/** The value of `token`, or null when it is not a plain decimal number. */
export function parseNumber(token: string): number | null {
  if (!NUMBER.test(token)) return null;
  const value = Number(token.replace(/[dD]/, 'e'));
  return Number.isFinite(value) ? value : null;
}

/** Splits text into lines on LF, CRLF or CR (all allowed by the XDI spec). */
export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

/** A short, printable excerpt of a token for error messages. */
export function quote(token: string): string {
  const shown = token.length > 24 ? `${token.slice(0, 24)}…` : token;
  return JSON.stringify(shown);
}
