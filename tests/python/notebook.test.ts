// The example notebook (clients/python/examples/quickstart.ipynb) runs from top to bottom against the running service
// with Debian's nbclient and ipykernel, and every cell tagged `figure-…` draws its figure (an image/png output).
// The executed notebook and its figures stay in a temporary folder the test prints.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestApiKey } from '../support/api-key.ts';
import { testEnvironment } from '../support/env.ts';
import { PYTHON, requirePython } from '../support/python.ts';
import { REPO_ROOT } from '../support/service.ts';

const CLIENT_DIR = path.join(REPO_ROOT, 'clients', 'python');
const NOTEBOOK = path.join(CLIENT_DIR, 'examples', 'quickstart.ipynb');

interface CellOutputs {
  index: number;
  tags: string[];
  /** Per output: its type, its data's MIME types, and the path of its PNG where it has one. */
  outputs: string[][];
}

test('quickstart.ipynb executes and draws its figures (needs python3-nbclient, -ipykernel, -matplotlib, -pymatgen)', async () => {
  requirePython({
    nbclient: 'python3-nbclient',
    ipykernel: 'python3-ipykernel',
    nbformat: 'python3-nbformat',
    matplotlib: 'python3-matplotlib',
    requests: 'python3-requests',
    numpy: 'python3-numpy',
    'pymatgen.core': 'python3-pymatgen',
  });
  const key = await createTestApiKey('contributor');
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'xasgraph-notebook-'));
  const executed = path.join(out, 'quickstart.executed.ipynb');
  const run = spawnSync(PYTHON, [path.join(REPO_ROOT, 'tests', 'python', 'run_notebook.py'), NOTEBOOK, executed, path.dirname(NOTEBOOK)], {
    cwd: out,
    env: { ...process.env, PYTHONPATH: CLIENT_DIR, PYTHONDONTWRITEBYTECODE: '1', XASGRAPH_URL: testEnvironment().baseUrl, XASGRAPH_API_KEY: key, PYDEVD_DISABLE_FILE_VALIDATION: '1' },
    encoding: 'utf8',
    timeout: 280_000,
  });
  if (run.status !== 0) console.error(run.stderr.slice(-8000));
  expect(run.status).toBe(0);
  const cells = JSON.parse(run.stdout) as CellOutputs[];
  const figures = cells.filter((c) => c.tags.some((t) => t.startsWith('figure-')));
  expect(figures.map((c) => c.tags.find((t) => t.startsWith('figure-')))).toEqual([
    'figure-identification',
    'figure-pymatgen-spectrum',
    'figure-prediction-band',
    'figure-strained-predictions',
    'figure-mixture-residual',
  ]);
  for (const cell of figures) expect(cell.outputs.some((o) => o.includes('image/png'))).toBe(true);
  const pngs = cells.flatMap((c) => c.outputs.map((o) => o.at(-1)!).filter((p) => p.endsWith('.png')));
  for (const png of pngs) expect(fs.statSync(png).size).toBeGreaterThan(10_000);
  console.log(`executed notebook: ${executed}\nfigures:\n${pngs.join('\n')}`);
});
