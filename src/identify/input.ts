// Turns an identification's input (arrays or a file: text, or gzip as base64) into a clean spectrum with its
// absorbing element and edge, using the pure parsers of src/spectra/parse/.
import { InputError } from '../errors.ts';
import { cleanSpectrum, parseSpectrumFile, type SpectrumFormatOption } from '../spectra/parse/index.ts';
import { resolveElementEdge } from '../spectra/parse/resolve.ts';
import { EDGES } from '../catalog/records.ts';

export interface SpectrumInput {
  energies?: number[] | null;
  mu?: number[] | null;
  file?: string | null;
  format?: SpectrumFormatOption | null;
  group?: string | null;
  absorbingElement?: string | null;
  edge?: string | null;
  computed?: boolean | null;
}

export interface InputSpectrum {
  energies: number[];
  mu: number[];
  absorbingElement: string;
  edge: string;
  computed: boolean;
  /** Already normalised to its edge step and flattened (a decomposeSeries component): not normalised again. */
  normalized?: boolean;
  warnings: string[];
}

export function readInputSpectrum(input: SpectrumInput): InputSpectrum {
  const hasArrays = input.energies != null || input.mu != null;
  if (hasArrays && input.file != null) throw new InputError('give either energies and mu, or a file, not both', 'input');
  const declared = { absorbingElement: input.absorbingElement ?? undefined, edge: input.edge ?? undefined };
  let parsed: { energies: number[]; mu: number[]; absorbingElement: string | null; edge: string | null; warnings: string[] };
  let computedBy: string | null = null;
  if (input.file != null) {
    const file = parseSpectrumFile({ text: input.file, format: input.format ?? 'AUTO', group: input.group ?? undefined, ...declared });
    parsed = file;
    computedBy = typeof file.metadata['computedBy'] === 'string' ? file.metadata['computedBy'] : null;
  } else if (input.energies != null && input.mu != null) {
    const clean = cleanSpectrum(input.energies, input.mu);
    const resolved = resolveElementEdge(clean, { element: null, edge: null, energyUnitDeclared: false }, declared);
    parsed = { energies: resolved.energies, mu: clean.mu, absorbingElement: resolved.absorbingElement, edge: resolved.edge, warnings: [...clean.warnings, ...resolved.warnings] };
  } else {
    throw new InputError('give the spectrum as energies and mu (both), or as a file', 'input');
  }
  if (!parsed.absorbingElement) throw new InputError('the absorbing element is unknown: give absorbingElement (e.g. "Cu")', 'absorbingElement');
  if (!parsed.edge) throw new InputError('the edge is unknown: give edge (e.g. K)', 'edge');
  checkModelledEdge(parsed.absorbingElement, parsed.edge, input.edge == null);
  const warnings = [...parsed.warnings];
  if (computedBy !== null && input.computed == null) {
    warnings.push(`the file says it was computed (${computedBy}): compared as a computed spectrum, like the catalogue's (send computed: false to treat it as measured)`);
  }
  return { ...parsed, warnings, absorbingElement: parsed.absorbingElement, edge: parsed.edge, computed: input.computed ?? computedBy !== null };
}

/**
 * The catalogue models the edges of EDGES only (its Edge enum): any other (an M5 inferred from the energies, an N
 * edge a file declares) is a request to fix, not a database error.
 */
function checkModelledEdge(element: string, edge: string, inferred: boolean): void {
  if ((EDGES as readonly string[]).includes(edge)) return;
  throw new InputError(
    `the ${element} ${edge} edge${inferred ? ' (taken from the file or inferred from the edge energy)' : ''} is not one the catalogue holds references for ` +
      `(${EDGES.join(', ')}): give absorbingElement and edge if the inference is wrong, or send a spectrum of one of those edges`,
    'edge',
  );
}
