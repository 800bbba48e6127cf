// Athena projects. No real .prj exists in shared/data: cu-generated.prj(.gz) and cu-generated-json.prj are
// GENERATED from real XAS Data Library Cu XDI files by tests/fixtures/spectra/scripts/make-athena-prj.py
// (Larch's own .prj writer for the Perl flavour). Expected values are what Larch's read_athena reads back.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { InputError } from '../../src/errors.ts';
import { parseAthenaProject } from '../../src/spectra/parse/athena.ts';
import { parseSpectrumFile } from '../../src/spectra/parse/index.ts';
import { readPerlStatements } from '../../src/spectra/parse/perl-data.ts';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'spectra');
const bytes = (name: string) => new Uint8Array(fs.readFileSync(path.join(FIXTURES, name)));
const text = (name: string) => fs.readFileSync(path.join(FIXTURES, name), 'utf8');

describe('Athena project', () => {
  test('gzip .prj, no group named: the first mu(E) group, with a warning naming the others', () => {
    const r = parseSpectrumFile({ bytes: bytes('cu-generated.prj.gz') });
    expect(r.format).toBe('ATHENA_PRJ');
    expect(r.energies).toHaveLength(398);
    expect(r.energies[0]).toBe(8760.019);
    expect(r.energies[397]).toBe(9638.887);
    expect(r.mu[100]).toBe(-0.2623474999910773);
    expect([r.absorbingElement, r.edge]).toEqual(['Cu', 'K']);
    expect(r.metadata['gzipped']).toBe(true);
    expect(r.metadata['groups']).toEqual(['CuO tenorite 13K', 'Cu2S 13K']);
    expect(r.warnings).toEqual([
      'the Athena project has 2 groups; used "CuO tenorite 13K", the first mu(E) group (pass group to choose: "CuO tenorite 13K", "Cu2S 13K")',
    ]);
  });

  test('plain .prj, group chosen by label (case-insensitive) or by Athena key', () => {
    for (const group of ['cu2s 13k', 'cusxx']) {
      const r = parseSpectrumFile({ text: text('cu-generated.prj'), group });
      expect(r.energies).toHaveLength(454);
      expect(r.energies[0]).toBe(8759.99);
      expect(r.energies[453]).toBe(9852.277);
      expect(r.mu[100]).toBe(-0.8378699999930623);
      expect(r.warnings).toEqual([]);
      expect(r.metadata['groupKey']).toBe('cusxx');
    }
  });

  test('gzip sent as base64 text (as the GraphQL file field allows)', () => {
    const b64 = Buffer.from(bytes('cu-generated.prj.gz')).toString('base64');
    expect(parseSpectrumFile({ text: b64, group: 'Cu2S 13K' }).energies).toHaveLength(454);
  });

  test('JSON flavour (Larch parse_jsonathena layout) reads the same data', () => {
    const r = parseSpectrumFile({ text: text('cu-generated-json.prj'), group: 'Cu2S 13K' });
    expect(r.metadata['flavour']).toBe('json');
    expect(r.energies).toHaveLength(454);
    expect(r.mu[100]).toBe(-0.8378699999930623);
    expect([r.absorbingElement, r.edge]).toEqual(['Cu', 'K']);
  });

  test('a non-mu(E) first group is skipped; bkg_eshift is applied with a warning', () => {
    const t = text('cu-generated.prj').replace("'is_xmu','1'", "'is_chi','1','is_xmu','1'").replace("'bkg_eshift','0'", "'bkg_eshift','1.5'");
    const r = parseAthenaProject(t);
    expect(r.metadata['group']).toBe('Cu2S 13K');
    const first = parseAthenaProject(t, 'CuO tenorite 13K');
    expect(first.energies[0]).toBeCloseTo(8761.519, 9);
    expect(first.warnings).toContain("applied the group's Athena energy shift (bkg_eshift) of 1.5 eV");
  });

  test('never evaluated: Perl code is skipped, only literal data is read', () => {
    const evil = "# Athena project file -- Demeter version 0.9.26\nsystem('rm -rf /'); $x = `id`;\n$old_group = 'abcde';\n@args = ('label','a',\"atsym\",'Fe','titles',['t1','t2']);\n@x = (" +
      Array.from({ length: 30 }, (_, i) => `'${7100 + i}'`).join(',') + ');\n@y = (' + Array.from({ length: 30 }, (_, i) => `'${i < 15 ? 0 : 1}'`).join(',') + ');\n[record] # \n1;\n';
    const r = parseSpectrumFile({ text: evil });
    expect(r.energies).toHaveLength(30);
    expect(r.absorbingElement).toBe('Fe');
    const statements = readPerlStatements(evil);
    expect(statements.map((s) => s.kind)).toEqual(['scalar', 'list', 'list', 'list', 'record']);
  });

  test('errors: unknown group lists the groups; unterminated string; gzip bomb and truncated gzip', () => {
    expect(() => parseSpectrumFile({ bytes: bytes('cu-generated.prj.gz'), group: 'CuS' })).toThrow(
      'the Athena project has no group "CuS"; its groups are "CuO tenorite 13K", "Cu2S 13K"',
    );
    expect(() => parseAthenaProject("# Athena project file -- x\n$old_group = 'ab")).toThrow(/unterminated string starting at line 2/);
    const bomb = gzipSync(Buffer.alloc(60 * 1024 * 1024, 32));
    expect(() => parseSpectrumFile({ bytes: bomb })).toThrow(/inflates past 50 MB/);
    const gz = bytes('cu-generated.prj.gz');
    expect(() => parseSpectrumFile({ bytes: gz.subarray(0, gz.length / 2) })).toThrow(InputError);
  });
});
