// The bundled reference library as benchmarks use it, without a database: the measured references
// (seed/measured-references) and the FEFF Cu K catalogue's site averages, grouped into the ReferenceSets the service's
// index would load, and a minimal index with the service's `prepared` cache.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { libraryRows, readManifest } from '../src/catalog/measured-library.ts';
import { omnixasToCatalog, parseOmnixasRecord } from '../src/catalog/omnixas.ts';
import { type CatalogReference, measuredChemistry, type ReferenceSet, shares } from '../src/search/reference-index.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const SEED = path.join(ROOT, 'seed');

/** The FEFF Cu K catalogue's site averages as references (what the service's index loads). */
function feffReferences(): CatalogReference[] {
  const text = zlib.gunzipSync(fs.readFileSync(path.join(SEED, 'omnixas-cu-feff', 'materials.jsonl.gz'))).toString('utf8');
  const out: CatalogReference[] = [];
  for (const line of text.trim().split('\n')) {
    const batch = omnixasToCatalog(parseOmnixasRecord(JSON.parse(line)));
    const avg = batch.spectra.find((s) => s.siteIndex === null);
    if (!avg) continue;
    const material = batch.materials[0]!;
    const sites = batch.sites.filter((s) => s.element === 'Cu');
    out.push({
      spectrumId: avg.id, materialId: material.id, formula: material.formula, elements: material.elements, method: 'FEFF',
      energies: avg.energies, mu: avg.mu, sampleGroup: null,
      oxidationStates: shares(sites.map((s) => ({ value: s.oxidationState, weight: s.weight ?? s.multiplicity }))),
      coordinationNumbers: shares(sites.map((s) => ({ value: s.coordinationNumber, weight: s.weight ?? s.multiplicity }))),
    });
  }
  return out;
}

/** A minimal index: the service's `prepared` cache, without a database. */
export const index = {
  prepared<T>(set: ReferenceSet, name: string, build: (refs: CatalogReference[]) => T): T {
    if (!set.prepared.has(name)) set.prepared.set(name, build(set.references));
    return set.prepared.get(name) as T;
  },
};

/** Every measured reference of the library, by element and edge ("Fe K"); Cu K also holds the FEFF catalogue. */
export async function benchLibrary() {
  const entries = await readManifest(SEED);
  const rows = await libraryRows({ query: async () => ({ rows: [] }) } as never, SEED, entries);
  const fileOf = new Map(rows.map((r) => [r.spectrum.id, `${r.reference.source}:${r.reference.sourceFile}`]));
  const measured: CatalogReference[] = rows.map((r) => ({
    spectrumId: r.spectrum.id, materialId: r.material.id, formula: r.material.formula, elements: r.material.elements, method: 'EXPERIMENT',
    energies: r.spectrum.energies, mu: r.spectrum.mu, sampleGroup: r.reference.sampleGroup,
    ...measuredChemistry({ oxidation_states: r.reference.oxidationStates, coordination_number: r.reference.coordinationNumber }),
  }));
  const feff = feffReferences();
  const sets = new Map<string, ReferenceSet>();
  const setOf = (ref: { absorbingElement: string; edge: string }) => `${ref.absorbingElement} ${ref.edge}`;
  for (const r of rows) {
    const k = setOf(r.spectrum);
    if (!sets.has(k)) {
      sets.set(k, { absorbingElement: r.spectrum.absorbingElement, edge: r.spectrum.edge, spectrumType: 'XANES', includePredicted: false, version: 'bench', references: k === 'Cu K' ? [...feff] : [], prepared: new Map() });
    }
  }
  rows.forEach((r, i) => sets.get(setOf(r.spectrum))!.references.push(measured[i]!));
  return { entries, rows, measured, sets, fileOf, setOf };
}
