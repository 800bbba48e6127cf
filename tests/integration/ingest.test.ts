// `npm run ingest` as a user runs it: the CLI as a child process against a scratch database of its own
// (migrated, empty: the shared catalogue that other test files count stays untouched), checked with plain
// SQL. Fixture documents are copied with their material ids renamed `test-ingest-<case>-mp-…`.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { type ScratchDatabase, createScratchDatabase } from '../support/scratch-db.ts';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const FIXTURES = path.join(REPO_ROOT, 'tests', 'fixtures', 'ingest');
const PREFIX = 'test-ingest-';
let database: ScratchDatabase;
const databaseUrl = () => database.url;

let pool: pg.Pool;
let scratch: string;

async function removeTestRows(): Promise<void> {
  await pool.query('DELETE FROM "spectrum" WHERE material_id LIKE $1', [`${PREFIX}%`]);
  await pool.query('DELETE FROM "material" WHERE id LIKE $1', [`${PREFIX}%`]);
}

beforeAll(async () => {
  database = await createScratchDatabase();
  pool = new pg.Pool({ connectionString: databaseUrl(), max: 2 });
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'xasgraph-ingest-'));
  await removeTestRows();
});

afterAll(async () => {
  await removeTestRows();
  await pool.end();
  await database.drop();
  fs.rmSync(scratch, { recursive: true, force: true });
});

/** A copy of a fixture whose material ids are renamed `test-ingest-<tag>-mp-…` (line layout unchanged). */
function renamedFixture(name: string, tag: string): string {
  const text = fs.readFileSync(path.join(FIXTURES, name), 'utf8');
  const renamed = text.replaceAll('"material_id": "mp-', `"material_id": "${PREFIX}${tag}-mp-`);
  expect(renamed).not.toBe(text);
  const file = path.join(scratch, tag, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, renamed);
  return file;
}

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runIngest(args: string[]): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: databaseUrl(), LOG_LEVEL: 'warn', CI: 'true' };
  delete env.NODE_OPTIONS; // jest's --experimental-vm-modules is not for the CLI
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/ingest.ts', ...args], { cwd: REPO_ROOT, env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function spectrumIds(materialPrefix: string): Promise<string[]> {
  const { rows } = await pool.query<{ id: string }>('SELECT id FROM "spectrum" WHERE material_id LIKE $1 ORDER BY id', [`${materialPrefix}%`]);
  return rows.map((r) => r.id);
}

async function materialIds(materialPrefix: string): Promise<string[]> {
  const { rows } = await pool.query<{ id: string }>('SELECT id FROM "material" WHERE id LIKE $1 ORDER BY id', [`${materialPrefix}%`]);
  return rows.map((r) => r.id);
}

test('a good file inserts its rows; a second run inserts nothing', async () => {
  const file = renamedFixture('mp-xas-docs.json', 'good');
  const first = await runIngest([file]);
  expect(first.stderr).not.toMatch(/error/);
  expect(first.code).toBe(0);
  expect(first.stdout).toContain(`${file}: 3 spectra inserted, 0 already present (materials: 2 inserted, 0 already present)`);
  expect(await materialIds(`${PREFIX}good-`)).toEqual([`${PREFIX}good-mp-1022728`, `${PREFIX}good-mp-361`]);
  expect(await spectrumIds(`${PREFIX}good-`)).toEqual([
    `${PREFIX}good-mp-1022728-XANES-Cu-K-site0`,
    `${PREFIX}good-mp-1022728-XANES-Cu-K-site2`,
    `${PREFIX}good-mp-361-XANES-Cu-K`,
  ]);
  const { rows } = await pool.query(
    `SELECT s.method, s.site_index, s.energies[1] AS first_energy, cardinality(s.mu) AS points, m.formula, m.nsites, m.provenance_source, m.provenance_license
       FROM "spectrum" s JOIN "material" m ON m.id = s.material_id WHERE s.id = $1`,
    [`${PREFIX}good-mp-1022728-XANES-Cu-K-site2`],
  );
  expect(rows).toEqual([
    {
      method: 'FEFF',
      site_index: 2,
      first_energy: 8983.82,
      points: 173,
      formula: 'Cu3O2',
      nsites: 5,
      provenance_source: 'user upload: mp-xas-docs.json',
      provenance_license: 'unspecified (user upload)',
    },
  ]);

  const second = await runIngest([file]);
  expect(second.code).toBe(0);
  expect(second.stdout).toContain(`${file}: 0 spectra inserted, 3 already present (materials: 0 inserted, 2 already present)`);
  expect(await spectrumIds(`${PREFIX}good-`)).toHaveLength(3);
});

