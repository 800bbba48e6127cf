// Bytes or text → text: size limits, gzip (magic 1f 8b, also sent as base64 "H4sI…"), binary rejection.
import { gunzipSync } from 'node:zlib';
import { InputError } from '../../errors.ts';

/** Largest upload accepted (issue 3, "Bad input"). */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;
/** Largest size a gzip file may inflate to (gzip-bomb guard). */
export const MAX_INFLATED_BYTES = 50 * 1024 * 1024;

function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

function gunzip(bytes: Uint8Array): Uint8Array {
  try {
    return gunzipSync(bytes, { maxOutputLength: MAX_INFLATED_BYTES });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError) {
      throw new InputError(`the gzip file inflates past ${MAX_INFLATED_BYTES / 1024 / 1024} MB; send a smaller file`, 'file');
    }
    throw new InputError(`the file looks gzip-compressed but cannot be decompressed (${err.message}); is it truncated?`, 'file');
  }
}

/** The text of a file given as text or bytes; gzip is inflated. Throws `InputError` for binary or oversized input. */
export function decodeFile(input: { text?: string; bytes?: Uint8Array }): { text: string; gzipped: boolean } {
  let bytes: Uint8Array | null = input.bytes ?? null;
  if (bytes === null) {
    const text = input.text;
    if (text === undefined || text === null) throw new InputError('no file given: send the file as text or bytes', 'file');
    if (text.length > MAX_FILE_BYTES) throw new InputError(`the file is over ${MAX_FILE_BYTES / 1024 / 1024} MB`, 'file');
    const t = text.trim();
    if (!t.startsWith('H4sI') || !/^[A-Za-z0-9+/=\s]+$/.test(t)) return { text: stripBom(text), gzipped: false };
    bytes = Buffer.from(t, 'base64'); // gzip sent as base64, as the GraphQL `file` field allows
  }
  if (bytes.length > MAX_FILE_BYTES) throw new InputError(`the file is over ${MAX_FILE_BYTES / 1024 / 1024} MB`, 'file');
  const gzipped = isGzip(bytes);
  if (gzipped) bytes = gunzip(bytes);
  const sample = bytes.subarray(0, 4096);
  let control = 0;
  for (const b of sample) if (b === 0 || (b < 32 && b !== 9 && b !== 10 && b !== 13 && b !== 12)) control++;
  if (control > 0) throw new InputError('the file is binary, not text: send XDI, columns, an Athena project (.prj, gzip or plain) or pymatgen JSON', 'file');
  return { text: stripBom(new TextDecoder('utf-8').decode(bytes)), gzipped };
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
