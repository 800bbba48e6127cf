/** @jest-environment <rootDir>/tests/support/onnx-environment.mjs */
// ONNX ↔ PyTorch parity: every model's parity probe (PyTorch's outputs on a few test sites, written by
// training/train.py) through onnxruntime-node: the mean within 1e-5 relative, σ within 1e-5 relative plus the
// float32 allowance of tests/support/model-parity.ts. The fixture model always; every model of the repository's
// models/ folder when there is one.
import path from 'node:path';
import { readModelDir } from '../../src/inference/sidecar.ts';
import { modelParity, RELATIVE } from '../support/model-parity.ts';
import { REPO_ROOT } from '../support/service.ts';

const dirs = [path.join(REPO_ROOT, 'tests/fixtures/models'), path.join(REPO_ROOT, 'models')];
const models = dirs.flatMap((dir) => readModelDir(dir).models);

test('the models folders hold no refused file', () => {
  expect(dirs.flatMap((dir) => readModelDir(dir).rejected.map((e) => e.message))).toEqual([]);
});

test.each(models.map((m) => [path.relative(REPO_ROOT, m.sidecarPath), m] as const))('%s: ONNX Runtime reproduces PyTorch', async (_, files) => {
  const result = await modelParity(files);
  expect(result.sites).toBeGreaterThan(0);
  expect(result.meanRelative).toBeLessThan(RELATIVE);
  expect(result.stdTolerance).toBeLessThanOrEqual(1);
});
