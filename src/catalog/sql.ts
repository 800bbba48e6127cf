// Bulk SQL of the catalogue that Prisma cannot express efficiently, each statement a small named function.
//
// A batch is written with COPY (binary format), table by table (materials first: sites and spectra refer to
// them): the keys already in the table are looked up and those rows left out, the rest is COPied straight
// into the table under a savepoint, and should that still meet a duplicate key (a key twice in the batch, or
// a concurrent writer) it goes through a temporary staging table and INSERT … SELECT … ON CONFLICT DO
// NOTHING instead. Either way existing rows are left untouched, so writing the same rows twice changes
// nothing (seeding and ingest are idempotent; a rerun sends no row data at all), and everything happens in
// the caller's transaction: all of a batch or none of it. Binary COPY sends a spectrum's hundreds of floats
// as raw IEEE 754 doubles: no decimal formatting here, no decimal parsing in the server, every bit kept
// (-0 and NaN included). bench/ingest.ts measures it (about 5× the multi-row INSERTs this replaced).
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import copyStreams from 'pg-copy-streams';
import type { AbsorbingSiteRecord, CatalogBatch, MaterialRecord, MeasuredReferenceRecord, SpectrumRecord } from './records.ts';
import { inTransaction } from '../db/transaction.ts';

/** Bytes of COPY data per chunk handed to the connection (bigger chunks, fewer writes). */
const COPY_CHUNK_BYTES = 256 * 1024;

type Queryable = Pick<pg.PoolClient, 'query'>;

/** How a column's value is written in COPY binary format. */
type ColumnKind = 'text' | 'integer' | 'float' | 'text[]' | 'integer[]' | 'float[]';

/** A table as the SQL statements see it. */
interface TableShape {
  table: string;
  /** Columns in the order `values` returns them, with how each is written. */
  columns: readonly (readonly [name: string, kind: ColumnKind])[];
  /** The columns of the unique key that makes a row "already there"; the first is a text column leading an index. */
  key: readonly string[];
}

interface TableSpec<Row> extends TableShape {
  values: (row: Row) => unknown[];
  /** The row's key as `existingKeys` returns it: the key columns' text, joined by tabs. */
  keyOf: (row: Row) => string;
}

const materialTable: TableSpec<MaterialRecord> = {
  table: 'material',
  columns: [
    ['id', 'text'], ['formula', 'text'], ['composition_key', 'text'], ['elements', 'text[]'], ['chemsys', 'text'],
    ['nsites', 'integer'], ['lattice', 'float[]'], ['species', 'text[]'], ['frac_coords', 'float[]'], ['volume', 'float'],
    ['spacegroup_symbol', 'text'], ['spacegroup_number', 'integer'], ['split', 'text'], ['site_average_note', 'text'],
    ['provenance_source', 'text'], ['provenance_license', 'text'], ['provenance_url', 'text'],
  ],
  key: ['id'],
  keyOf: (m) => m.id,
  values: (m) => [
    m.id, m.formula, m.compositionKey, m.elements, m.chemsys, m.nsites, m.lattice, m.species, m.fracCoords,
    m.volume, m.spacegroupSymbol, m.spacegroupNumber, m.split, m.siteAverageNote, m.provenanceSource,
    m.provenanceLicense, m.provenanceUrl,
  ],
};

const siteTable: TableSpec<AbsorbingSiteRecord> = {
  table: 'absorbing_site',
  columns: [
    ['material_id', 'text'], ['site_index', 'integer'], ['element', 'text'], ['multiplicity', 'integer'],
    ['weight', 'integer'], ['equivalent_site_indices', 'integer[]'], ['wyckoff', 'text'], ['oxidation_state', 'integer'],
    ['oxidation_state_method', 'text'], ['coordination_number', 'integer'], ['split', 'text'],
  ],
  key: ['material_id', 'site_index'],
  keyOf: (s) => `${s.materialId}\t${s.siteIndex}`,
  values: (s) => [
    s.materialId, s.siteIndex, s.element, s.multiplicity, s.weight, s.equivalentSiteIndices, s.wyckoff,
    s.oxidationState, s.oxidationStateMethod, s.coordinationNumber, s.split,
  ],
};

