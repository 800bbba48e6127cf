// The spectral index: per (absorbing element, edge, spectrum type), the catalogue's site-averaged spectra
// held in memory with what the consensus needs (site oxidation states and coordination numbers), loaded
// from the database on first use and reloaded when the catalogue changes (an ingest or a prediction adds
// spectra). The ranking methods keep their precomputed forms of a set in `prepared` (built once per load).
import type pg from 'pg';
import { selectAbsorbingSites, selectAvailableKinds, selectReferenceSpectra, selectReferenceVersion } from './sql.ts';

/** One value of a site property and its share of the material's absorbing sites (shares sum to 1). */
export interface SiteShare {
  value: number;
  share: number;
}

export interface CatalogReference {
  spectrumId: string;
  materialId: string;
  formula: string;
  elements: string[];
  method: string;
  energies: number[];
  mu: number[];
  /** Records of one physical sample share it (measured references); null for computed ones. */
  sampleGroup: string | null;
  /** Oxidation states of the absorbing sites, weighted by multiplicity (measured: as the source states them; empty when unknown). */
  oxidationStates: SiteShare[];
  /** Coordination numbers of the absorbing sites, weighted by multiplicity (empty when unknown). */
  coordinationNumbers: SiteShare[];
}

export interface ReferenceSet {
  absorbingElement: string;
  edge: string;
  spectrumType: string;
  includePredicted: boolean;
  version: string;
  references: CatalogReference[];
  /** Forms the ranking methods precompute from `references`, by method name. */
  prepared: Map<string, unknown>;
}

/** How long a loaded set is trusted before the database is asked whether it changed. */
const VERSION_CHECK_MS = 1000;

/** Each known value's share of the weight (values without one left out), by value. */
export function shares(values: { value: number | null; weight: number }[]): SiteShare[] {
  const known = values.filter((v): v is { value: number; weight: number } => v.value !== null);
  const total = known.reduce((sum, v) => sum + v.weight, 0);
  if (total <= 0) return [];
  const byValue = new Map<number, number>();
  for (const v of known) byValue.set(v.value, (byValue.get(v.value) ?? 0) + v.weight / total);
  return [...byValue].map(([value, share]) => ({ value, share })).sort((a, b) => a.value - b.value);
}

/** A measured reference's chemistry as its source states it: each absorbing atom's oxidation state counts once. */
export function measuredChemistry(row: { oxidation_states: number[] | null; coordination_number: number | null }): Pick<CatalogReference, 'oxidationStates' | 'coordinationNumbers'> {
  return {
    oxidationStates: shares((row.oxidation_states ?? []).map((value) => ({ value, weight: 1 }))),
    coordinationNumbers: shares([{ value: row.coordination_number, weight: 1 }]),
  };
}

export class ReferenceIndex {
  private readonly sets = new Map<string, { set: ReferenceSet; checkedAt: number }>();
  private readonly loading = new Map<string, Promise<ReferenceSet>>();

  constructor(private readonly pool: pg.Pool) {}

  /** The set of one kind (empty `references` when the catalogue has none), current to within a second. */
  async get(absorbingElement: string, edge: string, spectrumType: string, includePredicted: boolean): Promise<ReferenceSet> {
    const key = [absorbingElement, edge, spectrumType, includePredicted].join('|');
    const cached = this.sets.get(key);
    if (cached && Date.now() - cached.checkedAt < VERSION_CHECK_MS) return cached.set;
    const version = await selectReferenceVersion(this.pool, absorbingElement, edge, spectrumType, includePredicted);
    if (cached && cached.set.version === version) {
      cached.checkedAt = Date.now();
      return cached.set;
    }
    let pending = this.loading.get(key);
    if (!pending) {
      pending = this.load(absorbingElement, edge, spectrumType, includePredicted, version).finally(() => this.loading.delete(key));
      this.loading.set(key, pending);
    }
    const set = await pending;
    this.sets.set(key, { set, checkedAt: Date.now() });
    return set;
  }

  /** What the catalogue holds, for messages: "Cu K XANES (2523 spectra), …". */
  async describe(): Promise<string> {
    const kinds = await selectAvailableKinds(this.pool);
    if (kinds.length === 0) return 'no site-averaged spectra at all';
    return kinds.map((k) => `${k.absorbing_element} ${k.edge} ${k.spectrum_type} (${k.n} spectra)`).join(', ');
  }

  /** The precomputed form `name` of a set, built by `build` on first use. */
  prepared<T>(set: ReferenceSet, name: string, build: (references: CatalogReference[]) => T): T {
    if (!set.prepared.has(name)) set.prepared.set(name, build(set.references));
    return set.prepared.get(name) as T;
  }

  private async load(absorbingElement: string, edge: string, spectrumType: string, includePredicted: boolean, version: string): Promise<ReferenceSet> {
    const rows = await selectReferenceSpectra(this.pool, absorbingElement, edge, spectrumType, includePredicted);
    const sites = await selectAbsorbingSites(this.pool, absorbingElement, [...new Set(rows.map((r) => r.material_id))]);
    const sitesOf = new Map<string, typeof sites>();
    for (const site of sites) {
      const list = sitesOf.get(site.material_id);
      if (list) list.push(site);
      else sitesOf.set(site.material_id, [site]);
    }
    const references = rows.map((row) => {
      const own = sitesOf.get(row.material_id) ?? [];
      return {
        spectrumId: row.spectrum_id,
        materialId: row.material_id,
        formula: row.formula,
        elements: row.elements,
        method: row.method,
        energies: row.energies,
        mu: row.mu,
        sampleGroup: row.sample_group,
        ...(row.method === 'EXPERIMENT' ? measuredChemistry(row) : {
          oxidationStates: shares(own.map((s) => ({ value: s.oxidation_state, weight: s.weight }))),
          coordinationNumbers: shares(own.map((s) => ({ value: s.coordination_number, weight: s.weight }))),
        }),
      };
    });
    return { absorbingElement, edge, spectrumType, includePredicted, version, references, prepared: new Map() };
  }
}
