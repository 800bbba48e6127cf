// Loading a user's file of computed spectra into the catalogue (`npm run ingest`). A file is gzip or plain
// text (told apart by its first bytes, not its name) holding one JSON document, a JSON array of documents,
// or JSON Lines (one document per line, blank lines allowed); documents are pymatgen XAS dicts or
// Materials Project XAS documents (ingest-documents.ts). The whole file is parsed and checked before
// anything is written, then written in one transaction: a bad file leaves nothing behind. Every error
// names the file and the line to fix.
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type pg from 'pg';
import { InputError } from '../errors.ts';
import { DEFAULT_LICENSE, DEFAULT_METHOD, documentToRows, FileRows, type IngestOptions } from './ingest-documents.ts';
import { columnAt, lineAt, scanJson } from './json-text.ts';
import type { CatalogBatch, Method } from './records.ts';
import { selectStoredStructures, writeCatalogBatch } from './sql.ts';

const gunzip = promisify(zlib.gunzip);
const GZIP_MAGIC = [0x1f, 0x8b];

/** A problem in a file, at a line (1-based) when it has one. The message starts `file:line:`. */
export class IngestFileError extends InputError {
  override name = 'IngestFileError';
  constructor(
    readonly file: string,
    readonly line: number | null,
    readonly problem: string,
  ) {
    super(line === null ? `${file}: ${problem}` : `${file}:${line}: ${problem}`);
  }
}

/** How to read a file's documents: what they do not say themselves. */
export interface IngestFileOptions {
  /** Method of spectra whose document has no `method` (default FEFF). */
  method?: Method;
  /** License of the data (default "unspecified (user upload)"). */
  license?: string;
  /** Material id for documents without `material_id`. */
  materialId?: string;
}

/** One JSON document of a file and the line it starts on. */
interface LocatedDocument {
  value: unknown;
  line: number;
  /** "document 2 of 5" inside a JSON array; null otherwise. */
  label: string | null;
}

/** The file's bytes as text: gunzipped when they start with the gzip magic bytes, UTF-8, without a BOM. */
export async function readText(file: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new IngestFileError(file, null, code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a file' : `cannot read it: ${(err as Error).message}`);
  }
  if (bytes[0] === GZIP_MAGIC[0] && bytes[1] === GZIP_MAGIC[1]) {
    try {
      bytes = await gunzip(bytes);
    } catch (err) {
      throw new IngestFileError(file, null, `the gzip data is damaged or truncated (${(err as Error).message}); compress the file again`);
    }
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new IngestFileError(file, null, 'is not UTF-8 text (nor gzip): expected JSON or JSON Lines');
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function syntaxError(file: string, text: string, lineOffset = 0): IngestFileError {
  const scan = scanJson(text);
  // An error at the very end (a truncated file) is shown on the last line that has text.
  const at = Math.min(scan.error?.offset ?? text.length, text.trimEnd().length);
  const message = scan.error?.message ?? 'not valid JSON';
  return new IngestFileError(file, lineOffset + lineAt(text, at), `not valid JSON (column ${columnAt(text, at)}): ${message}`);
}

/**
 * The documents of a file's text, each with the line where it starts: a JSON object, a JSON array of
 * objects, or JSON Lines. JSON Lines is recognised by a first value that fits on its first line and is
 * followed, on later lines, by more text.
 */
export function splitDocuments(file: string, text: string): LocatedDocument[] {
  const start = text.search(/\S/);
  if (start === -1) throw new IngestFileError(file, null, 'is empty: expected a JSON object, a JSON array of documents or JSON Lines');
  let whole: unknown;
  try {
    whole = JSON.parse(text);
  } catch {
    const scan = scanJson(text);
    const error = scan.error;
    const firstEnd = scan.firstValueEnd;
    const jsonLines =
      error !== null && firstEnd !== null && error.offset > firstEnd &&
      !text.slice(start, firstEnd).includes('\n') && text.slice(firstEnd, error.offset).includes('\n');
    if (!jsonLines) throw syntaxError(file, text);
    return jsonLinesDocuments(file, text);
  }
  if (Array.isArray(whole)) {
    if (whole.length === 0) throw new IngestFileError(file, lineAt(text, start), 'the JSON array is empty: there are no documents to load');
    const offsets = scanJson(text).elementOffsets;
    return whole.map((value, i) => ({ value, line: lineAt(text, offsets[i] ?? start), label: `document ${i + 1} of ${whole.length}` }));
  }
  return [{ value: whole, line: lineAt(text, start), label: null }];
}

function jsonLinesDocuments(file: string, text: string): LocatedDocument[] {
  const documents: LocatedDocument[] = [];
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (!line.trim()) return;
    try {
      documents.push({ value: JSON.parse(line), line: i + 1, label: null });
    } catch {
      throw syntaxError(file, line, i);
    }
  });
  return documents;
}

