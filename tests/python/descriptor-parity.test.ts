// The descriptor computed for serving (src/structure/descriptor.ts) equals the one the model was trained on
// (training/descriptor.py, Debian's python3-numpy via /usr/bin/python3), to 1e-6 relative, on real structures:
// 60 seed materials (OmniXAS Cu K-edge catalogue) spread over the file, every computed Cu site.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { descriptorDimension, structureDescriptors, type WacsfParameters } from '../../src/structure/descriptor.ts';
import type { Structure, Vector3 } from '../../src/structure/structure.ts';
import { PYTHON, requirePython } from '../support/python.ts';


beforeAll(() => requirePython({ numpy: 'python3-numpy' }));

/** The descriptor parameters of a model sidecar (its `dimension` dropped). */
function sidecarParameters(file: string): WacsfParameters {
  const { dimension: _dimension, ...params } = JSON.parse(readFileSync(new URL(file, import.meta.url), 'utf8')).descriptor;
  return params as WacsfParameters;
}

// The served model's parameters, and the test fixture's (another descriptor: no composition block, G4 also by X).
const PARAMETER_SETS: [string, WacsfParameters][] = [
  ['models/cu-k-feff-wacsf', sidecarParameters('../../models/cu-k-feff-wacsf.json')],
  ['tests/fixtures/models/cu-k-tiny-fixture', sidecarParameters('../fixtures/models/cu-k-tiny-fixture.json')],
];

interface SeedRecord {
  material_id: string;
  lattice: Structure['lattice'];
  sites: { species: string; frac: Vector3 }[];
  absorbing_sites: { site_index: number }[];
}

function seedSample(count: number): { id: string; structure: Structure; indices: number[] }[] {
  const lines = gunzipSync(readFileSync(new URL('../../seed/omnixas-cu-feff/materials.jsonl.gz', import.meta.url))).toString('utf8').trim().split('\n');
  const withSites = lines.map((l) => JSON.parse(l) as SeedRecord).filter((r) => r.absorbing_sites.length > 0);
  const step = Math.floor(withSites.length / count);
  return Array.from({ length: count }, (_, i) => withSites[i * step]!).map((r) => ({
    id: r.material_id,
    structure: { lattice: r.lattice, species: r.sites.map((s) => s.species), fracCoords: r.sites.map((s) => s.frac) },
    indices: r.absorbing_sites.map((s) => s.site_index),
  }));
}

describe.each(PARAMETER_SETS)('descriptor of %s', (_name, PARAMS) => {
  test('TypeScript and Python descriptors agree to 1e-6 relative on 60 real structures (needs python3-numpy)', () => {
    const sample = seedSample(60);
    const request = { params: PARAMS, structures: sample.map((s) => ({ ...s.structure, indices: s.indices })) };
    const run = spawnSync(PYTHON, ['training/descriptor_cli.py'], { input: JSON.stringify(request), encoding: 'utf8', maxBuffer: 1 << 28 });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const python: number[][][] = JSON.parse(run.stdout).descriptors;
    const dim = descriptorDimension(PARAMS);
    let compared = 0;
    let worst = 0;
    sample.forEach((s, i) => {
      const ts = structureDescriptors(s.structure, s.indices, PARAMS);
      expect(python[i]).toHaveLength(s.indices.length);
      python[i]!.forEach((row, r) => {
        expect(row).toHaveLength(dim);
        row.forEach((value, c) => {
          const rel = Math.abs(ts[r * dim + c]! - value) / Math.max(Math.abs(value), 1e-12);
          worst = Math.max(worst, rel);
          compared++;
        });
      });
    });
    expect(compared).toBeGreaterThan(60 * dim);
    expect(worst).toBeLessThan(1e-6);
  }, 120_000);
});
