// The measured-reference manifest (seed/measured-references/manifest/*.jsonl; format in MANIFEST-FORMAT.md there):
// one reviewed entry per kept record. Parsing and checking only: each problem names the file, the line and the entry.
import { z } from 'zod';

/** Entry ids: `xdl-…`, `larch-…`, `als-…` in the bundled library, `user-…` for a lab's own standards. */
export const RECORD_ID = /^[a-z0-9][a-z0-9-]{2,59}$/;

/** Measurement modes the manifest may name. */
export const MODES = ['transmission', 'fluorescence', 'HERFD', 'electron yield'] as const;

const text = z.string().trim().min(1);
const optionalText = text.nullable();

export const manifestEntrySchema = z
  .object({
    id: z.string().regex(RECORD_ID, 'must be 3–60 characters of a-z, 0-9 and "-"'),
    file: text,
    record: optionalText,
    recordKey: optionalText,
    element: text,
    edge: z.enum(['K', 'L1', 'L2', 'L3']),
    compound: text,
    formula: text,
    phase: optionalText,
    oxidationStates: z.array(z.number().finite().min(-4).max(8)).min(1),
    oxidationStateBasis: z.enum(['source', 'charge balance']),
    coordinationNumber: z.number().finite().min(0).max(16).nullable(),
    mode: z.enum(MODES).nullable(),
    temperature: optionalText,
    beamline: optionalText,
    sample: text,
    materialsProjectId: z.string().regex(/^(mp|mvc)-\d+$/, 'must look like mp-1234').nullable(),
    doi: optionalText,
    source: text,
    license: text,
    credit: text,
    note: optionalText,
  })
  .strict();

export type ManifestEntry = z.infer<typeof manifestEntrySchema>;

/** A manifest entry with where it was read. */
export interface LocatedEntry {
  entry: ManifestEntry;
  /** `manifest/xas-data-library.jsonl:12 (xdl-fe2o3-rt)`. */
  where: string;
}

/** A manifest that does not hold: the message names the file, the line and the entry. */
export class ManifestError extends Error {
  override name = 'ManifestError';
}

/** The entries of one manifest file's text (JSON Lines; blank lines allowed). */
export function parseManifest(textOfFile: string, label: string): LocatedEntry[] {
  const out: LocatedEntry[] = [];
  textOfFile.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return;
    const at = `${label}:${i + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      throw new ManifestError(`${at}: not valid JSON (${(err as Error).message})`);
    }
    const id = value && typeof value === 'object' && typeof (value as { id?: unknown }).id === 'string' ? (value as { id: string }).id : '?';
    const parsed = manifestEntrySchema.safeParse(value);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'entry'}: ${issue.message}`).join('; ');
      throw new ManifestError(`${at} (${id}): ${problems}`);
    }
    out.push({ entry: parsed.data, where: `${at} (${id})` });
  });
  return out;
}

/** Refuses two entries with one id, or two entries for one record of one file. */
export function checkUnique(entries: readonly LocatedEntry[]): void {
  const ids = new Map<string, string>();
  const records = new Map<string, string>();
  for (const { entry, where } of entries) {
    const seen = ids.get(entry.id);
    if (seen) throw new ManifestError(`${where}: id "${entry.id}" is also used at ${seen}`);
    ids.set(entry.id, where);
    const record = `${entry.file}\u0000${entry.recordKey ?? entry.record ?? ''}`;
    const same = records.get(record);
    if (same) throw new ManifestError(`${where}: the same record of ${entry.file} is also kept at ${same}`);
    records.set(record, where);
  }
}
