// Catalogue resolvers: glue between the schema (src/schema/catalog.graphql) and src/catalog/.
import type { Material, Spectrum } from '../generated/prisma/client.ts';
import { listMaterials, listSpectra } from '../catalog/catalog.ts';
import { materialOrigin } from '../catalog/origin.ts';
import { toPymatgenXas } from '../catalog/pymatgen.ts';
import { NotFoundError } from '../errors.ts';
import {
  type Structure,
  fracToCartesian,
  latticeParameters,
  matrixFromFlat,
  toCif,
  toPoscar,
  toPymatgenStructure,
  vectorsFromFlat,
} from '../structure/structure.ts';
import type { AbsorbingSiteResolvers, MaterialResolvers, QueryResolvers, SpectrumResolvers } from '../generated/graphql.ts';
import type { Context } from './context.ts';

/** The structure of a material row, or null when the catalogue has none (spectra ingested without one). */
function structureOf(material: Material): Structure | null {
  if (material.lattice.length !== 9) return null;
  return { lattice: matrixFromFlat(material.lattice), species: material.species, fracCoords: vectorsFromFlat(material.fracCoords) };
}

async function materialOf(spectrum: Spectrum, ctx: Context): Promise<Material> {
  const material = await ctx.loaders.materialById.load(spectrum.materialId);
  if (!material) throw new Error(`spectrum ${spectrum.id} refers to missing material ${spectrum.materialId}`);
  return material;
}

export const catalogResolvers: {
  Query: QueryResolvers;
  Material: MaterialResolvers;
  AbsorbingSite: AbsorbingSiteResolvers;
  Spectrum: SpectrumResolvers;
} = {
  Query: {
    async material(_, { id }, ctx) {
      const material = await ctx.loaders.materialById.load(id);
      if (!material) throw new NotFoundError(`no material with id "${id}" (ids look like "mp-1005792")`);
      return material;
    },
    async spectrum(_, { id }, ctx) {
      const spectrum = await ctx.loaders.spectrumById.load(id);
      if (!spectrum) throw new NotFoundError(`no spectrum with id "${id}" (ids look like "mp-1005792-XANES-Cu-K" or "mp-1005792-XANES-Cu-K-site8")`);
      return spectrum;
    },
    async materials(_, args, ctx) {
      const page = await listMaterials(ctx.db.prisma, args);
      for (const { node } of page.edges) ctx.loaders.materialById.prime(node.id, node);
      return page;
    },
    async spectra(_, args, ctx) {
      const page = await listSpectra(ctx.db.prisma, args);
      for (const { node } of page.edges) ctx.loaders.spectrumById.prime(node.id, node);
      return page;
    },
  },
  Material: {
    lattice: (m) => (m.lattice.length === 9 ? { matrix: matrixFromFlat(m.lattice), ...latticeParameters(matrixFromFlat(m.lattice)) } : null),
    sites(m) {
      const structure = structureOf(m);
      if (!structure) return [];
      return structure.species.map((species, index) => ({
        index,
        species,
        fracCoords: structure.fracCoords[index]!,
        cartesianCoords: fracToCartesian(structure.fracCoords[index]!, structure.lattice),
      }));
    },
    absorbingSites: (m, _, ctx) => ctx.loaders.sitesByMaterial.load(m.id),
    async spectra(m, args, ctx) {
      const spectra = await ctx.loaders.spectraByMaterial.load(m.id);
      return spectra.filter(
        (s) =>
          (args.siteResolved == null || (s.siteIndex !== null) === args.siteResolved) &&
          (args.absorbingElement == null || s.absorbingElement === args.absorbingElement) &&
          (args.edge == null || s.edge === args.edge),
      );
    },
    structure(m) {
      const structure = structureOf(m);
      if (!structure) return null;
      const comment = `${m.formula} ${m.id}`;
      return { poscar: toPoscar(structure, comment), cif: toCif(structure, m.id), pymatgen: toPymatgenStructure(structure) };
    },
    provenance: (m) => ({ source: m.provenanceSource, license: m.provenanceLicense, url: m.provenanceUrl }),
    origin: (m) => materialOrigin(m.id),
  },
  AbsorbingSite: {
    async spectrum(site, _, ctx) {
      const spectra = await ctx.loaders.spectraByMaterial.load(site.materialId);
      return spectra.find((s) => s.siteIndex === site.siteIndex && s.absorbingElement === site.element) ?? null;
    },
  },
  Spectrum: {
    uncertainty: (s) => (s.uncertainty.length > 0 ? s.uncertainty : null),
    measured: (s, _, ctx) => (s.method === 'EXPERIMENT' ? ctx.loaders.measuredBySpectrum.load(s.id) : null),
    material: (s, _, ctx) => materialOf(s, ctx),
    async pymatgen(s, _, ctx) {
      const material = await materialOf(s, ctx);
      const structure = structureOf(material);
      if (!structure) throw new NotFoundError(`spectrum ${s.id}: its material ${material.id} has no structure, which pymatgen's XAS requires`);
      return toPymatgenXas(s, structure);
    },
  },
};