test('a file with an error on line 3 says so, exits 1 and stores nothing of that file', async () => {
  const file = renamedFixture('bad-decreasing-energy.jsonl', 'bad');
  const result = await runIngest([file]);
  expect(result.code).toBe(1);
  expect(result.stderr).toContain(`${file}:3: energy must increase; found 8988.645 after 8988.822 at point 37`);
  // lines 1 and 2 are good documents, but the file is all-or-nothing
  expect(await materialIds(`${PREFIX}bad-`)).toEqual([]);
  expect(await spectrumIds(`${PREFIX}bad-`)).toEqual([]);
});

test('one good and one bad file: the good one is stored', async () => {
  const good = renamedFixture('mp-xas-docs-no-structure.jsonl', 'mixed');
  const bad = renamedFixture('bad-truncated.json', 'mixed');
  const result = await runIngest(['--license', 'CC-BY-4.0', bad, good]);
  expect(result.code).toBe(1);
  expect(result.stderr).toContain(`${bad}:700: not valid JSON`);
  expect(result.stdout).toContain(`${good}: 2 spectra inserted, 0 already present`);
  expect(result.stdout).toContain('1 of 2 files loaded, 1 failed');
  expect(await spectrumIds(`${PREFIX}mixed-`)).toEqual([`${PREFIX}mixed-mp-3748-XANES-Cu-K-site1`, `${PREFIX}mixed-mp-4280-XANES-Cu-K-site1`]);
  const { rows } = await pool.query('SELECT id, nsites, cardinality(lattice) AS lattice, provenance_license FROM "material" WHERE id LIKE $1 ORDER BY id', [
    `${PREFIX}mixed-%`,
  ]);
  expect(rows).toEqual([
    { id: `${PREFIX}mixed-mp-3748`, nsites: null, lattice: 0, provenance_license: 'CC-BY-4.0' },
    { id: `${PREFIX}mixed-mp-4280`, nsites: null, lattice: 0, provenance_license: 'CC-BY-4.0' },
  ]);
});

test('a structure that contradicts the catalogue under the same material id is refused', async () => {
  const [first, , second] = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'mp-xas-docs.json'), 'utf8')); // Cu3O2, then Cu2O
  expect(first.structure).toBeDefined();
  expect(second.structure).toBeDefined();
  const id = `${PREFIX}clash-mp-1`;
  const stored = path.join(scratch, 'stored-structure.json');
  fs.writeFileSync(stored, JSON.stringify({ ...first, material_id: id }));
  expect((await runIngest([stored])).code).toBe(0);
  const before = await spectrumIds(id);
  expect(before.length).toBeGreaterThan(0);
  // Another structure under the same id: refused, nothing written.
  const file = path.join(scratch, 'wrong-structure.json');
  fs.writeFileSync(file, JSON.stringify({ ...second, material_id: id }));
  const result = await runIngest([file]);
  expect(result.code).toBe(1);
  expect(result.stderr).toContain(`${file}: material ${id} is already in the catalogue with a different structure`);
  expect(await spectrumIds(id)).toEqual(before);
});

test('usage errors exit 2 with the usage text', async () => {
  const result = await runIngest(['--material-id', 'x', 'a.json', 'b.json']);
  expect(result.code).toBe(2);
  expect(result.stderr).toContain('--material-id names the material of one file');
  expect(result.stderr).toContain('usage: npm run ingest -- [options] <file>');
  expect((await runIngest([])).code).toBe(2);
});
