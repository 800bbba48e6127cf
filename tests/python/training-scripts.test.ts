// The training scripts that produce committed model files still produce them: the oxidation-state prior's trainer
// writes a model the service reads, and training/ensemble_graphs.py writes exactly the committed ONNX graphs.
// Needs Debian's python3-torch, python3-onnx, python3-numpy (`npm run test:python`).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sidecarProblem, type PriorSidecar } from '../../src/spectra/ensemble/oxidation-prior.ts';
import { PYTHON, requirePython } from '../support/python.ts';
import { REPO_ROOT } from '../support/service.ts';

beforeAll(() => requirePython({ torch: 'python3-torch', onnx: 'python3-onnx', numpy: 'python3-numpy' }));

test('training/oxidation_prior.py trains, exports and the service reads what it wrote (small run)', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'prior-train-'));
  execFileSync(PYTHON, [path.join(REPO_ROOT, 'training/oxidation_prior.py'), '--materials', '40', '--copies', '2', '--epochs', '2', '--out', out], { stdio: 'pipe' });
  const written = JSON.parse(fs.readFileSync(path.join(out, 'cu-k.json'), 'utf8')) as PriorSidecar;
  expect(sidecarProblem(written)).toBeNull();
  expect(fs.existsSync(path.join(out, 'cu-k.onnx'))).toBe(true);
  fs.rmSync(out, { recursive: true });
}, 120_000);

test('the committed graphs are what training/ensemble_graphs.py writes', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'ensemble-graphs-'));
  execFileSync(PYTHON, [path.join(REPO_ROOT, 'training/ensemble_graphs.py'), out]);
  for (const name of ['screen.onnx', 'correlate.onnx']) {
    expect(fs.readFileSync(path.join(out, name)).equals(fs.readFileSync(path.join(REPO_ROOT, 'src/spectra/ensemble', name)))).toBe(true);
  }
  fs.rmSync(out, { recursive: true });
});
