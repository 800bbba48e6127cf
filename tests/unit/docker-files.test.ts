// The Docker files cannot be built here (no Docker engine); check what can be checked as text: every path
// they COPY exists, the npm scripts they run exist, and compose points at Dockerfiles that exist and has the
// services a deployment needs.
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../support/service.ts';

const dockerDir = path.join(REPO_ROOT, 'docker');
const dockerfiles = fs.readdirSync(dockerDir).filter((f) => f.startsWith('Dockerfile'));
const scripts = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>;

test('there are Dockerfiles for the API, a CPU worker and a GPU worker', () => {
  expect(dockerfiles).toEqual(expect.arrayContaining(['Dockerfile.api', 'Dockerfile.worker', 'Dockerfile.worker-gpu']));
});

test.each(dockerfiles)('%s copies only files that exist and runs npm scripts that exist', (file) => {
  const text = fs.readFileSync(path.join(dockerDir, file), 'utf8');
  const copies = [...text.matchAll(/^COPY\s+(?!--from)(.+)$/gm)].map((m) => m[1]!.trim().split(/\s+/).slice(0, -1));
  expect(copies.length).toBeGreaterThan(0);
  for (const source of copies.flat()) expect([source, fs.existsSync(path.join(REPO_ROOT, source))]).toEqual([source, true]);
  const npmRuns = [...text.matchAll(/"npm",\s*"(?:run",\s*")?([\w:-]+)"/g)].map((m) => m[1]!);
  for (const script of npmRuns) expect([script, script in scripts]).toEqual([script, true]);
});

test('the images serve the models and start the right entry point', () => {
  const read = (file: string) => fs.readFileSync(path.join(dockerDir, file), 'utf8');
  for (const file of dockerfiles) expect([file, /^COPY models \.\/models$/m.test(read(file))]).toEqual([file, true]);
  expect(read('Dockerfile.api')).toMatch(/^CMD \["npm", "start"\]$/m);
  expect(read('Dockerfile.worker')).toMatch(/^CMD \["npm", "run", "worker"\]$/m);
  expect(read('Dockerfile.worker-gpu')).toMatch(/^CMD \["npm", "run", "worker"\]$/m);
});

test('the GPU worker: CUDA 12 + cuDNN base, Node 20, onnxruntime-node installed with CUDA 12 before npm ci, cuda provider', () => {
  const text = fs.readFileSync(path.join(dockerDir, 'Dockerfile.worker-gpu'), 'utf8');
  const bases = [...text.matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1]!);
  expect(bases.at(-1)).toMatch(/^nvidia\/cuda:12\.\d+(\.\d+)?-cudnn-runtime-ubuntu\d\d\.04$/);
  expect(bases).toContain('node:20-bookworm-slim');
  const env = text.indexOf('ONNXRUNTIME_NODE_INSTALL=cuda12');
  expect(env).toBeGreaterThan(0);
  expect(env).toBeLessThan(text.indexOf('RUN npm ci'));
  // The variable, not npm's configuration, is what onnxruntime-node's installer reads first (the project's .npmrc says skip).
  const installUtils = fs.readFileSync(path.join(REPO_ROOT, 'node_modules/onnxruntime-node/script/install-utils.js'), 'utf8');
  expect(installUtils).toMatch(/process\.env\.ONNXRUNTIME_NODE_INSTALL \|\| process\.env\.npm_config_onnxruntime_node_install/);
  expect(text).toMatch(/ONNX_EXECUTION_PROVIDER=cuda\b/);
});

describe('compose', () => {
  const compose = fs.readFileSync(path.join(dockerDir, 'compose.yaml'), 'utf8');
  /** The text of each service under `services:` (two-space indented keys), by name. */
  const services = new Map<string, string>();
  const body = compose.slice(compose.indexOf('\nservices:\n') + '\nservices:\n'.length).split(/\n(?=\S)/)[0]!;
  for (const block of body.split(/\n(?=  [\w-]+:)/)) {
    const name = /^\s*([\w-]+):/.exec(block)?.[1];
    if (name) services.set(name, block);
  }

  test('builds from Dockerfiles that exist', () => {
    const referenced = [...compose.matchAll(/dockerfile:\s*(\S+)/g)].map((m) => m[1]!);
    expect(referenced.length).toBeGreaterThan(0);
    for (const file of referenced) expect([file, fs.existsSync(path.join(REPO_ROOT, file))]).toEqual([file, true]);
  });

  test('has PostgreSQL, the API (no in-process worker), N CPU workers and a GPU worker under a profile', () => {
    expect([...services.keys()]).toEqual(['postgres', 'api', 'worker', 'worker-gpu']);
    for (const name of ['api', 'worker', 'worker-gpu']) expect([name, services.get(name)]).toEqual([name, expect.stringMatching(/DATABASE_URL: postgres:\/\/\S+@postgres:5432\//)]);
    expect(services.get('api')).toMatch(/dockerfile: docker\/Dockerfile\.api\n/);
    expect(services.get('api')).toMatch(/START_WORKER: "false"/);
    expect(services.get('worker')).toMatch(/dockerfile: docker\/Dockerfile\.worker\n/);
    expect(services.get('worker')).toMatch(/deploy:\n\s+replicas: \$\{WORKERS:-\d+\}/);
    const gpu = services.get('worker-gpu')!;
    expect(gpu).toMatch(/dockerfile: docker\/Dockerfile\.worker-gpu\n/);
    expect(gpu).toMatch(/profiles: \["gpu"\]/);
    expect(gpu).toMatch(/reservations:\n\s+devices:\n\s+- driver: nvidia\n\s+count: 1\n\s+capabilities: \[gpu\]/);
  });
});
