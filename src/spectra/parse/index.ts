// Entry point of the spectrum-file parsers: decode → sniff → parse one format → clean → element/edge.
// Pure: text or bytes in, plain data out (no fs, no database, no GraphQL).
import { InputError } from '../../errors.ts';
import { parseAthenaProject } from './athena.ts';
import { cleanSpectrum } from './clean.ts';
import { parseColumns } from './columns.ts';
import { decodeFile } from './decode.ts';
import { parsePymatgenXas } from './pymatgen.ts';
import { resolveElementEdge } from './resolve.ts';
import { sniffFormat } from './sniff.ts';
import { parseXdi } from './xdi.ts';
import type { ParsedSpectrum, ParseSpectrumInput, RawSpectrum, SpectrumFormat } from './types.ts';

export type { ParsedSpectrum, ParseSpectrumInput, SpectrumFormat, SpectrumFormatOption, SpectrumMetadata } from './types.ts';
export { cleanSpectrum, MIN_POINTS } from './clean.ts';
export { edgeEnergy, guessEdge, normalizeEdge, normalizeElement } from './edges.ts';
export { MAX_FILE_BYTES, MAX_INFLATED_BYTES } from './decode.ts';

const FORMATS: readonly string[] = ['AUTO', 'XDI', 'COLUMNS', 'ATHENA_PRJ', 'PYMATGEN_JSON'];

/** One format's parser on decoded text (`group`: Athena group; `column`: the μ column of XDI or columns). */
export function parseAs(format: SpectrumFormat, text: string, group: string | undefined, column: string | undefined): RawSpectrum {
  switch (format) {
    case 'XDI':
      return parseXdi(text, column);
    case 'COLUMNS':
      return parseColumns(text, column);
    case 'ATHENA_PRJ':
      return parseAthenaProject(text, group);
    case 'PYMATGEN_JSON':
      return parsePymatgenXas(text);
  }
}

/**
 * Parses an uploaded spectrum file into energies (eV, strictly increasing) and μ, with the absorbing
 * element and edge taken from the file, else from the input, else inferred from the edge energy (warned).
 * Throws `InputError` with a message that says what to fix; never anything else for any input.
 */
export function parseSpectrumFile(input: ParseSpectrumInput): ParsedSpectrum {
  const option = input.format ?? 'AUTO';
  if (!FORMATS.includes(option)) throw new InputError(`format must be one of ${FORMATS.join(', ')}; got "${option}"`, 'format');
  try {
    const { text, gzipped } = decodeFile(input);
    if (text.trim() === '') throw new InputError('the file is empty', 'file');
    const format = option === 'AUTO' ? sniffFormat(text) : option;
    const raw = parseAs(format, text, input.group, input.column);
    const clean = cleanSpectrum(raw.energies, raw.mu);
    const resolved = resolveElementEdge(clean, raw, input);
    return {
      energies: resolved.energies,
      mu: clean.mu,
      absorbingElement: resolved.absorbingElement,
      edge: resolved.edge,
      format,
      warnings: [...raw.warnings, ...clean.warnings, ...resolved.warnings],
      metadata: { ...raw.metadata, gzipped, points: clean.energies.length },
    };
  } catch (e) {
    if (e instanceof InputError) throw e;
    // A parser bug must not become a 500: report it as unreadable input, keeping the cause.
    throw new InputError(`cannot read the file: ${(e as Error)?.message ?? String(e)}`, 'file');
  }
}
