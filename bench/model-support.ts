// What bench/model.ts and bench/predict.ts share: the served Cu K-edge model (from MODELS_DIR, as the service
// loads it) and the seed catalogue's structures and site spectra, read straight from the bundled file.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { loadConfig } from '../src/config.ts';
import { logger } from '../src/logger.ts';
import { chooseModel } from '../src/inference/choose.ts';
import { type OpenModel, openModel } from '../src/inference/model.ts';
import { readModelDir } from '../src/inference/sidecar.ts';
import type { Structure, Vector3 } from '../src/structure/structure.ts';

const ROOT = path.resolve(import.meta.dirname, '..');

export interface SeedSite {
  siteIndex: number;
  multiplicity: number;
  weight: number | null;
  split: string | null;
  energies: number[];
  mu: number[];
}

export interface SeedMaterial {
  id: string;
  formula: string;
  split: string | null;
  structure: Structure;
  sites: SeedSite[];
}

interface RawRecord {
  material_id: string;
  formula_reduced: string;
  split: string | null;
  lattice: Structure['lattice'];
  sites: { species: string; frac: Vector3 }[];
  absorbing_sites: { site_index: number; multiplicity: number; weight: number | null; split: string | null; spectrum: { energy: number[]; mu: number[] } }[];
}

/** Every seed material (OmniXAS Cu K-edge FEFF, seed/omnixas-cu-feff), with its structure and computed sites. */
export function loadSeedMaterials(): SeedMaterial[] {
  const file = path.join(ROOT, 'seed', 'omnixas-cu-feff', 'materials.jsonl.gz');
  return zlib.gunzipSync(fs.readFileSync(file)).toString('utf8').trim().split('\n').map((line) => {
    const r = JSON.parse(line) as RawRecord;
    return {
      id: r.material_id,
      formula: r.formula_reduced,
      split: r.split,
      structure: { lattice: r.lattice, species: r.sites.map((s) => s.species), fracCoords: r.sites.map((s) => s.frac) },
      sites: r.absorbing_sites.map((s) => ({
        siteIndex: s.site_index, multiplicity: s.multiplicity, weight: s.weight, split: s.split, energies: s.spectrum.energy, mu: s.spectrum.mu,
      })),
    };
  });
}

/** The served Cu K-edge model, opened as the service opens it (provider and threads from the environment). */
export async function openCuModel(): Promise<OpenModel> {
  const config = loadConfig();
  const found = readModelDir(config.MODELS_DIR);
  for (const err of found.rejected) console.error(`model refused: ${err.message}`);
  const files = chooseModel(found.models, { absorbingElement: 'Cu', edge: 'K' });
  return openModel(files, { executionProvider: config.ONNX_EXECUTION_PROVIDER, threads: config.ONNX_THREADS, log: logger });
}
