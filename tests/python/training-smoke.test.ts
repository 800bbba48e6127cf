/** @jest-environment <rootDir>/tests/support/onnx-environment.mjs */
// Training → serving, end to end: training/train.py (PyTorch, Debian's python3-torch and python3-onnx) trains a
// small ensemble on the bundled seed (~6-20 s), and the model it exports is read through the same sidecar reader
// and ONNX session as the service's: ONNX Runtime reproduces PyTorch's outputs, and a seed structure's prediction
// has the model's grid, finite means and σ ≥ 0.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openModel } from '../../src/inference/model.ts';
import { predictStructure } from '../../src/inference/predict.ts';
import { readModelDir } from '../../src/inference/sidecar.ts';
import { resolveStructureInput } from '../../src/structure/input.ts';
import { modelParity, RELATIVE } from '../support/model-parity.ts';
import { seedRecords } from '../support/seed.ts';
import { PYTHON, requirePython } from '../support/python.ts';
import { REPO_ROOT } from '../support/service.ts';

test('a smoke model trained by training/train.py is served with PyTorch parity (needs python3-torch, python3-onnx)', async () => {
  requirePython({ torch: 'python3-torch', onnx: 'python3-onnx', numpy: 'python3-numpy' });
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'xasgraph-smoke-model-'));
  try {
    const args = ['training/train.py', '--materials', '150', '--members', '2', '--max-epochs', '5', '--skip-baselines', '--out', out];
    const run = spawnSync(PYTHON, args, { cwd: REPO_ROOT, encoding: 'utf8', timeout: 240_000 });
    expect(run.stderr.slice(-2000)).not.toMatch(/Traceback/);
    expect(run.status).toBe(0);

    const found = readModelDir(out);
    expect(found.rejected.map((e) => e.message)).toEqual([]);
    expect(found.models.map((m) => m.id)).toEqual(['cu-k-feff-wacsf@1.0.0']);
    const [files] = found.models;

    const parity = await modelParity(files!);
    expect(parity.meanRelative).toBeLessThan(RELATIVE);
    expect(parity.stdTolerance).toBeLessThanOrEqual(1);

    const model = await openModel(files!, { executionProvider: 'cpu' });
    try {
      const structure = resolveStructureInput({ file: seedRecords().find((r) => r.material_id === 'mp-1005792')!.poscar });
      const prediction = await predictStructure(model, { structure, element: 'Cu' });
      const points = files!.sidecar.energies.length;
      expect(prediction.energies).toEqual(files!.sidecar.energies);
      expect(prediction.sites.map((s) => [s.siteIndex, s.multiplicity])).toEqual([[8, 4]]);
      for (const values of [prediction.mean, prediction.std, prediction.sites[0]!.mean, prediction.sites[0]!.std]) {
        expect(values).toHaveLength(points);
        expect(values.every(Number.isFinite)).toBe(true);
      }
      expect(prediction.std.every((s) => s >= 0)).toBe(true);
    } finally {
      await model.session.release();
    }
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}, 300_000);
