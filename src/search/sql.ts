// SQL of the spectral index: the catalogue's site-averaged spectra of one (absorbing element, edge, type),
// with what the consensus needs from their materials and absorbing sites. Each statement a named function.
import type pg from 'pg';

export interface ReferenceRow {
  spectrum_id: string;
  material_id: string;
  method: string;
  energies: number[];
  mu: number[];
  formula: string;
  elements: string[];
  /** Measured references only (EXPERIMENT): the compound's stated chemistry and the sample group. */
  oxidation_states: number[] | null;
  coordination_number: number | null;
  sample_group: string | null;
}

export interface SiteRow {
  material_id: string;
  oxidation_state: number | null;
  coordination_number: number | null;
  weight: number;
}

/** The kind asked for, and for XANES also measured XAFS scans (their near edge is what is compared). */
const TYPE_CONDITION = `(s.spectrum_type = $3::"SpectrumType" OR ($3 = 'XANES' AND s.method = 'EXPERIMENT' AND s.spectrum_type = 'XAFS'))`;

/** Site-averaged spectra of one kind (measured references with their stated chemistry), predicted ones only when asked, in id order. */
export async function selectReferenceSpectra(
  db: pg.Pool,
  absorbingElement: string,
  edge: string,
  spectrumType: string,
  includePredicted: boolean,
): Promise<ReferenceRow[]> {
  const { rows } = await db.query<ReferenceRow>(
    `SELECT s.id AS spectrum_id, s.material_id, s.method::text AS method, s.energies, s.mu, m.formula, m.elements,
            r.oxidation_states, r.coordination_number, r.sample_group
     FROM "spectrum" s JOIN "material" m ON m.id = s.material_id LEFT JOIN "measured_reference" r ON r.spectrum_id = s.id
     WHERE s.absorbing_element = $1 AND s.edge = $2::"Edge" AND ${TYPE_CONDITION}
       AND s.site_index IS NULL AND ($4 OR s.method <> 'ML_PREDICTED')
     ORDER BY s.id`,
    [absorbingElement, edge, spectrumType, includePredicted],
  );
  return rows;
}

/** Absorbing sites of `element` in the given materials, with their averaging weights. */
export async function selectAbsorbingSites(db: pg.Pool, element: string, materialIds: string[]): Promise<SiteRow[]> {
  const { rows } = await db.query<SiteRow>(
    `SELECT material_id, oxidation_state, coordination_number, coalesce(weight, multiplicity) AS weight
     FROM "absorbing_site" WHERE element = $1 AND material_id = ANY($2::text[])`,
    [element, materialIds],
  );
  return rows;
}

/** A fingerprint of one kind's site-averaged spectra (predicted ones only with `includePredicted`): changes when an
 * ingest adds some, or a prediction job (with `includePredicted`); predictions leave the computed-only set alone. */
export async function selectReferenceVersion(db: pg.Pool, absorbingElement: string, edge: string, spectrumType: string, includePredicted: boolean): Promise<string> {
  const { rows } = await db.query<{ version: string }>(
    `SELECT count(*)::text || ':' || coalesce(max(s.created_at)::text, '') AS version
     FROM "spectrum" s WHERE s.absorbing_element = $1 AND s.edge = $2::"Edge" AND ${TYPE_CONDITION} AND s.site_index IS NULL
       AND ($4 OR s.method <> 'ML_PREDICTED')`,
    [absorbingElement, edge, spectrumType, includePredicted],
  );
  return rows[0]!.version;
}

/** What the catalogue holds, for error messages: site-averaged spectra per element, edge and type. */
export async function selectAvailableKinds(db: pg.Pool): Promise<{ absorbing_element: string; edge: string; spectrum_type: string; n: number }[]> {
  const { rows } = await db.query(
    `SELECT absorbing_element, edge::text, spectrum_type::text, count(*)::int AS n FROM "spectrum"
     WHERE site_index IS NULL GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
  );
  return rows;
}
