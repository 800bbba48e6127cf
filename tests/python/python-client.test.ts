// The Python client (clients/python/, issue 12 item 4) against the running service: it installs with pip, and its
// unittest suite (clients/python/tests/) passes with Debian's Python, python3-requests, -numpy, -matplotlib and
// -pymatgen. The service is the suite's (tests/support/global-setup.ts); the tests get its URL and a contributor key
// through XASGRAPH_URL and XASGRAPH_API_KEY.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestApiKey } from '../support/api-key.ts';
import { testEnvironment } from '../support/env.ts';
import { PYTHON, requirePython } from '../support/python.ts';
import { REPO_ROOT } from '../support/service.ts';

const CLIENT_DIR = path.join(REPO_ROOT, 'clients', 'python');
const PACKAGES = { requests: 'python3-requests', numpy: 'python3-numpy', matplotlib: 'python3-matplotlib', 'pymatgen.core': 'python3-pymatgen', pip: 'python3-pip', setuptools: 'python3-setuptools', wheel: 'python3-wheel' };

test('pip installs the client from the repository (a copy: no build files left in the tree)', () => {
  requirePython(PACKAGES);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'xasgraph-pip-'));
  try {
    const source = path.join(scratch, 'source');
    fs.cpSync(CLIENT_DIR, source, { recursive: true, filter: (p) => !p.includes('__pycache__') });
    const target = path.join(scratch, 'site');
    // --target: Debian's Python is externally managed (PEP 668), a target folder is not; no network (--no-index).
    const install = spawnSync(PYTHON, ['-m', 'pip', 'install', '--quiet', '--no-deps', '--no-index', '--no-build-isolation', '--target', target, source], { encoding: 'utf8', timeout: 120_000 });
    expect(install.stderr).not.toMatch(/error/i);
    expect(install.status).toBe(0);
    const check = spawnSync(PYTHON, ['-c', 'import json, xasgraph, pathlib; print(json.dumps([xasgraph.__version__, xasgraph.__file__, (pathlib.Path(xasgraph.__file__).parent / "py.typed").exists()]))'], {
      cwd: scratch,
      env: { ...process.env, PYTHONPATH: target },
      encoding: 'utf8',
    });
    expect(check.stderr).toBe('');
    const [version, file, typed] = JSON.parse(check.stdout);
    expect(version).toBe('0.1.0');
    expect(file.startsWith(target)).toBe(true);
    expect(typed).toBe(true);
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
});

test('the client’s unittest suite passes against the running service', async () => {
  requirePython(PACKAGES);
  const key = await createTestApiKey('contributor');
  const run = spawnSync(PYTHON, ['-m', 'unittest', 'discover', '-s', 'tests', '-t', '.', '-v'], {
    cwd: CLIENT_DIR,
    env: { ...process.env, PYTHONPATH: CLIENT_DIR, PYTHONDONTWRITEBYTECODE: '1', XASGRAPH_URL: testEnvironment().baseUrl, XASGRAPH_API_KEY: key, MPLBACKEND: 'Agg' },
    encoding: 'utf8',
    timeout: 280_000,
  });
  if (run.status !== 0) console.error(run.stderr.slice(-6000));
  expect(run.stderr).toMatch(/\nOK\b/);
  expect(run.stderr).not.toMatch(/skipped/);
  expect(run.status).toBe(0);
});
