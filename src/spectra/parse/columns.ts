// Plain column text (two or more columns): comma, tab, `;` or whitespace delimited, `#` comments,
// an optional header row. Column 1 is energy unless a header names it (MP XAS Matcher convention:
// materialsproject/docs docs/user-guide/xas-matcher.md); μ is column 2 unless a header names a μ column.
import { InputError } from '../../errors.ts';
import { muFromChannels, namedColumn } from './channels.ts';
import { parseNumber, quote, splitLines } from './numbers.ts';
import type { RawSpectrum } from './types.ts';

type Delimiter = '\t' | ';' | ',' | 'whitespace';

/** Names of an energy column (lower case), most preferred first; FEFF's `omega` is absolute, its `e` relative. */
const ENERGY_NAMES = ['energy', 'energy_ev', 'energy(ev)', 'e(ev)', 'omega', 'en', 'e', 'x'];

function splitRow(line: string, delimiter: Delimiter, decimalComma: boolean): string[] {
  const trimmed = line.trim();
  let cells =
    delimiter === 'whitespace' ? trimmed.split(/\s+/) : trimmed.split(delimiter).map((c) => c.trim());
  if (cells.length > 1 && cells[cells.length - 1] === '') cells = cells.slice(0, -1);
  return decimalComma ? cells.map((c) => c.replace(',', '.')) : cells;
}

function allNumeric(cells: string[]): boolean {
  return cells.length >= 2 && cells.every((c) => parseNumber(c) !== null);
}

/** The delimiter under which the sample rows (the first data row) all split into the same number (≥ 2) of numeric cells. */
function sniffDelimiter(rows: string[]): { delimiter: Delimiter; decimalComma: boolean } | null {
  const candidates: [Delimiter, boolean][] = [
    ['\t', false], [';', false], [',', false], ['whitespace', false], [';', true], ['\t', true], ['whitespace', true],
  ];
  for (const [delimiter, decimalComma] of candidates) {
    const widths = rows.map((r) => splitRow(r, delimiter, decimalComma)).map((c) => (allNumeric(c) ? c.length : -1));
    if (widths.every((w) => w >= 2 && w === widths[0])) return { delimiter, decimalComma };
  }
  return null;
}

/** Header labels: lower case, without units in brackets' surrounding spaces; tokens without letters dropped. */
function labelsOf(line: string, delimiter: Delimiter): string[] {
  const body = line.replace(/^[#!%\s]+/, '');
  const cells = delimiter === 'whitespace' ? body.trim().split(/\s+/) : body.split(delimiter).map((c) => c.trim());
  return cells.filter((c) => /[a-z]/i.test(c)).map((c) => c.toLowerCase().replace(/\s+/g, ''));
}

/** Parses plain column text into energies and μ; throws `InputError` naming the line at fault. */
export function parseColumns(text: string, column?: string): RawSpectrum {
  const lines = splitLines(text);
  const isComment = (l: string) => /^\s*[#!%]/.test(l);
  const content = lines.map((l, i) => ({ line: l, no: i + 1 })).filter((l) => l.line.trim() !== '');
  const firstDataIdx = content.findIndex((l) => !isComment(l.line) && /^\s*[+-]?\.?\d/.test(l.line));
  if (firstDataIdx < 0) throw new InputError('no numeric data rows found: expected lines of numbers such as "8979.0, 1.23"');
  const sample = [content[firstDataIdx]!.line];
  const sniffed = sniffDelimiter(sample);
  if (!sniffed) {
    throw new InputError(
      `cannot read the data rows as columns of numbers (line ${content[firstDataIdx]!.no}: ${quote(content[firstDataIdx]!.line.trim())}); ` +
        'use comma, tab, ";" or spaces between values and "." as the decimal mark',
    );
  }
  const { delimiter, decimalComma } = sniffed;
  const warnings: string[] = [];
  if (decimalComma) warnings.push('read "," as the decimal mark');

  // Header: the last non-empty line before the data (a comment or a text row) with one label per column.
  const width = splitRow(sample[0]!, delimiter, decimalComma).length;
  let labels: string[] | null = null;
  if (firstDataIdx > 0) {
    const found = labelsOf(content[firstDataIdx - 1]!.line, delimiter);
    if (found.length === width) labels = found;
  }
  const comments = content.slice(0, firstDataIdx).filter((l) => isComment(l.line)).map((l) => l.line);

  const data: number[][] = Array.from({ length: width }, () => []);
  for (const { line, no } of content.slice(firstDataIdx)) {
    if (isComment(line)) continue;
    const cells = splitRow(line, delimiter, decimalComma);
    if (cells.length !== width) {
      throw new InputError(`line ${no} has ${cells.length} values, expected ${width} like the first data row`);
    }
    cells.forEach((cell, c) => {
      const value = parseNumber(cell);
      if (value === null) throw new InputError(`line ${no}, column ${c + 1}: ${quote(cell)} is not a number`);
      data[c]!.push(value);
    });
  }

  let energyCol = 0;
  let muValues: number[] = data[1]!;
  let muSource = labels ? labels[1]! : 'column 2';
  if (labels) {
    const named = ENERGY_NAMES.map((n) => labels!.indexOf(n)).find((i) => i >= 0);
    if (named !== undefined) energyCol = named;
    const byName = new Map(labels.map((l, i) => [l, data[i]!] as const));
    const choice = column === undefined ? muFromChannels(byName) : namedColumn(byName, column);
    if (choice) {
      muValues = choice.mu;
      muSource = choice.source;
      warnings.push(...choice.warnings);
    } else {
      const other = data.findIndex((_, i) => i !== energyCol);
      muValues = data[other]!;
      muSource = labels[other]!;
      if (width > 2) warnings.push(`no column is named as mu; used column ${other + 1} (${labels[other]}) of ${width}`);
    }
  } else if (column !== undefined) {
    throw new InputError(`column "${column}" was asked for, but no header line names the columns`, 'column');
  } else if (width > 2) {
    warnings.push(`no header names the columns; used column 1 as energy and column 2 as mu (of ${width} columns)`);
  }
  return {
    energies: data[energyCol]!,
    mu: muValues,
    element: null,
    edge: null,
    energyUnitDeclared: false,
    warnings,
    metadata: {
      delimiter: delimiter === '\t' ? 'tab' : delimiter,
      columns: labels ?? data.map((_, i) => `col${i + 1}`),
      energyColumn: labels ? labels[energyCol]! : 'col1',
      muSource,
      comments,
    },
  };
}
