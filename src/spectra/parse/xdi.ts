// XDI 1.0 / 1.1 (XAS Data Interchange) text: version line, `# Family.key: value` fields, `# ///` comments,
// `# ---` header end, optional label line, whitespace-delimited numeric rows.
// Spec: XraySpectroscopy/XAS-Data-Interchange specification/spec.md and dictionary.md (see
// shared/notes/formats-normalisation-ecosystem.md §1.1); fatal vs warning as libxdifile, stricter on data.
import { InputError } from '../../errors.ts';
import { muFromChannels, namedColumn } from './channels.ts';
import { parseNumber, quote, splitLines } from './numbers.ts';
import type { RawSpectrum } from './types.ts';
import { readXdiHeader } from './xdi-header.ts';

/** hc in eV·Å (CODATA 2018: 12398.419843 eV·Å), for angle → energy with the mono d-spacing. */
const HC_EV_ANGSTROM = 12398.419843;
/** libxdifile's MAX_COLUMNS. */
const MAX_COLUMNS = 128;

/** Parses an XDI file (`column`: read μ from that column instead of choosing one); throws `InputError` on what the specification calls an error and on what matching needs. */
export function parseXdi(text: string, column?: string): RawSpectrum {
  const lines = splitLines(text);
  const header = readXdiHeader(lines);
  const { fields, comments, labels } = header;
  const warnings = [...header.warnings];
  const rows: { cells: string[]; no: number }[] = [];
  for (let i = header.dataStart; i < lines.length; i++) {
    const trimmed = lines[i]!.trim();
    if (trimmed === '') continue;
    if (trimmed.startsWith('#')) {
      warnings.push(`ignored a comment line among the data rows (line ${i + 1}); data lines must not begin with "#"`);
      continue;
    }
    rows.push({ cells: trimmed.split(/\s+/), no: i + 1 });
  }
  if (rows.length === 0) throw new InputError('the XDI file has no data rows after its header');

  const width = rows[0]!.cells.length;
  if (width > MAX_COLUMNS) throw new InputError(`line ${rows[0]!.no} has ${width} columns; XDI allows at most ${MAX_COLUMNS}`);
  const data: number[][] = Array.from({ length: width }, () => []);
  for (const { cells, no } of rows) {
    if (cells.length !== width) throw new InputError(`line ${no} has ${cells.length} values, expected ${width} like the first data row`);
    cells.forEach((cell, c) => {
      const value = parseNumber(cell);
      if (value === null) throw new InputError(`line ${no}, column ${c + 1}: ${quote(cell)} is not a number`);
      data[c]!.push(value);
    });
  }

  // Column names and units from `Column.N: name unit [|| detail]`, else the label line, else colN.
  const usableLabels = checkedLabels(labels, fields, width, warnings);
  for (const name of Object.keys(fields)) {
    const n = name.startsWith('column.') ? Number(name.slice('column.'.length)) : 0;
    if (n > width) warnings.push(`Column.${n} names a column the data does not have (${width} columns); ignored it`);
  }
  const names: string[] = [];
  const units: Record<string, string> = {};
  for (let c = 0; c < width; c++) {
    const spec = fields[`column.${c + 1}`];
    const [name, unit] = spec ? spec.split('||')[0]!.trim().split(/\s+/) : [];
    const label = name ?? usableLabels?.[c] ?? `col${c + 1}`;
    names.push(label.toLowerCase());
    if (unit) units[label.toLowerCase()] = unit;
  }
  if (fields['column.1'] === undefined) warnings.push('XDI requires Column.1 (the abscissa and its units, e.g. "# Column.1: energy eV"); read column 1 as energy in eV');
  else if (units[names[0]!] === undefined) warnings.push(`Column.1 ${quote(fields['column.1'])} gives no units (XDI requires them, e.g. "energy eV"); read as eV`);

  const columns = new Map(names.map((n, c) => [n, data[c]!] as const));
  const abscissa = names[0]!;
  let energies = data[0]!;
  const unit = (units[abscissa] ?? 'eV').toLowerCase();
  if (abscissa === 'angle' || unit.startsWith('deg') || unit.startsWith('rad')) {
    const d = parseNumber((fields['mono.d_spacing'] ?? '').split(/\s+/)[0] ?? '');
    if (d === null || !(d > 0)) throw new InputError('the abscissa is a mono angle but Mono.d_spacing is missing or not a positive number (Å)');
    const toRad = unit.startsWith('rad') ? 1 : Math.PI / 180;
    energies = energies.map((a) => HC_EV_ANGSTROM / (2 * d * Math.sin(a * toRad))); // Bragg: E = hc / (2 d sin θ)
    warnings.push(`converted mono angle to energy with Mono.d_spacing = ${d} Å`);
  } else if (unit === 'kev') {
    energies = energies.map((e) => e * 1000);
  } else if (unit !== 'ev') {
    throw new InputError(`the energy unit "${units[abscissa]}" in Column.1 is not supported; use eV or keV`);
  } else if (abscissa !== 'energy') {
    warnings.push(`column 1 is "${abscissa}"; read it as energy in eV (XDI: column 1 is the abscissa)`);
  }

  const choice = column === undefined ? muFromChannels(columns) : namedColumn(columns, column);
  if (!choice) {
    throw new InputError(
      `cannot find mu(E) in columns ${names.join(', ')}: need mutrans or mufluor, or i0 with itrans or ifluor`,
    );
  }
  warnings.push(...choice.warnings);
  return {
    energies,
    mu: choice.mu,
    element: fields['element.symbol'] || null,
    edge: fields['element.edge'] || null,
    energyUnitDeclared: units[abscissa] !== undefined,
    warnings,
    metadata: {
      xdiVersion: header.version,
      applications: header.applications,
      fields,
      columns: names,
      units,
      muSource: choice.source,
      comments,
    },
  };
}

/**
 * The label line's labels when XDI's rules hold for them (one per data column), else null with a warning; labels
 * that differ from the Column.N fields are warned about (the fields win).
 */
function checkedLabels(labels: string[] | null, fields: Record<string, string>, width: number, warnings: string[]): string[] | null {
  if (labels === null) return null;
  if (labels.length !== width) {
    warnings.push(`the column label line has ${labels.length} labels for ${width} data columns (XDI requires one per column); ignored the labels`);
    return null;
  }
  const differing = labels.flatMap((label, c) => {
    const named = fields[`column.${c + 1}`]?.split(/\s+/)[0];
    return named !== undefined && named.toLowerCase() !== label.toLowerCase() ? [`${label} (Column.${c + 1}: ${named})`] : [];
  });
  if (differing.length > 0) warnings.push(`column labels differ from the Column.N fields: ${differing.join(', ')}; used the fields`);
  return labels;
}
