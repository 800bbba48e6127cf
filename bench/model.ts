// Accuracy of the served spectrum model (issue 4, item 5), recomputed in TypeScript through onnxruntime-node
// from the model files the service loads, on the OmniXAS Cu K-edge FEFF **test** split (never trained on):
//   1. per site: η = MSE(train-mean spectrum) / MSE(model), MSE, median relative error ‖ŷ − y‖/‖y‖, and the
//      fraction of test points inside the calibrated ±2σ band; beside the training script's own numbers and its
//      baselines (from the sidecar);
//   2. per material: the predicted site-averaged spectrum used as a query (computed: true) against the whole
//      catalogue's FEFF spectra with the ENSEMBLE ranking: where its own material, and its own formula, rank.
//   npm run bench:model
import { interp } from '../src/spectra/math.ts';
import { prepareQuery, prepareReferences, rankEnsemble } from '../src/spectra/ensemble/index.ts';
import { siteAveragedSpectrum } from '../src/spectra/average.ts';
import { predictStructures } from '../src/inference/predict.ts';
import { structureDescriptors } from '../src/structure/descriptor.ts';
import { loadSeedMaterials, openCuModel } from './model-support.ts';
import { fmt, printTable, quantile } from './support.ts';

const model = await openCuModel();
const sidecar = model.files.sidecar;
const grid = Float64Array.from(model.energies);
const points = grid.length;
const materials = loadSeedMaterials();
console.log(`model ${model.id} (${model.session.provider}); ${materials.length} seed materials`);

// 1. Per site, test split.
const onGrid = (s: { energies: number[]; mu: number[] }) => interp(grid, s.energies, s.mu);
const train = materials.flatMap((m) => m.sites.filter((s) => s.split === 'train'));
const trainMean = new Float64Array(points);
for (const s of train) onGrid(s).forEach((v, i) => { trainMean[i]! += v / train.length; });
const testSites = materials.flatMap((m) => m.sites.filter((s) => s.split === 'test').map((s) => ({ material: m, site: s })));
const dim = sidecar.descriptor.dimension;
const rows = new Float32Array(testSites.length * dim);
testSites.forEach(({ material, site }, i) => rows.set(structureDescriptors(material.structure, [site.siteIndex], model.descriptor), i * dim));
const { mean, std } = await model.session.run(rows, testSites.length);
let se = 0;
let seBase = 0;
let inside = 0;
const relative: number[] = [];
testSites.forEach(({ site }, i) => {
  const y = onGrid(site);
  let num = 0;
  let den = 0;
  for (let e = 0; e < points; e++) {
    const d = mean[i * points + e]! - y[e]!;
    se += d * d;
    seBase += (trainMean[e]! - y[e]!) ** 2;
    if (Math.abs(d) <= 2 * std[i * points + e]!) inside++;
    num += d * d;
    den += y[e]! * y[e]!;
  }
  relative.push(Math.sqrt(num / den));
});
const n = testSites.length * points;
const test = sidecar.metrics.test;
console.log(`\nPer site, OmniXAS test split (${testSites.length} Cu sites; trained on ${JSON.stringify((sidecar.training as { split?: unknown }).split)})`);
printTable(['quantity', 'served model (TypeScript + ONNX)', 'training script (sidecar)'], [
  ['η = MSE(mean spectrum) / MSE(model)', fmt(seBase / se, 3), fmt(test.eta, 3)],
  ['MSE', (se / n).toExponential(3), test.mse.toExponential(3)],
  ['median relative error', fmt(quantile(relative, 0.5), 4), fmt(test.medianRelativeError, 4)],
  ['points inside ±2σ (target 0.95)', fmt(inside / n, 3), fmt(test.coverage2Sigma ?? Number.NaN, 3)],
]);
console.log('\nBaselines (training script, same split):');
printTable(['model', 'test η', 'test MSE', 'median relative error'], [
  ['train-mean spectrum (TypeScript)', fmt(1, 2), (seBase / n).toExponential(3), '-'],
  ...(sidecar.metrics.baselines.wacsf97Mlp ? [['XANESNET wACSF-97 MLP (2×512)', fmt(sidecar.metrics.baselines.wacsf97Mlp.test.eta, 2), sidecar.metrics.baselines.wacsf97Mlp.test.mse.toExponential(3), fmt(sidecar.metrics.baselines.wacsf97Mlp.test.medianRelativeError, 4)]] : []),
  [`this model (${sidecar.ensemble.members}-member ensemble)`, fmt(test.eta, 2), test.mse.toExponential(3), fmt(test.medianRelativeError, 4)],
]);

// 2. Per material: a predicted spectrum as a query against the catalogue.
const references = materials.flatMap((m) => {
  if (m.sites.length === 0 || m.sites.some((s) => s.weight === null)) return [];
  const averaged = siteAveragedSpectrum(m.sites.map((s) => ({ siteIndex: s.siteIndex, energies: s.energies, mu: s.mu, weight: s.weight! })));
  return [{ id: m.id, formula: m.formula, energies: averaged.energies, mu: averaged.mu }];
});
const prepared = prepareReferences(references);
const testMaterials = materials.filter((m) => m.split === 'test' && references.some((r) => r.id === m.id));
const predictions = await predictStructures(model, testMaterials.map((m) => ({ structure: m.structure, element: 'Cu' })));
const ownRanks: number[] = [];
const formulaRanks: number[] = [];
for (const [i, p] of predictions.entries()) {
  const material = testMaterials[i]!;
  const result = await rankEnsemble(prepareQuery(p.energies, p.mean, { computed: true }), prepared, { top: references.length, exhaustive: true });
  const ids = result.matches.map((m) => references[m.index]!.id);
  const rank = (predicate: (id: string) => boolean) => {
    const at = ids.findIndex(predicate);
    return at < 0 ? references.length : at + 1;
  };
  ownRanks.push(rank((id) => id === material.id));
  formulaRanks.push(rank((id) => references.find((r) => r.id === id)!.formula === material.formula));
}
const share = (ranks: number[], k: number) => fmt((100 * ranks.filter((r) => r <= k).length) / ranks.length, 1) + ' %';
console.log(`\nPredicted site-averaged spectrum as a query (ENSEMBLE ranking, computed: true) against all ${references.length} catalogue spectra; ${testMaterials.length} test materials`);
printTable(['what counts as right', 'top-1', 'top-5', 'top-10', 'median rank'], [
  ['its own material', share(ownRanks, 1), share(ownRanks, 5), share(ownRanks, 10), fmt(quantile(ownRanks, 0.5), 0)],
  ['any material of its formula', share(formulaRanks, 1), share(formulaRanks, 5), share(formulaRanks, 10), fmt(quantile(formulaRanks, 0.5), 0)],
]);
await model.session.release();
