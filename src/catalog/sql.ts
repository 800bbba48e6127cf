// Bulk SQL of the catalogue that Prisma cannot express efficiently: multi-row INSERTs, each a small named
// function. Existing rows are left untouched (ON CONFLICT DO NOTHING), so writing the same rows twice
// changes nothing: seeding and ingest are idempotent.
import type pg from 'pg';
import type { AbsorbingSiteRecord, CatalogBatch, MaterialRecord, SpectrumRecord } from './records.ts';

/** Rows per INSERT statement (PostgreSQL allows 65,535 parameters per statement). */
const ROWS_PER_STATEMENT = 500;

type Queryable = Pick<pg.PoolClient, 'query'>;

interface TableSpec<Row> {
  table: string;
  columns: string[];
  /** Casts per column, for array and enum parameters. */
  casts: Record<string, string>;
  conflict: string;
  values: (row: Row) => unknown[];
}

const materialTable: TableSpec<MaterialRecord> = {
  table: 'material',
  columns: [
    'id', 'formula', 'composition_key', 'elements', 'chemsys', 'nsites', 'lattice', 'species', 'frac_coords',
    'volume', 'spacegroup_symbol', 'spacegroup_number', 'split', 'site_average_note', 'provenance_source',
    'provenance_license', 'provenance_url',
  ],
  casts: { elements: 'text[]', lattice: 'float8[]', species: 'text[]', frac_coords: 'float8[]' },
  conflict: '(id)',
  values: (m) => [
    m.id, m.formula, m.compositionKey, m.elements, m.chemsys, m.nsites, m.lattice, m.species, m.fracCoords,
    m.volume, m.spacegroupSymbol, m.spacegroupNumber, m.split, m.siteAverageNote, m.provenanceSource,
    m.provenanceLicense, m.provenanceUrl,
  ],
};

const siteTable: TableSpec<AbsorbingSiteRecord> = {
  table: 'absorbing_site',
  columns: [
    'material_id', 'site_index', 'element', 'multiplicity', 'weight', 'equivalent_site_indices', 'wyckoff',
    'oxidation_state', 'oxidation_state_method', 'coordination_number', 'split',
  ],
  casts: { equivalent_site_indices: 'int4[]' },
  conflict: '(material_id, site_index)',
  values: (s) => [
    s.materialId, s.siteIndex, s.element, s.multiplicity, s.weight, s.equivalentSiteIndices, s.wyckoff,
    s.oxidationState, s.oxidationStateMethod, s.coordinationNumber, s.split,
  ],
};

const spectrumTable: TableSpec<SpectrumRecord> = {
  table: 'spectrum',
  columns: [
    'id', 'material_id', 'absorbing_element', 'edge', 'spectrum_type', 'method', 'site_index', 'energies', 'mu',
    'uncertainty', 'e0', 'averaged_sites', 'model_version',
  ],
  casts: {
    edge: '"Edge"', spectrum_type: '"SpectrumType"', method: '"Method"', energies: 'float8[]', mu: 'float8[]',
    uncertainty: 'float8[]',
  },
  conflict: '(id)',
  values: (s) => [
    s.id, s.materialId, s.absorbingElement, s.edge, s.spectrumType, s.method, s.siteIndex, s.energies, s.mu,
    s.uncertainty, s.e0, s.averagedSites, s.modelVersion,
  ],
};

/** INSERT rows that are not there yet; returns how many were inserted. */
async function insertNewRows<Row>(db: Queryable, spec: TableSpec<Row>, rows: readonly Row[]): Promise<number> {
  let inserted = 0;
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) {
    const chunk = rows.slice(start, start + ROWS_PER_STATEMENT);
    const params: unknown[] = [];
    const tuples = chunk.map((row) => {
      const placeholders = spec.values(row).map((value, i) => {
        params.push(value);
        const cast = spec.casts[spec.columns[i]!];
        return cast ? `$${params.length}::${cast}` : `$${params.length}`;
      });
      return `(${placeholders.join(', ')})`;
    });
    const sql = `INSERT INTO "${spec.table}" (${spec.columns.map((c) => `"${c}"`).join(', ')}) VALUES ${tuples.join(', ')} ON CONFLICT ${spec.conflict} DO NOTHING`;
    inserted += (await db.query(sql, params)).rowCount ?? 0;
  }
  return inserted;
}

export interface WriteCounts {
  materials: number;
  sites: number;
  spectra: number;
}

/** Insert a batch's new rows inside the caller's transaction (materials first: sites and spectra refer to them). */
export async function insertCatalogBatch(db: Queryable, batch: CatalogBatch): Promise<WriteCounts> {
  const materials = await insertNewRows(db, materialTable, batch.materials);
  const sites = await insertNewRows(db, siteTable, batch.sites);
  const spectra = await insertNewRows(db, spectrumTable, batch.spectra);
  return { materials, sites, spectra };
}

/** Write a batch in one transaction: all of it or, on any error, none of it. */
export async function writeCatalogBatch(pool: pg.Pool, batch: CatalogBatch): Promise<WriteCounts> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const counts = await insertCatalogBatch(client, batch);
    await client.query('COMMIT');
    return counts;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** Number of materials in the catalogue. */
export async function countMaterials(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: string }>('SELECT count(*)::text AS n FROM "material"');
  return Number(rows[0]?.n ?? 0);
}
