// `npm run predict`: a structure file in, site classes and the site-averaged spectrum out (no database).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from '../support/service.ts';

const CUO = 'tests/fixtures/structures/poscar/mp-704645-vasp4-generated.vasp';

function predict(...args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, MODELS_DIR: path.join(REPO_ROOT, 'tests/fixtures/models'), ONNX_EXECUTION_PROVIDER: 'cpu' };
  delete env.NODE_OPTIONS;
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/predict.ts', ...args], { cwd: REPO_ROOT, env, encoding: 'utf8' });
}

test('prints the site classes, then energy, mean and std columns', () => {
  const run = predict(CUO);
  expect(run.status).toBe(0);
  const lines = run.stdout.trim().split('\n');
  const header = lines.filter((l) => l.startsWith('#'));
  expect(header.join('\n')).toMatch(/CuO, 4 sites, space group 15/);
  expect(header.join('\n')).toMatch(/model cu-k-tiny-fixture@0\.0\.1: Cu K-edge XANES .* ONNX on cpu/);
  expect(header).toContain('#   0: 2 (0 1)');
  const rows = lines.filter((l) => !l.startsWith('#')).map((l) => l.split(' ').map(Number));
  expect(rows).toHaveLength(271);
  expect(rows[0]![0]).toBe(8989);
  expect(rows.every((r) => r.length === 3 && r.every(Number.isFinite) && r[2]! >= 0)).toBe(true);
});

test('--json prints the whole prediction', () => {
  const run = predict(CUO, '--json', '--element', 'Cu');
  expect(run.status).toBe(0);
  const out = JSON.parse(run.stdout);
  expect(out).toMatchObject({ modelId: 'cu-k-tiny-fixture@0.0.1', executionProvider: 'cpu', sites: [{ siteIndex: 0, multiplicity: 2, equivalentSiteIndices: [0, 1] }] });
  expect(out.mean).toHaveLength(271);
});

test('an element the structure lacks, or no model predicts, exits 2 with what to fix', () => {
  const missing = predict('tests/fixtures/structures/xyz/benzene1.xyz');
  expect(missing.status).toBe(2);
  expect(missing.stderr).toMatch(/no model predicts spectra of the structure's elements \(C, H\); give the absorbing element; models available: cu-k-tiny-fixture@0\.0\.1 \(Cu K\)/);
  const oxygen = predict(CUO, '--element', 'O');
  expect(oxygen.status).toBe(2);
  expect(oxygen.stderr).toMatch(/no model predicts O spectra/);
  expect(predict().status).toBe(2);
});
