// The bundled seed catalogue: OmniXAS Cu K-edge FEFF spectra of Materials Project structures
// (seed/omnixas-cu-feff/README.md defines every field). One JSON line → the rows of one material:
// the structure, its computed absorbing sites, their site spectra, and the site-averaged spectrum.
import { z } from 'zod';
import { siteAveragedSpectrum } from '../spectra/average.ts';
import { compositionKey, compositionOfSpecies, chemsys } from '../structure/composition.ts';
import { type CatalogBatch, spectrumId } from './records.ts';

export const OMNIXAS_PROVENANCE = {
  source: 'OmniXAS Cu K-edge FEFF 9.9.1 XANES (AI-multimodal/OmniXAS, arXiv:2409.19552); structure from the Materials Project',
  license: 'BSD-3-Clause (OmniXAS, Brookhaven Science Associates); Materials Project structures CC-BY-4.0',
  url: 'https://github.com/AI-multimodal/OmniXAS',
};

export const INCOMPLETE_SITES_NOTE =
  'no site-averaged spectrum: the computed Cu sites do not form a complete set of symmetry-inequivalent sites (OmniXAS weights_symprec is null), so an average would be biased';
export const NO_SPECTRA_NOTE = 'no site-averaged spectrum: the source computed no spectrum for this material';

const vector3 = z.tuple([z.number(), z.number(), z.number()]);

/**
 * `z.array(z.number()).min(min)` checked in one plain loop, with the same issues (and paths, down to the
 * offending element). zod's per-element parsing of the spectra's 2.7 million numbers was most of the
 * seed's parse time; this keeps the input array instead of copying it.
 */
function numberArray(min: number): z.ZodType<number[]> {
  return z.any().superRefine((value: unknown, ctx) => {
    if (!Array.isArray(value)) {
      ctx.addIssue({ code: z.ZodIssueCode.invalid_type, expected: 'array', received: z.getParsedType(value) });
      return;
    }
    if (value.length < min) {
      ctx.addIssue({
        code: z.ZodIssueCode.too_small, minimum: min, inclusive: true, exact: false, type: 'array',
        message: `Array must contain at least ${min} element(s)`,
      });
      return;
    }
    for (let i = 0; i < value.length; i++) {
      const x: unknown = value[i];
      if (typeof x !== 'number' || Number.isNaN(x)) {
        ctx.addIssue({ code: z.ZodIssueCode.invalid_type, expected: 'number', received: z.getParsedType(x), path: [i] });
        return;
      }
    }
  }) as z.ZodType<number[]>;
}
const omnixasRecord = z.object({
  material_id: z.string().min(1),
  formula_reduced: z.string().min(1),
  elements: z.array(z.string()).min(1),
  n_sites: z.number().int().positive(),
  volume: z.number(),
  lattice: z.tuple([vector3, vector3, vector3]),
  sites: z.array(z.object({ species: z.string(), frac: vector3 })),
  spacegroup_symbol: z.string(),
  spacegroup_number: z.number().int(),
  split: z.string().nullable(),
  weights_symprec: z.number().nullable(),
  absorbing_sites: z.array(
    z.object({
      site_index: z.number().int().nonnegative(),
      multiplicity: z.number().int().positive(),
      weight: z.number().int().positive().nullable(),
      equivalent_site_indices: z.array(z.number().int()),
      wyckoff: z.string(),
      coordination_number: z.number().int(),
      oxidation_state: z.number().int().nullable(),
      oxidation_state_method: z.string().nullable(),
      split: z.string().nullable(),
      feff: z.object({ edge: z.string(), e0_ev: z.number() }),
      spectrum: z.object({ energy: numberArray(2), mu: numberArray(2) }),
    }),
  ),
});

export type OmnixasRecord = z.infer<typeof omnixasRecord>;

/** Validate one parsed JSON line; throws with the offending field named. */
export function parseOmnixasRecord(value: unknown): OmnixasRecord {
  const parsed = omnixasRecord.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`not an OmniXAS material record: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}

/** The catalogue rows of one OmniXAS material. */
export function omnixasToCatalog(record: OmnixasRecord): CatalogBatch {
  const materialId = record.material_id;
  const species = record.sites.map((s) => s.species);
  if (species.length !== record.n_sites) throw new Error(`${materialId}: n_sites ${record.n_sites} but ${species.length} sites`);
  const composition = compositionOfSpecies(species);
  const hasSpectra = record.absorbing_sites.length > 0;
  const complete = hasSpectra && record.weights_symprec !== null;
  const batch: CatalogBatch = {
    materials: [
      {
        id: materialId,
        formula: record.formula_reduced,
        compositionKey: compositionKey(composition),
        elements: [...record.elements].sort(),
        chemsys: chemsys(record.elements),
        nsites: record.n_sites,
        lattice: record.lattice.flat(),
        species,
        fracCoords: record.sites.flatMap((s) => s.frac),
        volume: record.volume,
        spacegroupSymbol: record.spacegroup_symbol,
        spacegroupNumber: record.spacegroup_number,
        split: record.split,
        siteAverageNote: complete ? null : hasSpectra ? INCOMPLETE_SITES_NOTE : NO_SPECTRA_NOTE,
        provenanceSource: OMNIXAS_PROVENANCE.source,
        provenanceLicense: OMNIXAS_PROVENANCE.license,
        provenanceUrl: OMNIXAS_PROVENANCE.url,
      },
    ],
    sites: [],
    spectra: [],
  };
  for (const site of record.absorbing_sites) {
    const element = species[site.site_index];
    if (element === undefined) throw new Error(`${materialId}: absorbing site ${site.site_index} is not a site of the structure`);
    if (site.feff.edge !== 'K') throw new Error(`${materialId}: site ${site.site_index} has edge ${site.feff.edge}, expected K`);
    batch.sites.push({
      materialId,
      siteIndex: site.site_index,
      element,
      multiplicity: site.multiplicity,
      weight: site.weight,
      equivalentSiteIndices: site.equivalent_site_indices,
      wyckoff: site.wyckoff,
      oxidationState: site.oxidation_state,
      oxidationStateMethod: site.oxidation_state_method,
      coordinationNumber: site.coordination_number,
      split: site.split,
    });
    batch.spectra.push({
      id: spectrumId(materialId, 'XANES', element, 'K', site.site_index),
      materialId,
      absorbingElement: element,
      edge: 'K',
      spectrumType: 'XANES',
      method: 'FEFF',
      siteIndex: site.site_index,
      energies: site.spectrum.energy,
      mu: site.spectrum.mu,
      uncertainty: [],
      e0: site.feff.e0_ev,
      averagedSites: null,
      modelVersion: null,
    });
  }
  if (complete) {
    const sites = record.absorbing_sites.map((s) => ({
      siteIndex: s.site_index,
      weight: s.weight!,
      energies: s.spectrum.energy,
      mu: s.spectrum.mu,
    }));
    const average = siteAveragedSpectrum(sites);
    const totalWeight = sites.reduce((sum, s) => sum + s.weight, 0);
    const element = species[record.absorbing_sites[0]!.site_index]!;
    batch.spectra.push({
      id: spectrumId(materialId, 'XANES', element, 'K', null),
      materialId,
      absorbingElement: element,
      edge: 'K',
      spectrumType: 'XANES',
      method: 'FEFF',
      siteIndex: null,
      energies: average.energies,
      mu: average.mu,
      uncertainty: [],
      e0: record.absorbing_sites.reduce((sum, s) => sum + s.weight! * s.feff.e0_ev, 0) / totalWeight,
      averagedSites: sites.length,
      modelVersion: null,
    });
  }
  return batch;
}
