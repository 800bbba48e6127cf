// The measured reference library (issue 10): the bundled, reviewed one (seed/measured-references/: manifest/*.jsonl
// names each kept record of the copied source files) and a lab's own standards (`npm run add-reference`). Both become
// EXPERIMENT spectra with provenance (measured-rows.ts). The bundled library is written in one transaction, a lab's
// file in one transaction each; rows already stored are left alone, so loading twice changes nothing.
import fs from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';
import { InputError } from '../errors.ts';
import { readSpectrumRecords, type SpectrumRecord as ParsedRecord } from '../spectra/parse/records.ts';
import { checkUnique, type LocatedEntry, ManifestError, type ManifestEntry, parseManifest, RECORD_ID } from './measured-manifest.ts';
import { findRecord, measuredRows, type MeasuredRows, spectrumDataSha256 } from './measured-rows.ts';
import { type CatalogBatch } from './records.ts';
import { countMeasuredRecords, selectCatalogMaterials, selectMeasuredByData, type WriteCounts, writeCatalogBatch } from './sql.ts';

export const measuredLibraryDir = (seedDir: string) => path.join(seedDir, 'measured-references');

/** Every entry of the bundled manifest (manifest/*.jsonl, in file-name order), checked for syntax and uniqueness. */
export async function readManifest(seedDir: string): Promise<LocatedEntry[]> {
  const dir = path.join(measuredLibraryDir(seedDir), 'manifest');
  let names: string[];
  try {
    names = (await fs.readdir(dir)).filter((n) => n.endsWith('.jsonl')).sort();
  } catch {
    return [];
  }
  const entries: LocatedEntry[] = [];
  for (const name of names) entries.push(...parseManifest(await fs.readFile(path.join(dir, name), 'utf8'), `manifest/${name}`));
  checkUnique(entries);
  return entries;
}

/** Rows of the given entries, all checked against their data files; any entry that does not hold fails the lot. */
export async function libraryRows(db: Pick<pg.Pool, 'query'>, seedDir: string, entries: readonly LocatedEntry[]): Promise<MeasuredRows[]> {
  const root = measuredLibraryDir(seedDir);
  const byFile = new Map<string, LocatedEntry[]>();
  for (const located of entries) byFile.set(located.entry.file, [...(byFile.get(located.entry.file) ?? []), located]);
  const mpIds = [...new Set(entries.map((e) => e.entry.materialsProjectId).filter((id): id is string => id !== null))];
  const catalog = await selectCatalogMaterials(db, mpIds);
  const rows: MeasuredRows[] = [];
  for (const [file, located] of byFile) {
    let records: ParsedRecord[];
    try {
      records = readSpectrumRecords({ bytes: await fs.readFile(path.join(root, file)) });
    } catch (err) {
      const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file in seed/measured-references/' : (err as Error).message;
      throw new ManifestError(`${located[0]!.where}: ${file}: ${why}`);
    }
    for (const { entry, where } of located) {
      try {
        const mp = entry.materialsProjectId;
        const linked = mp && catalog.has(mp) ? { id: mp, compositionKey: catalog.get(mp)! } : null;
        rows.push(measuredRows(entry, findRecord(records, entry), linked));
      } catch (err) {
        throw new ManifestError(`${where}: ${file}: ${(err as Error).message}`);
      }
    }
  }
  const whereOf = new Map(entries.map((e) => [e.entry.id, e.where]));
  const byData = new Map<string, string>();
  for (const r of rows) {
    const where = whereOf.get(r.reference.recordId)!;
    const other = byData.get(r.reference.dataSha256);
    if (other) throw new ManifestError(`${where}: the same data as ${other}: keep one`);
    byData.set(r.reference.dataSha256, where);
  }
  return rows;
}

/** The rows as one batch (materials once each). */
export function batchOf(rows: readonly MeasuredRows[]): CatalogBatch {
  const materials = new Map(rows.map((r) => [r.material.id, r.material]));
  return { materials: [...materials.values()], sites: [], spectra: rows.map((r) => r.spectrum), measured: rows.map((r) => r.reference) };
}

/** Load the bundled measured library in one transaction; returns the entries and what was inserted. */
export async function seedMeasuredLibrary(pool: pg.Pool, seedDir: string): Promise<{ entries: number; inserted: WriteCounts }> {
  const entries = await readManifest(seedDir);
  if (entries.length === 0) return { entries: 0, inserted: { materials: 0, sites: 0, spectra: 0, measured: 0 } };
  const rows = await libraryRows(pool, seedDir, entries);
  const inserted = await writeCatalogBatch(pool, batchOf(rows));
  return { entries: entries.length, inserted };
}

/** Whether every entry of the bundled manifest is stored (start-up loads the library when not). */
export async function measuredLibraryLoaded(pool: pg.Pool, seedDir: string): Promise<boolean> {
  const entries = await readManifest(seedDir);
  return (await countMeasuredRecords(pool, entries.map((e) => e.entry.id))) === entries.length;
}