const spectrumTable: TableSpec<SpectrumRecord> = {
  table: 'spectrum',
  columns: [
    ['id', 'text'], ['material_id', 'text'], ['absorbing_element', 'text'], ['edge', 'text'], ['spectrum_type', 'text'],
    ['method', 'text'], ['site_index', 'integer'], ['energies', 'float[]'], ['mu', 'float[]'], ['uncertainty', 'float[]'],
    ['e0', 'float'], ['averaged_sites', 'integer'], ['model_version', 'text'],
  ],
  key: ['id'],
  keyOf: (s) => s.id,
  values: (s) => [
    s.id, s.materialId, s.absorbingElement, s.edge, s.spectrumType, s.method, s.siteIndex, s.energies, s.mu,
    s.uncertainty, s.e0, s.averagedSites, s.modelVersion,
  ],
};

const measuredTable: TableSpec<MeasuredReferenceRecord> = {
  table: 'measured_reference',
  columns: [
    ['spectrum_id', 'text'], ['record_id', 'text'], ['compound', 'text'], ['phase', 'text'], ['oxidation_states', 'float[]'],
    ['oxidation_state_basis', 'text'], ['coordination_number', 'float'], ['mode', 'text'], ['temperature', 'text'],
    ['beamline', 'text'], ['sample_group', 'text'], ['source', 'text'], ['source_file', 'text'], ['source_record', 'text'],
    ['materials_project_id', 'text'], ['doi', 'text'], ['license', 'text'], ['credit', 'text'], ['note', 'text'], ['data_sha256', 'text'],
  ],
  key: ['spectrum_id'],
  keyOf: (r) => r.spectrumId,
  values: (r) => [
    r.spectrumId, r.recordId, r.compound, r.phase, r.oxidationStates, r.oxidationStateBasis, r.coordinationNumber, r.mode,
    r.temperature, r.beamline, r.sampleGroup, r.source, r.sourceFile, r.sourceRecord, r.materialsProjectId, r.doi, r.license,
    r.credit, r.note, r.dataSha256,
  ],
};

// ── SQL statements ──────────────────────────────────────────────────────────────────────────────────────

const quoted = (name: string) => `"${name}"`;
const columnList = (spec: TableShape) => spec.columns.map(([name]) => quoted(name)).join(', ');
const stagingTable = (spec: TableShape) => quoted(`staging_${spec.table}`);

/** Keys (key columns' text joined by tabs) of the rows whose first key column is one of $1 (text[]). */
function selectExistingKeys(spec: TableShape): string {
  const key = spec.key.length === 1 ? quoted(spec.key[0]!) : `concat_ws(E'\\t', ${spec.key.map(quoted).join(', ')})`;
  return `SELECT ${key} AS key FROM ${quoted(spec.table)} WHERE ${quoted(spec.key[0]!)} = ANY($1::text[])`;
}

/** COPY (binary format) straight into the table: fails on the first duplicate key. */
function copyIntoTable(spec: TableShape): string {
  return `COPY ${quoted(spec.table)} (${columnList(spec)}) FROM STDIN (FORMAT binary)`;
}

const savepoint = 'SAVEPOINT catalog_copy';
const releaseSavepoint = 'RELEASE SAVEPOINT catalog_copy';
const rollbackToSavepoint = 'ROLLBACK TO SAVEPOINT catalog_copy';

/** An empty temporary table with the columns (and column types) we write, dropped at COMMIT or ROLLBACK.
 * Rows up to 8 kB stay in the table itself (no TOAST compression attempts: they are read back once). */
function createStagingTable(spec: TableShape): string {
  return `CREATE TEMPORARY TABLE ${stagingTable(spec)} WITH (toast_tuple_target = 8160) ON COMMIT DROP AS SELECT ${columnList(spec)} FROM ${quoted(spec.table)} WITH NO DATA`;
}

/** COPY (binary format) into the staging table. */
function copyIntoStagingTable(spec: TableShape): string {
  return `COPY ${stagingTable(spec)} (${columnList(spec)}) FROM STDIN (FORMAT binary)`;
}

/** Move the staged rows that are not in the table yet; the row count says how many were inserted. */
function insertNewRowsFromStaging(spec: TableShape): string {
  const columns = columnList(spec);
  return `INSERT INTO ${quoted(spec.table)} (${columns}) SELECT ${columns} FROM ${stagingTable(spec)} ON CONFLICT (${spec.key.map(quoted).join(', ')}) DO NOTHING`;
}

const selectMaterialCount = 'SELECT count(*)::text AS n FROM "material"';

