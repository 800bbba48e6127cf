// Model sidecars: a model is served only when its sidecar is valid and agrees with itself and with its .onnx file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readModelDir } from '../../src/inference/sidecar.ts';
import { REPO_ROOT } from '../support/service.ts';

const FIXTURE = path.join(REPO_ROOT, 'tests/fixtures/models');
const NAME = 'cu-k-tiny-fixture';
const dirs: string[] = [];

/** A copy of the fixture model folder, optionally with its sidecar edited. */
function copyFixture(edit?: (sidecar: any) => void): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xasgraph-models-'));
  dirs.push(dir);
  fs.cpSync(FIXTURE, dir, { recursive: true });
  if (edit) {
    const file = path.join(dir, `${NAME}.json`);
    const sidecar = JSON.parse(fs.readFileSync(file, 'utf8'));
    edit(sidecar);
    fs.writeFileSync(file, JSON.stringify(sidecar));
  }
  return dir;
}

afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

test('the fixture model is read with its parity probe (which is not taken for a sidecar)', () => {
  const found = readModelDir(FIXTURE);
  expect(found.rejected.map((e) => e.message)).toEqual([]);
  expect(found.models).toHaveLength(1);
  const [model] = found.models;
  expect(model!.id).toBe('cu-k-tiny-fixture@0.0.1');
  expect(model!.onnxPath).toBe(path.join(FIXTURE, `${NAME}.onnx`));
  expect(model!.parityPath).toBe(path.join(FIXTURE, `${NAME}.parity.json`));
  expect(model!.descriptor).not.toHaveProperty('dimension');
  expect(model!.sidecar.descriptor.dimension).toBe(225);
  expect(model!.sidecar.energies).toHaveLength(271);
});

test('a model file whose sha256 differs from its sidecar is refused, naming the file', () => {
  const dir = copyFixture();
  fs.appendFileSync(path.join(dir, `${NAME}.onnx`), Buffer.from([0]));
  const found = readModelDir(dir);
  expect(found.models).toEqual([]);
  expect(found.rejected).toHaveLength(1);
  expect(found.rejected[0]!.file).toBe(path.join(dir, `${NAME}.onnx`));
  expect(found.rejected[0]!.message).toMatch(new RegExp(`${NAME}\\.onnx: sha256 is [0-9a-f]{64} but its sidecar ${NAME}\\.json records [0-9a-f]{64}.*not served`));
});

test.each([
  ['a descriptor dimension the parameters do not give', (s: any) => (s.descriptor.dimension = 224), /descriptor\.dimension is 224 but these parameters give 225 values/],
  ['an input width other than the descriptor dimension', (s: any) => (s.inputs.descriptor = ['sites', 97]), /inputs\.descriptor has 97 columns but descriptor\.dimension is 225/],
  ['outputs wider than the energy grid', (s: any) => (s.outputs.std = ['sites', 270]), /outputs\.std has 270 columns but there are 271 energies/],
  ['descriptor parameters the code cannot compute', (s: any) => (s.descriptor.nG4 = 63), /nG4 must be a multiple/],
  ['a descriptor parameter this code does not know', (s: any) => (s.descriptor.cutoffPower = 2), /descriptor: Unrecognized key\(s\) in object: 'cutoffPower'/],
  ['an unknown descriptor weight', (s: any) => (s.descriptor.g2Weights = ['Z', 'mass']), /descriptor\.g2Weights\.1/],
  ['energies that do not increase', (s: any) => (s.energies[5] = s.energies[4]), /energies must increase: 8991 follows 8991 at point 5/],
  ['an absorbing element that is no element', (s: any) => (s.absorbingElement = 'Cx'), /absorbingElement "Cx" is not an element symbol/],
  ['a model file outside the folder', (s: any) => (s.file = '../elsewhere.onnx'), /file: a file name ending in \.onnx, in the same folder/],
  ['missing test metrics', (s: any) => delete s.metrics.test, /metrics\.test: Required/],
])('a sidecar with %s is refused', (_, edit, message) => {
  const found = readModelDir(copyFixture(edit));
  expect(found.models).toEqual([]);
  expect(found.rejected).toHaveLength(1);
  expect(found.rejected[0]!.message).toMatch(message);
  expect(found.rejected[0]!.message).toContain(`${NAME}.json`);
});

test('a sidecar whose model file is missing is reported; other JSON files are ignored', () => {
  const dir = copyFixture();
  fs.rmSync(path.join(dir, `${NAME}.onnx`));
  fs.writeFileSync(path.join(dir, 'notes.json'), '{"about": "not a model"}');
  const found = readModelDir(dir);
  expect(found.models).toEqual([]);
  expect(found.rejected.map((e) => e.message)).toEqual([expect.stringMatching(/its model file cu-k-tiny-fixture\.onnx is not in/)]);
});

test('a second sidecar of the same name and version is refused', () => {
  const dir = copyFixture();
  fs.copyFileSync(path.join(dir, `${NAME}.json`), path.join(dir, 'zz-copy.json'));
  fs.copyFileSync(path.join(dir, `${NAME}.onnx`), path.join(dir, 'zz-copy.onnx'));
  const found = readModelDir(dir);
  expect(found.models.map((m) => m.id)).toEqual(['cu-k-tiny-fixture@0.0.1']);
  expect(found.rejected[0]!.message).toMatch(/zz-copy\.json: declares cu-k-tiny-fixture@0\.0\.1, already declared by cu-k-tiny-fixture\.json/);
});

test('a missing folder serves nothing', () => {
  expect(readModelDir(path.join(os.tmpdir(), 'xasgraph-no-such-models'))).toMatchObject({ exists: false, models: [], rejected: [] });
});
