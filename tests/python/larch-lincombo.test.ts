// The committed Larch lincombo_fit reference (tests/fixtures/larch-lincombo/, read by tests/unit/mixture-larch-parity.test.ts)
// is what Debian's python3-xraylarch computes today: make_reference.py re-run into a temporary folder writes the same
// inputs and the same fits, to 1e-9. Fails (never skips) without /usr/bin/python3 and larch.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../support/process.ts';
import { PYTHON, requirePython } from '../support/python.ts';

const FIXTURE = path.join(REPO_ROOT, 'tests/fixtures/larch-lincombo');

/** Paths (a.b[3].c) where two JSON values differ: numbers by more than 1e-9 relative to max(1, |value|), anything else at all. */
function differences(expected: unknown, actual: unknown, at = '$'): string[] {
  if (typeof expected === 'number' && typeof actual === 'number') {
    return Math.abs(expected - actual) <= 1e-9 * Math.max(1, Math.abs(expected)) ? [] : [`${at}: ${expected} ≠ ${actual}`];
  }
  if (Array.isArray(expected) && Array.isArray(actual)) {
    if (expected.length !== actual.length) return [`${at}: length ${expected.length} ≠ ${actual.length}`];
    return expected.flatMap((e, i) => differences(e, actual[i], `${at}[${i}]`));
  }
  if (expected && actual && typeof expected === 'object' && typeof actual === 'object') {
    const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
    return [...keys].flatMap((k) => differences((expected as Record<string, unknown>)[k], (actual as Record<string, unknown>)[k], `${at}.${k}`));
  }
  return expected === actual ? [] : [`${at}: ${JSON.stringify(expected)} ≠ ${JSON.stringify(actual)}`];
}

test('make_reference.py reproduces the committed inputs.json and reference.json (needs python3-xraylarch)', () => {
  requirePython({ larch: 'python3-xraylarch', lmfit: 'python3-lmfit' });
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'larch-lincombo-'));
  try {
    execFileSync(PYTHON, [path.join(FIXTURE, 'make_reference.py'), out], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 300_000 });
    for (const file of ['inputs.json', 'reference.json']) {
      const committed = JSON.parse(fs.readFileSync(path.join(FIXTURE, file), 'utf8'));
      const rerun = JSON.parse(fs.readFileSync(path.join(out, file), 'utf8'));
      expect({ file, differences: differences(committed, rerun).slice(0, 10) }).toEqual({ file, differences: [] });
    }
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}, 300_000);