// ── COPY binary format ──────────────────────────────────────────────────────────────────────────────────
// (PostgreSQL manual, COPY, "Binary Format"): a header, then per row a 16-bit
// field count and per field a 32-bit length (-1 = NULL) and the bytes of the type's binary form (what its
// `recv` function reads): text and enums as UTF-8, int4 as 32-bit and float8 as 64-bit IEEE 754 big-endian,
// arrays as dimensions + element type OID + elements.

const COPY_SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
/** OIDs of the element types of our array columns (pg_type.oid, fixed since PostgreSQL 7). */
const ELEMENT_OID = { 'text[]': 25, 'integer[]': 23, 'float[]': 701 } as const;
const INT4_MIN = -(2 ** 31);
const INT4_MAX = 2 ** 31 - 1;

/** Appends COPY binary data to a growing buffer; `take()` hands over what was written so far. */
class CopyBinaryWriter {
  private buffer: Buffer;
  private offset = 0;

  constructor(private readonly capacity: number) {
    this.buffer = Buffer.allocUnsafe(capacity);
  }

  get length(): number {
    return this.offset;
  }

  private ensure(bytes: number): void {
    if (this.offset + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.offset + bytes));
    this.buffer.copy(grown, 0, 0, this.offset);
    this.buffer = grown;
  }

  int16(value: number): void {
    this.ensure(2);
    this.offset = this.buffer.writeInt16BE(value, this.offset);
  }

  int32(value: number): void {
    this.ensure(4);
    this.offset = this.buffer.writeInt32BE(value, this.offset);
  }

  bytes(value: Buffer): void {
    this.ensure(value.length);
    this.offset += value.copy(this.buffer, this.offset);
  }

  /** A length-prefixed UTF-8 string. */
  text(value: string): void {
    const length = Buffer.byteLength(value, 'utf8');
    this.ensure(4 + length);
    this.offset = this.buffer.writeInt32BE(length, this.offset);
    this.offset += this.buffer.write(value, this.offset, length, 'utf8');
  }

  /** A length-prefixed int4. */
  integer(value: unknown, column: string): void {
    this.ensure(8);
    this.offset = this.buffer.writeInt32BE(4, this.offset);
    this.offset = this.buffer.writeInt32BE(checkedInteger(value, column), this.offset);
  }

  /** A length-prefixed float8, every bit kept (also -0 and NaN). */
  float(value: unknown, column: string): void {
    this.ensure(12);
    this.offset = this.buffer.writeInt32BE(8, this.offset);
    this.offset = this.buffer.writeDoubleBE(checkedNumber(value, column), this.offset);
  }

  /** A length-prefixed one-dimensional array without NULLs (empty: no dimensions, as PostgreSQL writes `{}`). */
  array(values: readonly unknown[], kind: keyof typeof ELEMENT_OID, column: string): void {
    const n = values.length;
    const headerBytes = n === 0 ? 12 : 20;
    let elementBytes: number;
    if (kind === 'float[]') elementBytes = 12 * n;
    else if (kind === 'integer[]') elementBytes = 8 * n;
    else {
      elementBytes = 4 * n;
      for (const value of values) elementBytes += Buffer.byteLength(checkedString(value, column), 'utf8');
    }
    this.ensure(4 + headerBytes + elementBytes);
    const buffer = this.buffer;
    let at = buffer.writeInt32BE(headerBytes + elementBytes, this.offset);
    at = buffer.writeInt32BE(n === 0 ? 0 : 1, at); // dimensions
    at = buffer.writeInt32BE(0, at); // flags: no NULLs
    at = buffer.writeInt32BE(ELEMENT_OID[kind], at);
    if (n > 0) {
      at = buffer.writeInt32BE(n, at);
      at = buffer.writeInt32BE(1, at); // lower bound
    }
    if (kind === 'float[]') {
      for (let i = 0; i < n; i++) {
        at = buffer.writeInt32BE(8, at);
        at = buffer.writeDoubleBE(checkedNumber(values[i], column), at);
      }
    } else if (kind === 'integer[]') {
      for (let i = 0; i < n; i++) {
        at = buffer.writeInt32BE(4, at);
        at = buffer.writeInt32BE(checkedInteger(values[i], column), at);
      }
    } else {
      for (let i = 0; i < n; i++) {
        const value = values[i] as string;
        const length = Buffer.byteLength(value, 'utf8');
        at = buffer.writeInt32BE(length, at);
        at += buffer.write(value, at, length, 'utf8');
      }
    }
    this.offset = at;
  }

  /** The bytes written so far; the writer starts over with a fresh buffer. */
  take(): Buffer {
    const written = this.buffer.subarray(0, this.offset);
    this.buffer = Buffer.allocUnsafe(this.capacity);
    this.offset = 0;
    return written;
  }
}

