// Reading a whole file for ingest (no database): gzip by magic bytes, JSON object / array / JSON Lines,
// and errors that name the file and the line. Fixtures: tests/fixtures/ingest (see its README).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { IngestFileError, readIngestFile, splitDocuments } from '../../src/catalog/ingest.ts';
import { columnAt, lineAt, scanJson } from '../../src/catalog/json-text.ts';
import { InputError } from '../../src/errors.ts';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'ingest');
const fixture = (name: string) => path.join(FIXTURES, name);

let scratch: string;
beforeAll(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'xasgraph-ingest-file-'));
});
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));
/** Write `content` to a scratch file and return its path. */
const scratchFile = (name: string, content: string | Buffer) => {
  const file = path.join(scratch, name);
  fs.writeFileSync(file, content);
  return file;
};

async function fileError(promise: Promise<unknown>): Promise<IngestFileError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(IngestFileError);
    expect(err).toBeInstanceOf(InputError);
    return err as IngestFileError;
  }
  throw new Error('expected an IngestFileError');
}

describe('good files', () => {
  test('a pretty-printed JSON array of Materials Project documents', async () => {
    const batch = await readIngestFile(fixture('mp-xas-docs.json'));
    expect(batch.materials.map((m) => [m.id, m.formula, m.nsites])).toEqual([
      ['mp-1022728', 'Cu3O2', 5],
      ['mp-361', 'Cu2O', 6],
    ]);
    expect(batch.spectra.map((s) => s.id)).toEqual(['mp-1022728-XANES-Cu-K-site0', 'mp-1022728-XANES-Cu-K-site2', 'mp-361-XANES-Cu-K']);
    expect(batch.spectra.map((s) => s.energies[0])).toEqual([8983.76, 8983.82, 8983.641]);
    expect(batch.spectra.map((s) => s.mu[172])).toEqual([0.96113, 1.1274, 1.0388]);
    expect(batch.spectra.every((s) => s.method === 'FEFF')).toBe(true);
    expect(batch.materials[0]).toMatchObject({ provenanceSource: 'user upload: mp-xas-docs.json', provenanceLicense: 'unspecified (user upload)' });
  });

  test('JSON Lines with a blank line, documents without structures', async () => {
    const batch = await readIngestFile(fixture('mp-xas-docs-no-structure.jsonl'), { method: 'VASP', license: 'CC-BY-4.0' });
    expect(batch.materials.map((m) => [m.id, m.formula, m.nsites, m.lattice.length])).toEqual([
      ['mp-3748', 'AlCuO2', null, 0],
      ['mp-4280', 'GaCuO2', null, 0],
    ]);
    // the first document says "method": "FEFF"; the second names none and gets --method
    expect(batch.spectra.map((s) => [s.id, s.method])).toEqual([
      ['mp-3748-XANES-Cu-K-site1', 'FEFF'],
      ['mp-4280-XANES-Cu-K-site1', 'VASP'],
    ]);
    expect(batch.materials[1]!.provenanceLicense).toBe('CC-BY-4.0');
  });

  test('the pymatgen fixture: one JSON object on one line', async () => {
    const batch = await readIngestFile(fixture('LiCoO2_k_xanes.json'));
    expect(batch.materials.map((m) => m.id)).toEqual(['user-2a00ff102ace']);
    expect(batch.spectra.map((s) => s.id)).toEqual(['user-2a00ff102ace-XANES-Co-K']);
    const named = await readIngestFile(fixture('LiCoO2_k_xanes.json'), { materialId: 'licoo2-test' });
    expect(named.spectra.map((s) => s.id)).toEqual(['licoo2-test-XANES-Co-K']);
  });

  test('gzip JSON Lines of pymatgen XAS dicts: two structures, each with its user id', async () => {
    const batch = await readIngestFile(fixture('omnixas-cu-xas.jsonl.gz'));
    expect(batch.materials.map((m) => [m.formula, m.nsites])).toEqual([
      ['Cu2IO3', 12],
      ['Na2Cu3O4', 9],
    ]);
    const [a, b] = batch.materials.map((m) => m.id);
    expect(a).toMatch(/^user-[0-9a-f]{12}$/);
    expect(b).toMatch(/^user-[0-9a-f]{12}$/);
    expect(batch.spectra.map((s) => s.id)).toEqual([`${a}-XANES-Cu-K-site0`, `${a}-XANES-Cu-K-site2`, `${b}-XANES-Cu-K-site2`, `${b}-XANES-Cu-K-site3`]);
  });

  test('gzip is recognised by its magic bytes, not by the name', async () => {
    const gzipped = scratchFile('spectra.json', fs.readFileSync(fixture('omnixas-cu-xas.jsonl.gz')));
    expect((await readIngestFile(gzipped)).spectra).toHaveLength(4);
    const plain = scratchFile('not-really.jsonl.gz', fs.readFileSync(fixture('mp-xas-docs-no-structure.jsonl')));
    expect((await readIngestFile(plain)).spectra).toHaveLength(2);
  });

  test('a UTF-8 byte order mark and Windows line ends are accepted', async () => {
    const text = fs.readFileSync(fixture('mp-xas-docs-no-structure.jsonl'), 'utf8').replace(/\n/g, '\r\n');
    const file = scratchFile('windows.jsonl', `\ufeff${text}`);
    expect((await readIngestFile(file)).spectra).toHaveLength(2);
  });

  test('a --material-id for a file with two structures is refused', async () => {
    const err = await fileError(readIngestFile(fixture('omnixas-cu-xas.jsonl.gz'), { materialId: 'one-id' }));
    expect(err.line).toBe(3);
    expect(err.message).toMatch(/omnixas-cu-xas\.jsonl\.gz:3: material one-id is given with a different structure than at line 1 \(Cu2IO3 there, Na2Cu3O4 here\): use one structure per material id$/);
  });
});

