// Format detection (`format: AUTO`) from the decoded text: XDI version line (or XDI fields), the Athena marker Larch
// tests (first 500 characters), a JSON object with x/y, else plain columns.
import { ATHENA_MARKER } from './athena.ts';
import type { SpectrumFormat } from './types.ts';

/** The format `text` most likely is. */
export function sniffFormat(text: string): SpectrumFormat {
  const head = text.slice(0, 500);
  if (head.includes(ATHENA_MARKER)) return 'ATHENA_PRJ';
  const start = text.trimStart();
  if (/^#\s*XDI\//i.test(start)) return 'XDI';
  // XDI's defined fields without its version line: an XDI file missing line 1, which the XDI parser then names.
  if (/^#\s*(Element\.symbol|Element\.edge|Column\.1)\s*:/im.test(head)) return 'XDI';
  if (start.startsWith('{')) return 'PYMATGEN_JSON';
  return 'COLUMNS';
}
