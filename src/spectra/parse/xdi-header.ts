// The header of an XDI 1.0 file, checked against the specification (XraySpectroscopy/XAS-Data-Interchange,
// specification/spec.md; tests/fixtures/spectra/xdi-conformance/README.md lists each rule, its file and outcome).
// What the specification requires of the file's grammar is an error (InputError naming the line); what it requires
// of content the file can still be read without (required fields, units, where comments stand, column labels) is a
// warning, and the offending part is ignored — libxdifile's split between its ERR_ and WRN_ codes.
//
//   line 1            # XDI/<major>.<minor>[.<release>] [application/version …]     (required)
//   fields            # Family.key: value   (Family: a letter, then letters, digits, _; key: letters, digits, _, -)
//   [# ///            field-end line, required before user comments]
//   [# free text      user comments]
//   # ---             header-end line (required)
//   [# label label …  column labels: one per data column, as the Column.N fields name them]
import { InputError } from '../../errors.ts';
import { normalizeEdge, normalizeElement } from './edges.ts';
import { parseNumber, quote } from './numbers.ts';

export interface XdiHeader {
  /** The version after `XDI/` (`1.0`) and the application strings after it. */
  version: string;
  applications: string;
  /** Fields by lower-cased `family.key`; the last occurrence of a repeated one. Empty values are ''. */
  fields: Record<string, string>;
  comments: string[];
  /** The column label line's labels, or null when there is none. */
  labels: string[] | null;
  /** 0-based index of the first data line. */
  dataStart: number;
  warnings: string[];
}

const VERSION_LINE = /^#\s*XDI\/(\S*)\s*(.*)$/i;
const VERSION_NUMBER = /^\d+\.\d+(\.\d+)?$/;
/** `# Family.key: value`: the name is what stands before the first colon. */
const FAMILY = /^[A-Za-z][A-Za-z0-9_]*$/;
const KEY = /^[A-Za-z0-9_-]+$/;
const FIELD_END = /^#\s*\/{3,}\s*$/;
const HEADER_END = /^#\s*-{3,}\s*$/;
/** libxdifile's DATALINE: a line that starts like a number is the first line of the data. */
const DATA_LINE = /^[+-]?(\d|\.\d)/;
/** The namespaces XDI's dictionary defines (lower case); the rest are extensions. */
const DEFINED_NAMESPACES = new Set(['facility', 'beamline', 'mono', 'detector', 'sample', 'scan', 'element', 'column']);
const ISO_8601 = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

function fail(lineNo: number, message: string): never {
  throw new InputError(`XDI line ${lineNo}: ${message}`, 'file');
}

/** The version line (line 1); an InputError when there is none or its version is not `<integer>.<integer>[.<integer>]`. */
function versionOf(line: string | undefined, warnings: string[]): { version: string; applications: string } {
  const match = VERSION_LINE.exec(line?.trim() ?? '');
  if (!match) fail(1, 'not an XDI file: line 1 must start with "# XDI/1.0" (the version line; application/version words may follow)');
  const version = match[1]!;
  if (!VERSION_NUMBER.test(version)) fail(1, `the XDI version ${quote(version)} must be integers, <version>.<subversion>[.<release>] (e.g. "# XDI/1.0")`);
  if (!version.startsWith('1.')) warnings.push(`the file says XDI/${version}; read by the rules of XDI 1.x`);
  return { version, applications: match[2]!.trim() };
}