/** Provenance source of a file's rows: names the file (not the folders it sits in). */
export const uploadSource = (file: string) => `user upload: ${path.basename(file)}`;

/** The catalogue rows of a whole file, every document checked; throws IngestFileError at the first problem. */
export async function readIngestFile(file: string, options: IngestFileOptions = {}): Promise<CatalogBatch> {
  const text = await readText(file);
  const documentOptions: IngestOptions = {
    method: options.method ?? DEFAULT_METHOD,
    materialId: options.materialId,
    provenanceSource: uploadSource(file),
    provenanceLicense: options.license ?? DEFAULT_LICENSE,
  };
  const rows = new FileRows();
  for (const doc of splitDocuments(file, text)) {
    const where = doc.label ? `line ${doc.line} (${doc.label})` : `line ${doc.line}`;
    try {
      rows.add(documentToRows(doc.value, documentOptions), where);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      throw new IngestFileError(file, doc.line, doc.label ? `${doc.label}: ${err.message}` : err.message);
    }
  }
  return rows.batch;
}

/** Rows of a file written, and rows that were already in the catalogue (left as they were). */
export interface IngestResult {
  materials: { inserted: number; alreadyPresent: number };
  spectra: { inserted: number; alreadyPresent: number };
}

const close = (a: readonly number[], b: readonly number[], tolerance: number) =>
  a.length === b.length && a.every((x, i) => Math.abs(x - b[i]!) <= tolerance);

/**
 * A site spectrum's site index means something only for the structure it was computed on: refuse a file
 * whose structure for a material id differs from the one already stored under that id.
 */
async function checkKnownStructures(pool: pg.Pool, file: string, batch: CatalogBatch): Promise<void> {
  const given = batch.materials.filter((m) => m.species.length > 0);
  if (given.length === 0) return;
  const stored = await selectStoredStructures(pool, given.map((m) => m.id));
  for (const material of given) {
    const known = stored.get(material.id);
    if (!known) continue;
    const fractionsClose = known.fracCoords.length === material.fracCoords.length &&
      known.fracCoords.every((x, i) => {
        const d = Math.abs(x - material.fracCoords[i]!);
        return Math.min(d, Math.abs(d - 1)) <= 1e-4;
      });
    if (known.species.join(',') !== material.species.join(',') || !close(known.lattice, material.lattice, 1e-4) || !fractionsClose) {
      throw new IngestFileError(
        file,
        null,
        `material ${material.id} is already in the catalogue with a different structure: give yours another material_id (or none, to get a user-<hash> id)`,
      );
    }
  }
}

/** Parse and check all of `file`, then write its rows in one transaction (rows already present are kept). */
export async function ingestFile(pool: pg.Pool, file: string, options: IngestFileOptions = {}): Promise<IngestResult> {
  const batch = await readIngestFile(file, options);
  await checkKnownStructures(pool, file, batch);
  const written = await writeCatalogBatch(pool, batch);
  return {
    materials: { inserted: written.materials, alreadyPresent: batch.materials.length - written.materials },
    spectra: { inserted: written.spectra, alreadyPresent: batch.spectra.length - written.spectra },
  };
}
