// pymatgen's dictionary forms of catalogue records (pymatgen.analysis.xas.spectrum.XAS, as_dict/from_dict).
import { type Structure, toPymatgenStructure } from '../structure/structure.ts';

export interface XasFields {
  energies: number[];
  mu: number[];
  absorbingElement: string;
  edge: string;
  spectrumType: string;
  siteIndex: number | null;
}

/** `XAS.as_dict()` form: only `XAS.__init__` arguments (MSONable `from_dict` passes every key to it). */
export function toPymatgenXas(spectrum: XasFields, structure: Structure): Record<string, unknown> {
  return {
    '@module': 'pymatgen.analysis.xas.spectrum',
    '@class': 'XAS',
    x: spectrum.energies,
    y: spectrum.mu,
    structure: toPymatgenStructure(structure),
    absorbing_element: spectrum.absorbingElement,
    edge: spectrum.edge === 'L2_3' ? 'L2,3' : spectrum.edge,
    spectrum_type: spectrum.spectrumType,
    absorbing_index: spectrum.siteIndex,
  };
}
