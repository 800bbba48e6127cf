/** @jest-environment <rootDir>/tests/support/onnx-environment.mjs */
// The learned oxidation-state prior: the features it reads, the committed model against PyTorch's own outputs,
// refusal of a changed or mismatched model, and its blend with the vote.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { blendWithPrior, consensus, prepareQuery } from '../../src/spectra/ensemble/index.ts';
import { oxidationPrior, PRIOR_DIR, PRIOR_FEATURES, PRIOR_FROM, priorFeatures, sidecarProblem, type PriorSidecar } from '../../src/spectra/ensemble/oxidation-prior.ts';
import { interp } from '../../src/spectra/math.ts';

const sidecar = JSON.parse(fs.readFileSync(path.join(PRIOR_DIR, 'cu-k.json'), 'utf8')) as PriorSidecar & {
  probe: { features: number[][]; probabilities: number[][] };
};

/** A smooth synthetic edge (arctangent step plus a white line), named synthetic: the shape is not a compound's. */
function syntheticEdge(shift = 0): { energies: number[]; mu: number[] } {
  const energies = Array.from({ length: 400 }, (_, i) => 8900 + i * 0.5 + shift);
  const mu = energies.map((e) => 0.2 + 0.5 + Math.atan((e - shift - 8990) / 2) / Math.PI + 0.3 * Math.exp(-(((e - shift - 9000) / 4) ** 2)));
  return { energies, mu };
}

test('the features are the normalised μ from 10 eV below to 60 eV above the half-step, 0.5 eV apart', () => {
  const { energies, mu } = syntheticEdge();
  const query = prepareQuery(energies, mu);
  const features = priorFeatures(query);
  expect(features).toHaveLength(PRIOR_FEATURES);
  const at = Array.from({ length: PRIOR_FEATURES }, (_, k) => query.halfStep + PRIOR_FROM + 0.5 * k);
  const expected = interp(at, query.energies, query.mu);
  for (let k = 0; k < PRIOR_FEATURES; k++) expect(features[k]).toBeCloseTo(expected[k]!, 5);
  // Half-step alignment: a rigid shift of the input leaves the features unchanged.
  const shifted = syntheticEdge(3.3);
  const again = priorFeatures(prepareQuery(shifted.energies, shifted.mu));
  for (let k = 0; k < PRIOR_FEATURES; k++) expect(again[k]).toBeCloseTo(features[k]!, 3);
});

test('the committed model reproduces PyTorch on its probe rows, and its probabilities sum to 1', async () => {
  const prior = (await oxidationPrior('Cu', 'K'))!;
  expect(prior.sidecar.classes).toEqual([1, 2, 3]);
  const rows = sidecar.probe.features.length;
  expect(rows).toBeGreaterThan(0);
  const p = await prior.predictFeatures(Float32Array.from(sidecar.probe.features.flat()), rows);
  sidecar.probe.probabilities.flat().forEach((value, k) => expect(Math.abs(p[k]! - value)).toBeLessThan(1e-5));
  const { energies, mu } = syntheticEdge();
  const one = await prior.predict(prepareQuery(energies, mu));
  expect(one.map((x) => x.value)).toEqual([1, 2, 3]);
  expect(one.reduce((s, x) => s + x.probability, 0)).toBeCloseTo(1, 5);
  expect(await oxidationPrior('Fe', 'K')).toBeNull();
});

test('a sidecar with other features, or a model file that changed, is refused', async () => {
  expect(sidecarProblem({ ...sidecar, features: { ...sidecar.features, from: -20 } })).toMatch(/not this service's/);
  expect(sidecarProblem(sidecar)).toBeNull();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prior-'));
  fs.copyFileSync(path.join(PRIOR_DIR, 'cu-k.json'), path.join(dir, 'cu-k.json'));
  const bytes = fs.readFileSync(path.join(PRIOR_DIR, 'cu-k.onnx'));
  fs.writeFileSync(path.join(dir, 'cu-k.onnx'), Buffer.concat([bytes, Buffer.from([0])]));
  await expect(oxidationPrior('Cu', 'K', dir)).rejects.toThrow(/sha256/);
  fs.rmSync(dir, { recursive: true });
});

test('blendWithPrior: (vote share + weight · probability) / (1 + weight); the prior alone without a vote', () => {
  const vote = consensus([{ weight: 3, value: 2 }, { weight: 1, value: 1 }]);
  const prior = [{ value: 1, probability: 0.9 }, { value: 2, probability: 0.1 }, { value: 3, probability: 0 }];
  const blended = blendWithPrior(vote, prior, 1)!;
  expect(blended.value).toBe(1);
  expect(blended.confidence).toBeCloseTo((0.25 + 0.9) / 2, 10);
  expect(blendWithPrior(vote, prior, 0)!.value).toBe(2);
  expect(blendWithPrior(null, prior, 1)!.confidence).toBeCloseTo(0.9, 10);
});
