// XDI 1.0 conformance: one file of our own making per rule of the specification about malformed files
// (tests/fixtures/spectra/xdi-conformance/README.md lists the rule each file breaks and the outcome it asks for).
// An error is an InputError; "read with a warning" is a parsed spectrum whose warnings say what was wrong.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../../src/errors.ts';
import { parseSpectrumFile } from '../../src/spectra/parse/index.ts';

const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'spectra', 'xdi-conformance');
const read = (name: string) => parseSpectrumFile({ text: fs.readFileSync(path.join(DIR, name), 'utf8') });

/** Files the specification calls malformed: the error each must raise. */
const ERRORS: [file: string, message: RegExp][] = [
  ['version-missing.xdi', /XDI line 1: not an XDI file: line 1 must start with "# XDI\/1.0"/],
  ['version-not-integers.xdi', /XDI version "1.x" must be integers/],
  ['field-no-colon.xdi', /XDI line 8: "Mono.name Si 111" is not a "Family.key: value" field \(no colon\)/],
  ['field-no-dot.xdi', /field name "Mononame" must be two words joined by one dot/],
  ['field-two-dots.xdi', /field name "Mono.name.crystal" must be two words joined by one dot, "Family.key" \(found 2 dots\)/],
  ['field-family-starts-with-digit.xdi', /family "1Mono" .* must start with a letter/],
  ['field-key-bad-character.xdi', /key "na\$me" .* must be letters, digits, _ or -/],
  ['field-colon-in-name.xdi', /field name "Mono" must be two words joined by one dot/],
  ['comments-without-field-end.xdi', /is not a "Family.key: value" field \(no colon\); user comments go after a "# \/\/\/" line/],
  ['column-1-unknown-units.xdi', /energy unit "furlongs" in Column.1 is not supported/],
  ['angle-without-d-spacing.xdi', /mono angle but Mono.d_spacing is missing/],
  ['row-too-short.xdi', /line 26 has 3 values, expected 4/],
  ['cell-not-a-number.xdi', /"abc" is not a number/],
  ['cell-nan.xdi', /"NaN" is not a number/],
  ['cell-two-decimal-points.xdi', /"1.2.3" is not a number/],
  ['no-data.xdi', /no data rows/],
];

/** Files the specification asks to read with a warning: the warning each must carry. */
const WARNINGS: [file: string, warning: RegExp][] = [
  ['version-2.xdi', /the file says XDI\/2.0; read by the rules of XDI 1.x/],
  ['empty-required-value.xdi', /Element.edge is empty; ignored it/],
  ['missing-element-symbol.xdi', /XDI requires Element.symbol/],
  ['missing-element-edge.xdi', /XDI requires Element.edge/],
  ['invalid-element-symbol.xdi', /Element.symbol "Xq" is not an element symbol; ignored it/],
  ['invalid-element-edge.xdi', /Element.edge "Z9" is not an edge name; ignored it/],
  ['missing-column-1.xdi', /XDI requires Column.1/],
  ['column-1-without-units.xdi', /Column.1 "energy" gives no units/],
  ['d-spacing-not-a-number.xdi', /Mono.d_spacing "Si\(111\)" is not a positive number/],
  ['start-time-not-iso-8601.xdi', /Scan.start_time "May 1st, 10 am" is not an ISO 8601 time stamp/],
  ['column-field-not-a-number.xdi', /Column.mu is not Column.N/],
  ['column-field-beyond-data.xdi', /Column.5 names a column the data does not have/],
  ['labels-too-few.xdi', /3 labels for 4 data columns/],
  ['labels-too-many.xdi', /5 labels for 4 data columns/],
  ['labels-differ-from-columns.xdi', /column labels differ from the Column.N fields: it \(Column.3: itrans\)/],
  ['header-end-missing.xdi', /no "# ---" line ends the header/],
  ['comment-after-header-end.xdi', /line 15: a comment between the "# ---" line and the data/],
  ['comment-among-data.xdi', /ignored a comment line among the data rows \(line 31\)/],
  ['header-line-without-hash.xdi', /line 9 does not begin with "#"/],
  ['defined-field-repeated.xdi', /element.edge appears again; used this last value/],
];

/** Files that break no rule (optional parts left out, values as the specification allows): read without warnings. */
const CLEAN = ['valid.xdi', 'empty-value.xdi', 'labels-absent.xdi', 'field-names-any-case.xdi'];

describe('XDI 1.0 conformance (tests/fixtures/spectra/xdi-conformance)', () => {
  test('every file of the folder has its expected outcome here', () => {
    const listed = [...ERRORS.map(([f]) => f), ...WARNINGS.map(([f]) => f), ...CLEAN].sort();
    expect(fs.readdirSync(DIR).filter((f) => f.endsWith('.xdi')).sort()).toEqual(listed);
  });

  test.each(ERRORS)('%s is refused', (file, message) => {
    let thrown: unknown;
    try {
      read(file);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(InputError);
    expect((thrown as Error).message).toMatch(message);
  });

  test.each(WARNINGS)('%s is read with a warning', (file, warning) => {
    const spectrum = read(file);
    expect(spectrum.format).toBe('XDI');
    expect(spectrum.energies.length).toBeGreaterThanOrEqual(20);
    expect(spectrum.warnings.some((w) => warning.test(w))).toBe(true);
  });

  test.each(CLEAN)('%s is read without warnings', (file) => {
    const spectrum = read(file);
    expect(spectrum.warnings).toEqual([]);
    expect([spectrum.absorbingElement, spectrum.edge]).toEqual(['Cu', 'K']);
    expect(spectrum.energies).toHaveLength(30);
  });
});