/** One `# Family.key: value` line of the fields section → [lower-cased name, value]; an InputError when it is not one. */
function fieldOf(text: string, lineNo: number): [string, string] {
  const body = text.replace(/^#\s*/, '');
  const colon = body.indexOf(':');
  if (colon < 0) {
    fail(lineNo, `${quote(body)} is not a "Family.key: value" field (no colon); user comments go after a "# ///" line, below the fields`);
  }
  const name = body.slice(0, colon).trim();
  const parts = name.split('.');
  if (parts.length !== 2) {
    fail(lineNo, `the field name ${quote(name)} must be two words joined by one dot, "Family.key" (found ${parts.length - 1} dots)`);
  }
  const [family, key] = parts as [string, string];
  if (!FAMILY.test(family)) fail(lineNo, `the family ${quote(family)} of field ${quote(name)} must start with a letter, then letters, digits or _`);
  if (!KEY.test(key)) fail(lineNo, `the key ${quote(key)} of field ${quote(name)} must be letters, digits, _ or -`);
  return [name.toLowerCase(), body.slice(colon + 1).trim()];
}

/** Warnings for defined fields whose values break their rules (each such field is then ignored, as the spec asks). */
function checkDefinedFields(fields: Record<string, string>, warnings: string[]): void {
  for (const [name, what] of [
    ['element.symbol', 'the absorbing element'],
    ['element.edge', 'the absorption edge'],
  ] as const) {
    const value = fields[name];
    if (value === undefined) warnings.push(`XDI requires ${name === 'element.symbol' ? 'Element.symbol' : 'Element.edge'} (${what}); the file has none`);
    else if (value === '') {
      warnings.push(`${name === 'element.symbol' ? 'Element.symbol' : 'Element.edge'} is empty; ignored it`);
      delete fields[name];
    } else if ((name === 'element.symbol' ? normalizeElement(value) : normalizeEdge(value)) === null) {
      warnings.push(`${name === 'element.symbol' ? 'Element.symbol' : 'Element.edge'} ${quote(value)} is not ${name === 'element.symbol' ? 'an element symbol' : 'an edge name'}; ignored it`);
      delete fields[name];
    }
  }
  const spacing = fields['mono.d_spacing'];
  if (spacing !== undefined) {
    const d = parseNumber(spacing.split(/\s+/)[0] ?? '');
    if (d === null || !(d > 0)) {
      warnings.push(`Mono.d_spacing ${quote(spacing)} is not a positive number (Å); ignored it`);
      delete fields['mono.d_spacing'];
    }
  }
  for (const name of ['scan.start_time', 'scan.end_time']) {
    const value = fields[name];
    if (value !== undefined && !ISO_8601.test(value)) warnings.push(`${name === 'scan.start_time' ? 'Scan.start_time' : 'Scan.end_time'} ${quote(value)} is not an ISO 8601 time stamp (e.g. 2001-06-26T22:27:31)`);
  }
  for (const name of Object.keys(fields)) {
    if (!name.startsWith('column.')) continue;
    const index = name.slice('column.'.length);
    if (!/^[1-9]\d*$/.test(index)) {
      warnings.push(`the field Column.${index} is not Column.N with N a column number from 1; ignored it`);
      delete fields[name];
    } else if (fields[name] === '') {
      warnings.push(`Column.${index} is empty; ignored it`);
      delete fields[name];
    }
  }
}

/** The first non-empty line from `from` on, trimmed ('' when there is none). */
function nextContent(lines: readonly string[], from: number): string {
  for (let i = from; i < lines.length; i++) {
    const trimmed = lines[i]!.trim();
    if (trimmed !== '') return trimmed;
  }
  return '';
}

/** Reads and checks the header of an XDI file's lines (see the top of this file). */
export function readXdiHeader(lines: readonly string[]): XdiHeader {
  const warnings: string[] = [];
  const { version, applications } = versionOf(lines[0], warnings);
  const fields: Record<string, string> = {};
  const comments: string[] = [];
  const afterEnd: { text: string; no: number }[] = [];
  let section: 'fields' | 'comments' | 'end' = 'fields';
  let sawEnd = false;
  let i = 1;
  for (; i < lines.length; i++) {
    const trimmed = lines[i]!.trim();
    if (trimmed === '') continue;
    if (!trimmed.startsWith('#')) {
      if (DATA_LINE.test(trimmed)) break;
      warnings.push(`line ${i + 1} does not begin with "#" though it stands in the header (every header line must); ignored it`);
      continue;
    }
    if (HEADER_END.test(trimmed)) {
      if (sawEnd) warnings.push(`line ${i + 1}: a second "# ---" header-end line; ignored it`);
      section = 'end';
      sawEnd = true;
      continue;
    }
    if (section === 'end') {
      afterEnd.push({ text: trimmed, no: i + 1 });
      continue;
    }
    if (FIELD_END.test(trimmed)) {
      section = 'comments';
      continue;
    }
    if (section === 'comments') {
      comments.push(trimmed.replace(/^#\s?/, ''));
      continue;
    }
    if (/^#\s*$/.test(trimmed)) continue; // an empty header line
    if (!trimmed.includes(':') && DATA_LINE.test(nextContent(lines, i + 1))) {
      // No "# ---" line, and this line right above the data: the column labels (warned below), not a broken field.
      afterEnd.push({ text: trimmed, no: i + 1 });
      continue;
    }
    const [name, value] = fieldOf(trimmed, i + 1);
    if (name in fields && DEFINED_NAMESPACES.has(name.split('.')[0]!)) {
      warnings.push(`line ${i + 1}: ${name} appears again; used this last value (a field of a defined namespace should appear once)`);
    }
    fields[name] = value;
  }
  if (!sawEnd) warnings.push('no "# ---" line ends the header (XDI requires one before the data)');
  // After the header-end line only the column labels may stand: the last such line; others are misplaced comments.
  for (const misplaced of afterEnd.slice(0, -1)) {
    warnings.push(`line ${misplaced.no}: a comment between the "# ---" line and the data, where only the column labels may stand; ignored it (user comments go between "# ///" and "# ---")`);
  }
  const labelLine = afterEnd.at(-1);
  const labels = labelLine ? labelLine.text.replace(/^#\s*/, '').split(/\s+/).filter(Boolean) : null;
  checkDefinedFields(fields, warnings);
  return { version, applications, fields, comments, labels, dataStart: i, warnings };
}
