// Prediction speed (issue 4, item 6): sites per second for featurisation (symmetry + descriptor, TypeScript) and
// ensemble inference (onnxruntime-node), batched, over every seed structure's Cu sites. One core by default
// (ONNX_THREADS=1; the featurisation is single-threaded JavaScript). ONNX_EXECUTION_PROVIDER=cuda on a GPU host
// (bench/gpu.sh). Prints tables; never passes or fails.
//   npm run bench:predict [-- --structures N] [-- --require-provider cuda]
import { featurise, predictStructures } from '../src/inference/predict.ts';
import { descriptorDimension, structureDescriptors } from '../src/structure/descriptor.ts';
import { loadSeedMaterials, openCuModel } from './model-support.ts';
import { fmt, machineSummary, median, printTable } from './support.ts';

const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
};

const model = await openCuModel();
const required = arg('require-provider');
if (required && model.session.provider !== required) {
  console.error(`bench:predict: asked for ${required} but the model runs on ${model.session.provider}`);
  process.exit(1);
}
const all = loadSeedMaterials().filter((m) => m.structure.species.includes('Cu'));
const materials = all.slice(0, Number(arg('structures') ?? all.length));
const dim = descriptorDimension(model.descriptor);
console.log(`${machineSummary()}; model ${model.id} on ${model.session.provider}, ${model.files.sidecar.ensemble.members} members, descriptor ${dim} values, ${model.energies.length} energies`);

// Featurisation alone: symmetry classes + one descriptor per class (what a prediction computes).
let started = performance.now();
const featurised = materials.map((m) => featurise(m.structure, 'Cu', model.descriptor));
const featuriseMs = performance.now() - started;
const classes = featurised.reduce((n, f) => n + f.classes.length, 0);
started = performance.now();
let descriptorSites = 0;
for (const m of materials) {
  const cu = m.structure.species.flatMap((s, i) => (s === 'Cu' ? [i] : []));
  structureDescriptors(m.structure, cu, model.descriptor);
  descriptorSites += cu.length;
}
const descriptorMs = performance.now() - started;

// Inference alone, by batch size, on real descriptor rows.
const rows = new Float32Array(classes * dim);
let at = 0;
for (const f of featurised) {
  rows.set(f.descriptors, at * dim);
  at += f.classes.length;
}
await model.session.run(rows.subarray(0, dim), 1); // warm-up
const inference: (string | number)[][] = [];
for (const batch of [1, 16, 64, 256, 1024, classes]) {
  const times: number[] = [];
  const repeats = Math.max(3, Math.min(50, Math.floor(4096 / batch)));
  for (let r = 0; r < repeats; r++) {
    const from = (r * batch) % Math.max(1, classes - batch + 1);
    const t = performance.now();
    await model.session.run(rows.subarray(from * dim, (from + batch) * dim), batch);
    times.push(performance.now() - t);
  }
  const ms = median(times);
  inference.push([batch === classes ? `${batch} (all)` : batch, fmt(ms, 2), fmt((1000 * ms) / batch, 1), fmt((batch * 1000) / ms, 0)]);
}

// End to end: structures → site-averaged spectra, 256 structures per call (one `run` per call).
started = performance.now();
for (let i = 0; i < materials.length; i += 256) {
  await predictStructures(model, materials.slice(i, i + 256).map((m) => ({ structure: m.structure, element: 'Cu' })));
}
const endToEndMs = performance.now() - started;

console.log(`\nFeaturisation, ${materials.length} seed structures (TypeScript, one thread)`);
printTable(['step', 'sites', 'total ms', 'µs per site', 'sites/s'], [
  ['descriptor only, every Cu site', descriptorSites, fmt(descriptorMs, 0), fmt((1000 * descriptorMs) / descriptorSites, 1), fmt((descriptorSites * 1000) / descriptorMs, 0)],
  ['symmetry + descriptor per site class', classes, fmt(featuriseMs, 0), fmt((1000 * featuriseMs) / classes, 1), fmt((classes * 1000) / featuriseMs, 0)],
]);
console.log(`\nEnsemble inference (${model.session.provider}), median of repeats`);
printTable(['sites per run', 'ms per run', 'µs per site', 'sites/s'], inference);
console.log(`\nEnd to end (featurise + one run per 256 structures + site averaging): ${classes} site classes of ${materials.length} structures in ${fmt(endToEndMs, 0)} ms = ${fmt((classes * 1000) / endToEndMs, 0)} site classes/s, ${fmt((materials.length * 1000) / endToEndMs, 0)} structures/s`);
await model.session.release();