function checkedNumber(value: unknown, column: string): number {
  if (typeof value !== 'number') throw new TypeError(`column ${column}: expected a number, got ${describe(value)}`);
  return value;
}

function checkedInteger(value: unknown, column: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < INT4_MIN || value > INT4_MAX) {
    throw new TypeError(`column ${column}: expected a 32-bit integer, got ${describe(value)}`);
  }
  return value;
}

function checkedString(value: unknown, column: string): string {
  if (typeof value !== 'string') throw new TypeError(`column ${column}: expected a string, got ${describe(value)}`);
  return value;
}

const describe = (value: unknown) => (typeof value === 'number' || typeof value === 'string' ? JSON.stringify(value) : typeof value);

function writeField(out: CopyBinaryWriter, value: unknown, kind: ColumnKind, column: string): void {
  if (value === null || value === undefined) {
    out.int32(-1);
    return;
  }
  switch (kind) {
    case 'text':
      out.text(String(value));
      return;
    case 'integer':
      out.integer(value, column);
      return;
    case 'float':
      out.float(value, column);
      return;
    case 'text[]':
    case 'integer[]':
    case 'float[]':
      if (!Array.isArray(value)) throw new TypeError(`column ${column}: expected an array, got ${describe(value)}`);
      out.array(value, kind, column);
      return;
  }
}

/** The rows in COPY binary format, in chunks of about COPY_CHUNK_BYTES. */
function* copyChunks<Row>(spec: TableSpec<Row>, rows: readonly Row[]): Generator<Buffer> {
  const out = new CopyBinaryWriter(COPY_CHUNK_BYTES + 64 * 1024);
  out.bytes(COPY_SIGNATURE);
  out.int32(0); // flags
  out.int32(0); // header extension length
  const fields = spec.columns.length;
  for (const row of rows) {
    const values = spec.values(row);
    out.int16(fields);
    for (let i = 0; i < fields; i++) {
      const [column, kind] = spec.columns[i]!;
      writeField(out, values[i], kind, column);
    }
    if (out.length >= COPY_CHUNK_BYTES) yield out.take();
  }
  out.int16(-1); // trailer
  yield out.take();
}

// ── Writing ─────────────────────────────────────────────────────────────────────────────────────────────

/** SQLSTATE of a duplicate key. */
const UNIQUE_VIOLATION = '23505';

/**
 * INSERT the rows that are not there yet; returns how many were inserted. Rows whose key is in the table
 * already are left out first (a rerun sends no data at all); the others are COPied straight into the table
 * under a savepoint. Should that meet a duplicate anyway (a key twice in `rows`, or a concurrent writer
 * inserting the same key meanwhile), it is rolled back to the savepoint and the rows go through a staging
 * table and INSERT … ON CONFLICT DO NOTHING instead, which gives the same result as one row at a time.
 */
async function insertNewRows<Row>(db: Queryable, spec: TableSpec<Row>, rows: readonly Row[]): Promise<number> {
  if (rows.length === 0) return 0;
  const firstKeyColumn = spec.columns.findIndex(([name]) => name === spec.key[0]);
  const firstKeyValues = [...new Set(rows.map((row) => String(spec.values(row)[firstKeyColumn])))];
  const existing = new Set((await db.query<{ key: string }>(selectExistingKeys(spec), [firstKeyValues])).rows.map((r) => r.key));
  const fresh = existing.size === 0 ? rows : rows.filter((row) => !existing.has(spec.keyOf(row)));
  if (fresh.length === 0) return 0;
  await db.query(savepoint);
  try {
    const copied = await copyRows(db, copyIntoTable(spec), spec, fresh);
    await db.query(releaseSavepoint);
    return copied;
  } catch (err) {
    if ((err as { code?: string }).code !== UNIQUE_VIOLATION) throw err;
    await db.query(rollbackToSavepoint);
    await db.query(releaseSavepoint);
  }
  await db.query(createStagingTable(spec));
  await copyRows(db, copyIntoStagingTable(spec), spec, fresh);
  return (await db.query(insertNewRowsFromStaging(spec))).rowCount ?? 0;
}