/** What a lab says about its own standard; the file may say the rest (XDI `Sample.formula`, `Element.symbol`, …). */
export interface OwnReferenceOptions {
  /** Athena group (label or key) or column, when the file holds several spectra. */
  record?: string;
  formula?: string;
  compound?: string;
  phase?: string;
  oxidationStates?: number[];
  coordinationNumber?: number;
  element?: string;
  edge?: string;
  mode?: string;
  temperature?: string;
  beamline?: string;
  /** Record id (`user-…` by default, from the data's hash). */
  id?: string;
  license?: string;
  credit?: string;
}

export const OWN_LICENSE = 'unspecified (lab standard)';

function xdiField(record: ParsedRecord, name: string): string | null {
  const fields = record.metadata['fields'];
  if (!fields || typeof fields !== 'object' || Array.isArray(fields)) return null;
  const value = (fields as Record<string, string>)[name];
  return value && value.trim() ? value.trim() : null;
}

function pickRecord(records: ParsedRecord[], wanted: string | undefined): ParsedRecord {
  if (wanted === undefined) return findRecord(records.filter((r) => r.isMu), { record: null, recordKey: null });
  const byKey = records.find((r) => r.key === wanted);
  return byKey ?? findRecord(records, { record: wanted, recordKey: null });
}

const MODE_WORDS: Record<string, ManifestEntry['mode']> = {
  transmission: 'transmission', fluorescence: 'fluorescence', herfd: 'HERFD', 'electron yield': 'electron yield', tey: 'electron yield',
};

/** The manifest entry of a lab's standard, from the options and what the file says; InputError naming what is missing. */
export function ownEntry(record: ParsedRecord, file: string, options: OwnReferenceOptions): ManifestEntry {
  const formula = options.formula ?? xdiField(record, 'sample.formula');
  if (!formula) throw new InputError('no formula: give --formula (e.g. --formula CuO), or Sample.formula in the XDI file', 'formula');
  const element = options.element ?? record.declaredElement;
  const edge = options.edge ?? record.declaredEdge;
  if (!element || !edge) throw new InputError('the file does not say its absorbing element and edge: give --element and --edge (e.g. --element Cu --edge K)', 'element');
  if (!['K', 'L1', 'L2', 'L3'].includes(edge)) throw new InputError(`edge must be K, L1, L2 or L3 (got ${edge})`, 'edge');
  const states = options.oxidationStates;
  if (!states || states.length === 0) throw new InputError('no oxidation state: give --oxidation-state (e.g. 2, or 2,3,3 for Fe3O4)', 'oxidationStates');
  if (states.some((s) => !Number.isFinite(s) || s < -4 || s > 8)) throw new InputError(`oxidation states must be numbers from -4 to 8 (got ${states.join(', ')})`, 'oxidationStates');
  const mode = options.mode === undefined ? null : MODE_WORDS[options.mode.trim().toLowerCase()];
  if (mode === undefined) throw new InputError(`mode must be one of transmission, fluorescence, HERFD, electron yield (got "${options.mode}")`, 'mode');
  const id = options.id ?? `user-${spectrumDataSha256(record.energies, record.mu).slice(0, 16)}`;
  if (!RECORD_ID.test(id)) throw new InputError(`id "${id}" must be 3–60 characters of a-z, 0-9 and "-"`, 'id');
  return {
    id,
    file: path.basename(file),
    record: record.record,
    recordKey: record.key,
    element,
    edge: edge as ManifestEntry['edge'],
    compound: options.compound ?? xdiField(record, 'sample.name') ?? formula,
    formula,
    phase: options.phase ?? null,
    oxidationStates: states,
    oxidationStateBasis: 'source',
    coordinationNumber: options.coordinationNumber ?? null,
    mode,
    temperature: options.temperature ?? xdiField(record, 'sample.temperature'),
    beamline: options.beamline ?? xdiField(record, 'beamline.name'),
    sample: id,
    materialsProjectId: null,
    doi: null,
    source: 'user',
    license: options.license ?? OWN_LICENSE,
    credit: options.credit ?? 'lab standard',
    note: null,
  };
}

/** The outcome of adding one file: what was written, or which stored record already holds its data. */
export interface OwnReferenceResult {
  recordId: string;
  spectrumId: string;
  materialId: string;
  inserted: WriteCounts;
  /** The stored record that already holds the same data (nothing was written), or null. */
  alreadyStoredAs: string | null;
}

/** Add a lab's standard from a file's bytes: checked completely, then written in one transaction (or not at all). */
export async function addOwnReference(pool: pg.Pool, file: string, bytes: Uint8Array, options: OwnReferenceOptions): Promise<OwnReferenceResult> {
  const record = pickRecord(readSpectrumRecords({ bytes }), options.record);
  const entry = ownEntry(record, file, options);
  const rows = measuredRows(entry, record);
  const stored = (await selectMeasuredByData(pool, [rows.reference.dataSha256])).get(rows.reference.dataSha256) ?? null;
  const base = { recordId: entry.id, spectrumId: rows.spectrum.id, materialId: rows.material.id };
  if (stored === null && (await countMeasuredRecords(pool, [entry.id])) > 0) {
    throw new InputError(`id "${entry.id}" is already used by another measured reference with other data: choose another --id`, 'id');
  }
  if (stored !== null) return { ...base, inserted: { materials: 0, sites: 0, spectra: 0, measured: 0 }, alreadyStoredAs: stored };
  return { ...base, inserted: await writeCatalogBatch(pool, batchOf([rows])), alreadyStoredAs: null };
}