describe('bad files: the error names the file and the line', () => {
  test('JSON Lines whose line 3 has decreasing energies', async () => {
    const file = fixture('bad-decreasing-energy.jsonl');
    const err = await fileError(readIngestFile(file));
    expect(err.file).toBe(file);
    expect(err.line).toBe(3);
    expect(err.message).toBe(
      `${file}:3: energy must increase; found 8988.645 after 8988.822 at point 37 (spectrum.x[37]): sort the points by energy and drop repeated energies`,
    );
  });

  test('a truncated JSON file: the last line', async () => {
    const file = fixture('bad-truncated.json');
    const err = await fileError(readIngestFile(file));
    expect(err.line).toBe(700);
    expect(err.message).toBe(`${file}:700: not valid JSON (column 21): unexpected end of the file inside an object (the file looks truncated)`);
  });

  test('NaN written by Python, on line 2 of JSON Lines', async () => {
    const file = fixture('bad-nan.jsonl');
    const err = await fileError(readIngestFile(file));
    expect(err.line).toBe(2);
    expect(err.message).toMatch(new RegExp(`^${file}:2: not valid JSON \\(column \\d+\\): NaN is not valid JSON \\(Python writes it for a missing float\\)`));
  });

  test('a partially occupied site in document 2 of an array: the line where that document starts', async () => {
    const file = fixture('bad-partial-occupancy.json');
    const err = await fileError(readIngestFile(file));
    expect(err.line).toBe(613);
    expect(err.message).toBe(
      `${file}:613: document 2 of 2: structure.sites[0] is partially occupied (Ga 0.5, Al 0.5): disordered structures are not supported; give an ordered structure (one element per site, occupancy 1), e.g. an ordered supercell from pymatgen's OrderDisorderedStructureTransformation`,
    );
  });

  test('a JSON Lines file cut in the middle of its last line', async () => {
    const lines = fs.readFileSync(fixture('mp-xas-docs-no-structure.jsonl'), 'utf8').split('\n');
    lines[2] = lines[2]!.slice(0, 3000);
    const file = scratchFile('cut.jsonl', lines.join('\n'));
    const err = await fileError(readIngestFile(file));
    expect(err.line).toBe(3);
    expect(err.message).toMatch(/cut\.jsonl:3: not valid JSON \(column 3001\): unexpected end of the file inside an array/);
  });

  test('a syntax error in a pretty-printed file: line of the error', async () => {
    const text = fs.readFileSync(fixture('mp-xas-docs.json'), 'utf8').split('\n');
    text[9] = text[9]!.replace(/,$/, ''); // drop the comma at the end of line 10: the error shows on line 11
    const file = scratchFile('missing-comma.json', text.join('\n'));
    const err = await fileError(readIngestFile(file));
    expect(err.line).toBe(11);
    expect(err.message).toMatch(/missing-comma\.json:11: not valid JSON \(column \d+\): unexpected "\\"": expected ',' or '}' in an object$/);
  });

  test('a document that is not an object, in an array', async () => {
    const file = scratchFile('mixed.json', `[\n${fs.readFileSync(fixture('LiCoO2_k_xanes.json'), 'utf8').trim()},\n 42\n]\n`);
    const err = await fileError(readIngestFile(file));
    expect(err.line).toBe(3);
    expect(err.message).toBe(`${file}:3: document 2 of 2: expected a JSON object (a pymatgen XAS dict or a Materials Project XAS document), found number 42`);
  });

  test('empty files, empty arrays, damaged gzip, missing files', async () => {
    expect((await fileError(readIngestFile(scratchFile('empty.json', ' \n\n')))).message).toMatch(/empty\.json: is empty: expected a JSON object/);
    expect((await fileError(readIngestFile(scratchFile('none.json', '\n[ ]\n')))).message).toMatch(/none\.json:2: the JSON array is empty/);
    const gz = fs.readFileSync(fixture('omnixas-cu-xas.jsonl.gz'));
    const damaged = await fileError(readIngestFile(scratchFile('damaged.jsonl.gz', gz.subarray(0, gz.length >> 1))));
    expect(damaged.line).toBeNull();
    expect(damaged.message).toMatch(/damaged\.jsonl\.gz: the gzip data is damaged or truncated/);
    const missing = path.join(scratch, 'nope.json');
    expect((await fileError(readIngestFile(missing))).message).toBe(`${missing}: no such file`);
    expect((await fileError(readIngestFile(scratchFile('binary.bin', Buffer.from([0xff, 0xfe, 0x00, 0x80]))))).message).toMatch(/is not UTF-8 text/);
  });

  test('gzip of a bad file: the line inside the decompressed text', async () => {
    const file = scratchFile('bad.jsonl.gz', zlib.gzipSync(fs.readFileSync(fixture('bad-decreasing-energy.jsonl'))));
    expect((await fileError(readIngestFile(file))).line).toBe(3);
  });
});

describe('splitting a text into documents', () => {
  test('an array: each document with the line where it starts', () => {
    const text = fs.readFileSync(fixture('mp-xas-docs.json'), 'utf8');
    const docs = splitDocuments('f', text);
    expect(docs.map((d) => [d.line, d.label])).toEqual([
      [2, 'document 1 of 3'],
      [652, 'document 2 of 3'],
      [1302, 'document 3 of 3'],
    ]);
  });

  test('JSON Lines: blank lines are skipped, lines counted', () => {
    const text = fs.readFileSync(fixture('mp-xas-docs-no-structure.jsonl'), 'utf8');
    expect(splitDocuments('f', text).map((d) => d.line)).toEqual([1, 3]);
    expect(splitDocuments('f', '\n\n{"a": 1}\n{"b": 2}\n\n{"c": 3}').map((d) => [d.line, d.value])).toEqual([
      [3, { a: 1 }],
      [4, { b: 2 }],
      [6, { c: 3 }],
    ]);
  });

  test('two pretty-printed objects one after the other are not JSON Lines', () => {
    expect(() => splitDocuments('f', '{\n "a": 1\n}\n{\n "b": 2\n}\n')).toThrow('f:4: not valid JSON (column 1): unexpected "{" after the end of the JSON value');
  });
});

describe('json-text', () => {
  test('lines and columns of offsets', () => {
    const text = 'ab\ncd\r\nef';
    expect([0, 2, 3, 5, 7, 8].map((o) => lineAt(text, o))).toEqual([1, 1, 2, 2, 3, 3]);
    expect(columnAt(text, 4)).toBe(2);
    expect(columnAt(text, 0)).toBe(1);
  });

  test('scanJson agrees with JSON.parse on what is valid', () => {
    const valid = ['{}', '[]', ' [1, -2.5e+3, "a\\"b\\u00e9", true, false, null, {"k": [0]}] ', '"x"', '0'];
    for (const text of valid) expect(scanJson(text).error).toBeNull();
    const invalid = ['{', '[1,]', '{"a" 1}', '{a: 1}', '[01]', '"\\x"', '[1] 2', '"a\nb"', '[.5]', '', 'nul'];
    for (const text of invalid) {
      expect(() => JSON.parse(text)).toThrow();
      expect(scanJson(text).error).not.toBeNull();
    }
    expect(scanJson('[1, 2,\n 3]').elementOffsets).toEqual([1, 4, 8]);
    expect(scanJson('{"x": [1, NaN]}').error).toEqual({ offset: 10, message: expect.stringMatching(/^NaN is not valid JSON/) });
    expect(scanJson('[1, -Infinity]').error?.message).toMatch(/^-Infinity is not valid JSON/);
  });
});
