// The Python suite (`npm run test:python`, tests/python/) runs Debian's Python (/usr/bin/python3). Its tests fail,
// never skip, when a module is missing: the suite exists to check what needs Python, so a missing module is an error.
import { spawnSync } from 'node:child_process';

export const PYTHON = '/usr/bin/python3';

/** Throws, naming the Debian package to install, unless /usr/bin/python3 imports every module. */
export function requirePython(modules: Record<string, string>): void {
  const missing = Object.entries(modules).filter(([module]) => spawnSync(PYTHON, ['-c', `import ${module}`], { encoding: 'utf8' }).status !== 0);
  if (missing.length > 0) {
    throw new Error(`the Python suite needs ${missing.map(([m, pkg]) => `${m} (apt-get install ${pkg})`).join(', ')} for ${PYTHON}`);
  }
}
