// DataLoaders for every relation of the catalogue, so that a page of N materials with their sites and
// spectra costs a constant number of SQL queries. Create one set per request (the cache is per request).
import DataLoader from 'dataloader';
import type { AbsorbingSite, Material, MeasuredReference, PrismaClient, Spectrum } from '../generated/prisma/client.ts';
import { catalogMaterialsOfJobs } from '../jobs/tracking.ts';

export interface CatalogLoaders {
  materialById: DataLoader<string, Material | null>;
  spectrumById: DataLoader<string, Spectrum | null>;
  /** A material's spectra: site-averaged first, then by site index. */
  spectraByMaterial: DataLoader<string, Spectrum[]>;
  /** A material's absorbing sites by site index. */
  sitesByMaterial: DataLoader<string, AbsorbingSite[]>;
  /** A measured spectrum's provenance and chemistry (null for computed spectra). */
  measuredBySpectrum: DataLoader<string, MeasuredReference | null>;
  /** The id of the catalogue material holding a prediction job's submitted structure (null when none does), by job id. */
  catalogMaterialOfJob: DataLoader<string, string | null>;
}

function byKey<T>(keys: readonly string[], rows: T[], keyOf: (row: T) => string): (T | null)[] {
  const map = new Map(rows.map((row) => [keyOf(row), row]));
  return keys.map((key) => map.get(key) ?? null);
}

function groupedBy<T>(keys: readonly string[], rows: T[], keyOf: (row: T) => string): T[][] {
  const groups = new Map<string, T[]>(keys.map((key) => [key, []]));
  for (const row of rows) groups.get(keyOf(row))?.push(row);
  return keys.map((key) => groups.get(key)!);
}

export function createCatalogLoaders(prisma: PrismaClient): CatalogLoaders {
  const materialById = new DataLoader<string, Material | null>(async (ids) =>
    byKey(ids, await prisma.material.findMany({ where: { id: { in: [...ids] } } }), (m) => m.id),
  );
  const spectrumById = new DataLoader<string, Spectrum | null>(async (ids) =>
    byKey(ids, await prisma.spectrum.findMany({ where: { id: { in: [...ids] } } }), (s) => s.id),
  );
  const spectraByMaterial = new DataLoader<string, Spectrum[]>(async (materialIds) => {
    const rows = await prisma.spectrum.findMany({
      where: { materialId: { in: [...materialIds] } },
      orderBy: [{ siteIndex: { sort: 'asc', nulls: 'first' } }, { id: 'asc' }],
    });
    for (const row of rows) spectrumById.prime(row.id, row);
    return groupedBy(materialIds, rows, (s) => s.materialId);
  });
  const sitesByMaterial = new DataLoader<string, AbsorbingSite[]>(async (materialIds) =>
    groupedBy(
      materialIds,
      await prisma.absorbingSite.findMany({ where: { materialId: { in: [...materialIds] } }, orderBy: { siteIndex: 'asc' } }),
      (s) => s.materialId,
    ),
  );
  const measuredBySpectrum = new DataLoader<string, MeasuredReference | null>(async (ids) =>
    byKey(ids, await prisma.measuredReference.findMany({ where: { spectrumId: { in: [...ids] } } }), (r) => r.spectrumId),
  );
  const catalogMaterialOfJob = new DataLoader<string, string | null>((jobIds) => catalogMaterialsOfJobs(prisma, jobIds));
  return { materialById, spectrumById, spectraByMaterial, sitesByMaterial, measuredBySpectrum, catalogMaterialOfJob };
}
