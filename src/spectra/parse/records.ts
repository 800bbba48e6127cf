// Every spectrum a file holds, for reference libraries: each group of an Athena project, each named μ column
// of a multi-column file (Demeter's "multicolumn normalized mu(E)" XDI), else the file's one spectrum. Pure:
// text or bytes in, plain data out. The element and edge come from the spectrum's own edge energy (xraydb's
// guess_edge on Larch's E0) beside what the file declares, so a reviewer can see where a stored field is wrong.
import { InputError } from '../../errors.ts';
import { findE0 } from '../normalize.ts';
import { athenaGroupSpectrum, isMuGroup, readAthenaGroups } from './athena.ts';
import { cleanSpectrum } from './clean.ts';
import { decodeFile } from './decode.ts';
import { guessEdge, normalizeEdge, normalizeElement } from './edges.ts';
import { parseAs } from './index.ts';
import { sniffFormat } from './sniff.ts';
import type { SpectrumFormat, SpectrumMetadata } from './types.ts';

/** One spectrum of a file, as a reference library would take it. */
export interface SpectrumRecord {
  /** How to ask for it again: the Athena group's label, the column's name, or null for a file's only spectrum. */
  record: string | null;
  /** Athena's group key (unique in its project, unlike labels); null elsewhere. */
  key: string | null;
  format: SpectrumFormat;
  /** False for Athena groups that are not μ(E) (χ(k), differences, backgrounds, …). */
  isMu: boolean;
  energies: number[];
  mu: number[];
  /** Element and edge as the file declares them (validated symbols), or null. */
  declaredElement: string | null;
  declaredEdge: string | null;
  /** Larch's E0 of the data (maximum derivative), eV, and the element and edge whose tabulated energy explains it. */
  e0: number;
  edgeFromE0: { element: string; edge: string; energy: number } | null;
  warnings: string[];
  metadata: SpectrumMetadata;
  /** Why the record cannot be used (Athena groups only: one bad group does not hide the others); null when it can. */
  error: string | null;
}

/** Demeter's multicolumn XDI output: the names of its spectrum columns (`Column.2` …); empty for any other file. */
function multiColumnNames(text: string): string[] {
  const head = text.slice(0, 20_000);
  if (!/^#\s*Demeter\.output_filetype:\s*multicolumn/im.test(head)) return [];
  const names: [number, string][] = [];
  for (const m of head.matchAll(/^#\s*Column\.(\d+):\s*(\S+)/gim)) names.push([Number(m[1]), m[2]!]);
  return names.sort((a, b) => a[0] - b[0]).filter(([n]) => n > 1).map(([, name]) => name);
}

function measure(
  record: string | null,
  key: string | null,
  format: SpectrumFormat,
  isMu: boolean,
  raw: { energies: number[]; mu: number[]; element: string | null; edge: string | null; warnings: string[]; metadata: SpectrumMetadata },
): SpectrumRecord {
  const clean = cleanSpectrum(raw.energies, raw.mu);
  let e0 = Number.NaN;
  try {
    e0 = findE0(clean.energies, clean.mu);
  } catch {
    // A record without a findable edge keeps e0 NaN: the reviewer sees it.
  }
  return {
    record,
    key,
    format,
    isMu,
    energies: clean.energies,
    mu: clean.mu,
    declaredElement: raw.element ? normalizeElement(raw.element) : null,
    declaredEdge: raw.edge ? normalizeEdge(raw.edge) : null,
    e0,
    edgeFromE0: Number.isFinite(e0) ? guessEdge(e0) : null,
    warnings: [...raw.warnings, ...clean.warnings],
    metadata: raw.metadata,
    error: null,
  };
}

/** Every spectrum of a file (see the module comment). A record that cannot be read throws InputError naming it. */
export function readSpectrumRecords(input: { text?: string; bytes?: Uint8Array }): SpectrumRecord[] {
  const { text } = decodeFile(input);
  if (text.trim() === '') throw new InputError('the file is empty', 'file');
  const format = sniffFormat(text);
  if (format === 'ATHENA_PRJ') {
    const project = readAthenaGroups(text);
    return project.groups.map((group) => {
      try {
        return measure(group.label, group.key, format, isMuGroup(group), athenaGroupSpectrum(group, project));
      } catch (err) {
        // χ(k), pixel data or a damaged group: listed with its error, so the project's other groups stay usable.
        return {
          record: group.label, key: group.key, format, isMu: isMuGroup(group), energies: [], mu: [], declaredElement: null, declaredEdge: null,
          e0: Number.NaN, edgeFromE0: null, warnings: [], metadata: {}, error: (err as Error).message,
        };
      }
    });
  }
  const read = (column?: string) => parseAs(format, text, undefined, column);
  const columns = multiColumnNames(text);
  if (columns.length > 0) return columns.map((c) => measure(c, null, format, true, read(c)));
  return [measure(null, null, format, true, read())];
}
