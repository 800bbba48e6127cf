// The bundled OmniXAS seed records, parsed once per test file (real reference data for unit tests).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { REPO_ROOT } from './service.ts';

let cache: any[] | undefined;

export function seedRecords(): any[] {
  cache ??= zlib
    .gunzipSync(fs.readFileSync(path.join(REPO_ROOT, 'seed', 'omnixas-cu-feff', 'materials.jsonl.gz')))
    .toString('utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
  return cache;
}
