// Catalogue resolvers: glue between the schema (src/schema/catalog.graphql) and src/catalog/.
import type { AbsorbingSite, Material, Spectrum } from '../generated/prisma/client.ts';
import { listMaterials, listSpectra, type ListArgs, type MaterialFilter, type SpectrumFilter } from '../catalog/catalog.ts';
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

export const catalogResolvers = {
  Query: {
    async material(_: unknown, { id }: { id: string }, ctx: Context) {
      const material = await ctx.loaders.materialById.load(id);
      if (!material) throw new NotFoundError(`no material with id "${id}" (ids look like "mp-1005792")`);
      return material;
    },
    async spectrum(_: unknown, { id }: { id: string }, ctx: Context) {
      const spectrum = await ctx.loaders.spectrumById.load(id);
      if (!spectrum) throw new NotFoundError(`no spectrum with id "${id}" (ids look like "mp-1005792-XANES-Cu-K" or "mp-1005792-XANES-Cu-K-site8")`);
      return spectrum;
    },
    async materials(_: unknown, args: ListArgs<MaterialFilter>, ctx: Context) {
      const page = await listMaterials(ctx.db.prisma, args);
      for (const { node } of page.edges) ctx.loaders.materialById.prime(node.id, node);
      return page;
    },
    async spectra(_: unknown, args: ListArgs<SpectrumFilter>, ctx: Context) {
      const page = await listSpectra(ctx.db.prisma, args);
      for (const { node } of page.edges) ctx.loaders.spectrumById.prime(node.id, node);
      return page;
    },
  },
  Material: {
    lattice: (m: Material) => (m.lattice.length === 9 ? { matrix: matrixFromFlat(m.lattice), ...latticeParameters(matrixFromFlat(m.lattice)) } : null),
    sites(m: Material) {
      const structure = structureOf(m);
      if (!structure) return [];
      return structure.species.map((species, index) => ({
        index,
        species,
        fracCoords: structure.fracCoords[index],
        cartesianCoords: fracToCartesian(structure.fracCoords[index]!, structure.lattice),
      }));
    },
    absorbingSites: (m: Material, _: unknown, ctx: Context) => ctx.loaders.sitesByMaterial.load(m.id),
    async spectra(m: Material, args: { siteResolved?: boolean | null; absorbingElement?: string | null; edge?: string | null }, ctx: Context) {
      const spectra = await ctx.loaders.spectraByMaterial.load(m.id);
      return spectra.filter(
        (s) =>
          (args.siteResolved == null || (s.siteIndex !== null) === args.siteResolved) &&
          (args.absorbingElement == null || s.absorbingElement === args.absorbingElement) &&
          (args.edge == null || s.edge === args.edge),
      );
    },
    structure(m: Material) {
      const structure = structureOf(m);
      if (!structure) return null;
      const comment = `${m.formula} ${m.id}`;
      return { poscar: toPoscar(structure, comment), cif: toCif(structure, m.id), pymatgen: toPymatgenStructure(structure) };
    },
    provenance: (m: Material) => ({ source: m.provenanceSource, license: m.provenanceLicense, url: m.provenanceUrl }),
  },
  AbsorbingSite: {
    async spectrum(site: AbsorbingSite, _: unknown, ctx: Context) {
      const spectra = await ctx.loaders.spectraByMaterial.load(site.materialId);
      return spectra.find((s) => s.siteIndex === site.siteIndex && s.absorbingElement === site.element) ?? null;
    },
  },
  Spectrum: {
    uncertainty: (s: Spectrum) => (s.uncertainty.length > 0 ? s.uncertainty : null),
    material: (s: Spectrum, _: unknown, ctx: Context) => materialOf(s, ctx),
    async pymatgen(s: Spectrum, _: unknown, ctx: Context) {
      const material = await materialOf(s, ctx);
      const structure = structureOf(material);
      if (!structure) throw new NotFoundError(`spectrum ${s.id}: its material ${material.id} has no structure, which pymatgen's XAS requires`);
      return toPymatgenXas(s, structure);
    },
  },
};
