// The MODELS_DIR of the service under test: the repository's models/ (when it holds any), the small fixture
// model of tests/fixtures/models, and a tampered model whose .onnx no longer matches its sidecar's sha256 (the
// service must log it and serve the others).
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './service.ts';

export const FIXTURE_MODELS_DIR = path.join(REPO_ROOT, 'tests/fixtures/models');
export const FIXTURE_MODEL_ID = 'cu-k-tiny-fixture@0.0.1';
export const TAMPERED_MODEL_ID = 'cu-k-tampered@0.0.1';

export function prepareTestModels(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  const repoModels = path.join(REPO_ROOT, 'models');
  if (fs.existsSync(repoModels)) fs.cpSync(repoModels, dir, { recursive: true });
  fs.cpSync(FIXTURE_MODELS_DIR, dir, { recursive: true });
  const sidecar = JSON.parse(fs.readFileSync(path.join(FIXTURE_MODELS_DIR, 'cu-k-tiny-fixture.json'), 'utf8'));
  fs.writeFileSync(path.join(dir, 'cu-k-tampered.json'), JSON.stringify({ ...sidecar, name: 'cu-k-tampered', file: 'cu-k-tampered.onnx' }));
  const onnx = fs.readFileSync(path.join(FIXTURE_MODELS_DIR, 'cu-k-tiny-fixture.onnx'));
  fs.writeFileSync(path.join(dir, 'cu-k-tampered.onnx'), Buffer.concat([onnx, Buffer.from([0])]));
}
