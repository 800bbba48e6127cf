// Training data of the oxidation-state prior (run by training/oxidation_prior.py; or by hand:
//   node --import tsx training/oxidation-features.ts --out DIR [--copies N] [--materials N]).
// Every seed material with a site-averaged spectrum and a known oxidation state on every Cu site (pymatgen's
// BVAnalyzer, carried in the seed) is made to look measured N times (training/augment.ts: the FEFF-vs-experiment gap
// with ranges that include no change, then a measurement: pre-edge, broadening 0–3 eV, shift ±4 eV, scale,
// background, noise) and prepared exactly as the service prepares a query; the features are cut by the service's
// own priorFeatures. Labels: the shares of oxidation states +1, +2, +3 over the Cu sites (by multiplicity).
// Splits follow OmniXAS's material split; materials without one are written as split 3 and never trained on.
// Writes DIR/features.f32 (n × F), DIR/labels.f32 (n × 3), DIR/split.u8 (0 train, 1 val, 2 test, 3 none),
// DIR/materials.json (material id of each row), DIR/meta.json.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { parseArgs } from 'node:util';
import { seededRandom } from '../bench/support.ts';
import { omnixasToCatalog, parseOmnixasRecord } from '../src/catalog/omnixas.ts';
import { prepareQuery } from '../src/spectra/ensemble/index.ts';
import { PRIOR_FEATURES, PRIOR_FROM, PRIOR_TO, priorFeatures } from '../src/spectra/ensemble/oxidation-prior.ts';
import { gapLike, measurementLike, type GapOptions, type MeasurementOptions } from './augment.ts';

export const CLASSES = [1, 2, 3];
const SPLITS = ['train', 'val', 'test'];

/** Augmentation of the prior's training data (identification-lessons.md §6 lists these kinds and sizes). */
export const PRIOR_MEASUREMENT: MeasurementOptions = {
  broadening: [0, 3],
  shift: [0, 4],
  scale: [0.2, 5],
  offset: [-0.5, 1.5],
  slope: [-3e-3, 1e-3],
  noise: 0.01,
};
export const PRIOR_GAP: GapOptions = { stretch: [0, 0.03], amplitude: [0, 0.3] };

const { values } = parseArgs({
  options: { out: { type: 'string' }, copies: { type: 'string', default: '12' }, materials: { type: 'string' }, seed: { type: 'string', default: '20261126' } },
});
if (!values.out) {
  console.error('usage: node --import tsx training/oxidation-features.ts --out DIR [--copies N] [--materials N] [--seed S]');
  process.exit(2);
}
const copies = Number(values.copies);
const limit = values.materials ? Number(values.materials) : Infinity;
const random = seededRandom(Number(values.seed));
const root = path.resolve(import.meta.dirname, '..');
const text = zlib.gunzipSync(fs.readFileSync(path.join(root, 'seed', 'omnixas-cu-feff', 'materials.jsonl.gz'))).toString('utf8');

const features: Float32Array[] = [];
const labels: number[] = [];
const splits: number[] = [];
const materials: string[] = [];
let used = 0;
let skipped = 0;
for (const line of text.trim().split('\n')) {
  if (used >= limit) break;
  const batch = omnixasToCatalog(parseOmnixasRecord(JSON.parse(line)));
  const average = batch.spectra.find((s) => s.siteIndex === null);
  const sites = batch.sites;
  if (!average || sites.length === 0 || sites.some((s) => s.oxidationState === null || !CLASSES.includes(s.oxidationState))) {
    skipped++;
    continue;
  }
  const total = sites.reduce((sum, s) => sum + s.multiplicity, 0);
  const label = CLASSES.map((c) => sites.filter((s) => s.oxidationState === c).reduce((sum, s) => sum + s.multiplicity, 0) / total);
  const split = SPLITS.indexOf(batch.materials[0]!.split ?? '');
  used++;
  for (let k = 0; k < copies; k++) {
    const gap = gapLike(average.energies, average.mu, random, PRIOR_GAP);
    const measured = measurementLike(gap.energies, gap.mu, random, PRIOR_MEASUREMENT);
    try {
      features.push(priorFeatures(prepareQuery(measured.energies, measured.mu)));
    } catch {
      continue; // a draw the normalisation refuses (e.g. noise hiding the edge) is left out, as the service would refuse it
    }
    labels.push(...label);
    splits.push(split < 0 ? 3 : split);
    materials.push(average.materialId);
  }
}

fs.mkdirSync(values.out, { recursive: true });
const flat = new Float32Array(features.length * PRIOR_FEATURES);
features.forEach((f, i) => flat.set(f, i * PRIOR_FEATURES));
fs.writeFileSync(path.join(values.out, 'features.f32'), flat);
fs.writeFileSync(path.join(values.out, 'labels.f32'), Float32Array.from(labels));
fs.writeFileSync(path.join(values.out, 'split.u8'), Uint8Array.from(splits));
fs.writeFileSync(path.join(values.out, 'materials.json'), JSON.stringify(materials));
const meta = {
  rows: features.length,
  features: { from: PRIOR_FROM, to: PRIOR_TO, step: (PRIOR_TO - PRIOR_FROM) / (PRIOR_FEATURES - 1), count: PRIOR_FEATURES },
  classes: CLASSES,
  copies,
  materials: used,
  skippedMaterials: skipped,
  seed: Number(values.seed),
  augmentation: { gap: PRIOR_GAP, measurement: PRIOR_MEASUREMENT },
};
fs.writeFileSync(path.join(values.out, 'meta.json'), JSON.stringify(meta, null, 2));
console.log(JSON.stringify({ rows: meta.rows, materials: used, skippedMaterials: skipped }));
