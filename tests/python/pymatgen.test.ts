// `Spectrum.pymatgen` and `Material.structure.pymatgen` are accepted by pymatgen itself (Debian's
// python3-pymatgen, run with /usr/bin/python3): XAS.from_dict and Structure.from_dict rebuild them.
import { spawnSync } from 'node:child_process';
import { graphql } from '../support/env.ts';
import { PYTHON, requirePython } from '../support/python.ts';

test('pymatgen rebuilds an XAS spectrum and its structure from our dicts (needs python3-pymatgen)', async () => {
  requirePython({ 'pymatgen.analysis.xas.spectrum': 'python3-pymatgen' });
  const { body } = await graphql(`{
    average: spectrum(id: "mp-1005792-XANES-Cu-K") { pymatgen energies mu }
    site: spectrum(id: "mp-1005792-XANES-Cu-K-site8") { pymatgen }
    material(id: "mp-1005792") { structure { pymatgen } }
  }`);
  expect(body.errors).toBeUndefined();
  const script = `
import json, sys, warnings
warnings.filterwarnings("ignore")
from pymatgen.analysis.xas.spectrum import XAS
from pymatgen.core import Structure
d = json.load(sys.stdin)
out = {}
for key in ("average", "site"):
    xas = XAS.from_dict(d[key]["pymatgen"])
    out[key] = {"n": len(xas.x), "x0": float(xas.x[0]), "y0": float(xas.y[0]), "element": str(xas.absorbing_element),
                "edge": xas.edge, "formula": xas.structure.composition.reduced_formula, "index": xas.absorbing_index}
s = Structure.from_dict(d["material"]["structure"]["pymatgen"])
out["structure"] = {"formula": s.composition.reduced_formula, "n": len(s), "volume": s.volume}
print(json.dumps(out))
`;
  const run = spawnSync(PYTHON, ['-c', script], { input: JSON.stringify(body.data), encoding: 'utf8' });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  const out = JSON.parse(run.stdout);
  expect(out.average).toEqual({ n: body.data.average.energies.length, x0: body.data.average.energies[0], y0: body.data.average.mu[0], element: 'Cu', edge: 'K', formula: 'Sm2CuAs3O', index: null });
  expect(out.site).toMatchObject({ element: 'Cu', edge: 'K', formula: 'Sm2CuAs3O', index: 8 });
  expect(out.structure.formula).toBe('Sm2CuAs3O');
  expect(out.structure.n).toBe(28);
  expect(out.structure.volume).toBeCloseTo(555.8994, 3);
});
