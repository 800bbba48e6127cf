// Shared shapes of the spectrum-file parsers: text or bytes in, plain data out (no I/O here).

/** The file formats `parseSpectrumFile` reads; `AUTO` sniffs. */
export type SpectrumFormat = 'XDI' | 'COLUMNS' | 'ATHENA_PRJ' | 'PYMATGEN_JSON';
export type SpectrumFormatOption = 'AUTO' | SpectrumFormat;

/** Free-form, JSON-safe facts a parser found in the file (headers, column names, group labels, …). */
export type SpectrumMetadata = Record<string, string | number | boolean | null | string[] | Record<string, string>>;

/** What one format parser returns, before cleaning (sort, merge) and element/edge resolution. */
export interface RawSpectrum {
  energies: number[];
  mu: number[];
  /** Absorbing element / edge as written in the file, unvalidated; null when the file does not say. */
  element: string | null;
  edge: string | null;
  /** True when the file itself declares its energy unit (XDI `Column.1`), so no keV guessing is needed. */
  energyUnitDeclared: boolean;
  warnings: string[];
  metadata: SpectrumMetadata;
}

/** The input of `parseSpectrumFile`: the file as text or bytes, plus what the user says about it. */
export interface ParseSpectrumInput {
  text?: string;
  bytes?: Uint8Array;
  format?: SpectrumFormatOption;
  /** Athena project: the group to read, by label or by Athena's group key. */
  group?: string;
  /** XDI or columns with a header: the column that holds μ (by name), for files of several spectra. */
  column?: string;
  absorbingElement?: string;
  edge?: string;
}

/** A parsed, cleaned spectrum: energies in eV, strictly increasing; mu as in the file. */
export interface ParsedSpectrum {
  energies: number[];
  mu: number[];
  absorbingElement: string | null;
  edge: string | null;
  format: SpectrumFormat;
  warnings: string[];
  metadata: SpectrumMetadata;
}
