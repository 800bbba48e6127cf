// The Docker files cannot be built here (no Docker engine); check what can be checked as text: every path
// they COPY exists, the npm scripts they run exist, and compose points at Dockerfiles that exist.
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../support/service.ts';

const dockerDir = path.join(REPO_ROOT, 'docker');
const dockerfiles = fs.readdirSync(dockerDir).filter((f) => f.startsWith('Dockerfile'));
const scripts = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>;

test('there is a Dockerfile for the API', () => {
  expect(dockerfiles).toContain('Dockerfile.api');
});

test.each(dockerfiles)('%s copies only files that exist and runs npm scripts that exist', (file) => {
  const text = fs.readFileSync(path.join(dockerDir, file), 'utf8');
  const copies = [...text.matchAll(/^COPY\s+(?!--from)(.+)$/gm)].map((m) => m[1]!.trim().split(/\s+/).slice(0, -1));
  expect(copies.length).toBeGreaterThan(0);
  for (const source of copies.flat()) expect([source, fs.existsSync(path.join(REPO_ROOT, source))]).toEqual([source, true]);
  const npmRuns = [...text.matchAll(/"npm",\s*"(?:run",\s*")?([\w:-]+)"/g)].map((m) => m[1]!);
  for (const script of npmRuns) expect([script, script in scripts]).toEqual([script, true]);
});

test('compose builds from Dockerfiles that exist', () => {
  const compose = fs.readFileSync(path.join(dockerDir, 'compose.yaml'), 'utf8');
  const referenced = [...compose.matchAll(/dockerfile:\s*(\S+)/g)].map((m) => m[1]!);
  expect(referenced.length).toBeGreaterThan(0);
  for (const file of referenced) expect(fs.existsSync(path.join(REPO_ROOT, file))).toBe(true);
});