/** Run a COPY … FROM STDIN (FORMAT binary) with `rows` as its data; returns the rows copied. */
async function copyRows<Row>(db: Queryable, copySql: string, spec: TableSpec<Row>, rows: readonly Row[]): Promise<number> {
  const stream = db.query(copyStreams.from(copySql));
  await pipeline(Readable.from(copyChunks(spec, rows)), stream);
  return stream.rowCount;
}

export interface WriteCounts {
  materials: number;
  sites: number;
  spectra: number;
  /** Measured-reference rows (provenance of EXPERIMENT spectra); absent for computed batches. */
  measured?: number;
}

/**
 * Insert a batch's new rows inside the caller's transaction (materials first: sites and spectra refer to
 * them). `db` must be one connection with an open transaction (BEGIN sent; the staging tables live until its
 * end) — writeCatalogBatch does that for you.
 */
export async function insertCatalogBatch(db: Queryable, batch: CatalogBatch): Promise<WriteCounts> {
  const status = (db as { getTransactionStatus?: () => string | null }).getTransactionStatus?.();
  if (status === 'I' || status === 'E') {
    throw new Error(
      status === 'I'
        ? 'insertCatalogBatch needs an open transaction on its connection (send BEGIN first), or call writeCatalogBatch'
        : 'insertCatalogBatch was called in a failed transaction: roll it back first',
    );
  }
  const materials = await insertNewRows(db, materialTable, batch.materials);
  const sites = await insertNewRows(db, siteTable, batch.sites);
  const spectra = await insertNewRows(db, spectrumTable, batch.spectra);
  if (!batch.measured) return { materials, sites, spectra };
  const measured = await insertNewRows(db, measuredTable, batch.measured);
  return { materials, sites, spectra, measured };
}

/** Write a batch in one transaction: all of it or, on any error, none of it. */
export async function writeCatalogBatch(pool: pg.Pool, batch: CatalogBatch): Promise<WriteCounts> {
  return inTransaction(pool, (client) => insertCatalogBatch(client, batch));
}

/** Number of materials in the catalogue. */
export async function countMaterials(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: string }>(selectMaterialCount);
  return Number(rows[0]?.n ?? 0);
}

/** Stored structures of the materials among `ids` that have one (ingest refuses a contradicting upload). */
export async function selectStoredStructures(
  db: Queryable,
  ids: string[],
): Promise<Map<string, Pick<MaterialRecord, 'species' | 'lattice' | 'fracCoords'>>> {
  const { rows } = await db.query<{ id: string; species: string[]; lattice: number[]; frac_coords: number[] }>(
    'SELECT id, species, lattice, frac_coords FROM "material" WHERE id = ANY($1::text[]) AND cardinality(species) > 0',
    [ids],
  );
  return new Map(rows.map((r) => [r.id, { species: r.species, lattice: r.lattice, fracCoords: r.frac_coords }]));
}

/** Catalogue materials among `ids` that have a structure, with their formula key (to link measured references). */
export async function selectCatalogMaterials(db: Queryable, ids: string[]): Promise<Map<string, string>> {
  const { rows } = await db.query<{ id: string; composition_key: string }>(
    'SELECT id, composition_key FROM "material" WHERE id = ANY($1::text[]) AND cardinality(species) > 0',
    [ids],
  );
  return new Map(rows.map((r) => [r.id, r.composition_key]));
}

/** Measured references already stored with one of these data hashes, by hash: the same data under another id. */
export async function selectMeasuredByData(db: Queryable, hashes: string[]): Promise<Map<string, string>> {
  const { rows } = await db.query<{ data_sha256: string; record_id: string }>(
    'SELECT data_sha256, record_id FROM "measured_reference" WHERE data_sha256 = ANY($1::text[])',
    [hashes],
  );
  return new Map(rows.map((r) => [r.data_sha256, r.record_id]));
}

/** How many of these measured-reference record ids are stored (the bundled library is loaded when all are). */
export async function countMeasuredRecords(db: Queryable, recordIds: string[]): Promise<number> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM "measured_reference" WHERE record_id = ANY($1::text[])', [recordIds]);
  return rows[0]?.n ?? 0;
}
