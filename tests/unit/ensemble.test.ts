/** @jest-environment <rootDir>/tests/support/onnx-environment.mjs */
// ENSEMBLE ranking on real seed spectra (100 OmniXAS FEFF site averages), perturbed as an experiment
// would be (shift, broadening, background, noise, scale).
import { omnixasToCatalog, parseOmnixasRecord } from '../../src/catalog/omnixas.ts';
import {
  abstention, consensus, isConfident, prepareQuery, prepareReferences, rankEnsemble, type PreparedReferences,
} from '../../src/spectra/ensemble/index.ts';
import { seedRecords } from '../support/seed.ts';
import { measure } from '../support/synthetic-measurement.ts';

interface Ref { id: string; energies: number[]; mu: number[] }

let refs: Ref[];
let prepared: PreparedReferences;

beforeAll(() => {
  refs = [];
  const records = seedRecords();
  for (let i = 0; i < records.length && refs.length < 100; i += 25) {
    const avg = omnixasToCatalog(parseOmnixasRecord(records[i])).spectra.find((s) => s.siteIndex === null);
    if (avg) refs.push({ id: avg.materialId, energies: avg.energies, mu: avg.mu });
  }
  prepared = prepareReferences(refs);
});

test('a perturbed spectrum retrieves its own material first, and the shift is recovered', async () => {
  for (const [k, shift] of [[3, 3.7], [60, -2.2], [95, 4.9]] as const) {
    const m = measure(refs[k]!, shift, k + 1);
    const result = await rankEnsemble(prepareQuery(m.energies, m.mu), prepared, { top: 5 });
    expect(result.matches[0]!.index).toBe(k);
    // The FEFF grid starts at the reference's own first energy: the query is the reference moved by `shift`.
    expect(Math.abs(result.matches[0]!.energyShift - shift)).toBeLessThan(0.5);
    for (const match of result.matches) {
      expect(match.score).toBeGreaterThanOrEqual(0);
      expect(match.score).toBeLessThanOrEqual(1);
    }
    expect(result.bestScore).toBe(result.matches[0]!.score);
  }
});

test('matches are sorted by votes, deterministic, and the screen agrees with the exhaustive search', async () => {
  const m = measure(refs[77]!, -1.3, 9);
  const query = prepareQuery(m.energies, m.mu);
  const a = await rankEnsemble(query, prepared, { top: 10, screenKeep: 40, finalists: 20 });
  const b = await rankEnsemble(query, prepared, { top: 10, screenKeep: 40, finalists: 20 });
  expect(b).toEqual(a);
  for (let i = 1; i < a.matches.length; i++) expect(a.matches[i - 1]!.votes).toBeGreaterThanOrEqual(a.matches[i]!.votes);
  const exhaustive = await rankEnsemble(query, prepared, { top: 10, exhaustive: true, finalists: 20 });
  expect(exhaustive.matches.map((x) => x.index)).toEqual(a.matches.map((x) => x.index));
});

test('restricting candidates works', async () => {
  const m = measure(refs[10]!, 2, 3);
  const query = prepareQuery(m.energies, m.mu);
  const candidates = [5, 6, 7, 8, 9, 11];
  const result = await rankEnsemble(query, prepared, { candidates, top: 10 });
  expect(result.candidatesConsidered).toBe(6);
  expect(result.matches.map((x) => x.index).sort((x, y) => x - y)).toEqual(candidates);
  await expect(rankEnsemble(query, prepared, { candidates: [100000] })).rejects.toThrow(/not a reference index/);
});

test('a measured query stretched about its edge finds its own material, and energyScale follows the stretch', async () => {
  const m = measure(refs[42]!, 1.5, 7);
  const { halfStep } = prepareQuery(m.energies, m.mu);
  const found: number[] = [];
  for (const stretch of [0.97, 1.03]) {
    const energies = m.energies.map((e) => halfStep + stretch * (e - halfStep));
    const result = await rankEnsemble(prepareQuery(energies, m.mu), prepared, { top: 3 });
    expect(result.matches[0]!.index).toBe(42);
    // Smooth spectra pin the stretch only loosely (scores differ by ~1e-4 between neighbouring stretches).
    expect(Math.abs(result.matches[0]!.energyScale - stretch)).toBeLessThanOrEqual(0.015 + 1e-12);
    found.push(result.matches[0]!.energyScale);
  }
  expect(found[0]!).toBeLessThan(found[1]!);
});

test('a computed query is compared unstretched (it has no FEFF-vs-experiment gap)', async () => {
  const r = refs[42]!;
  const query = prepareQuery(r.energies, r.mu, { computed: true });
  expect(query.stretches).toEqual([1]);
  const result = await rankEnsemble(query, prepared, { top: 3 });
  expect(result.matches.every((x) => x.energyScale === 1)).toBe(true);
});

test('a computed query goes through the computed path and scores ~1 against itself', async () => {
  const r = refs[42]!;
  const query = prepareQuery(r.energies, r.mu, { computed: true });
  expect(query.computed).toBe(true);
  expect(query.energies).toHaveLength(query.mu.length);
  const result = await rankEnsemble(query, prepared, { top: 3 });
  expect(result.matches[0]!.index).toBe(42);
  expect(result.matches[0]!.score).toBeGreaterThan(0.99);
});

test('consensus: weighted shares, nulls left out, ties to the smaller value', () => {
  expect(consensus([])).toBeNull();
  expect(consensus([{ weight: 1, value: null }])).toBeNull();
  const c = consensus([{ weight: 3, value: 2 }, { weight: 1, value: 1 }, { weight: 1, value: 2 }, { weight: 5, value: null }, { weight: 0, value: 3 }])!;
  expect(c.value).toBe(2);
  expect(c.confidence).toBeCloseTo(0.8);
  expect(c.distribution).toEqual([{ value: 2, share: 0.8 }, { value: 1, share: expect.closeTo(0.2) }]);
  expect(consensus([{ weight: 1, value: 2 }, { weight: 1, value: 1 }])!.value).toBe(1);
  expect(consensus([{ weight: 1, value: 1.499999 }, { weight: 1, value: 1.5 }])!.confidence).toBe(1);
});

test('isConfident: a weak best, a near-tie or top matches disagreeing on the oxidation state abstain', () => {
  expect(isConfident({ bestScore: 0.995, margin: 0.001 }, 0.9)).toBe(true);
  expect(isConfident({ bestScore: 0.9, margin: 0.1 }, 1)).toBe(false);
  expect(isConfident({ bestScore: 0.995, margin: -0.002 }, 1)).toBe(false);
  expect(isConfident({ bestScore: 0.995, margin: 0.001 }, 0.5)).toBe(false);
  expect(isConfident({ bestScore: 0.995, margin: 0.001 }, null)).toBe(false);
  expect(abstention({ bestScore: 0.995, margin: 0.001 }, 0.51).reason).toMatch(/disagree on the oxidation state.*51 %/);
  expect(abstention({ bestScore: 0.95, margin: 0.001 }, 1).reason).toMatch(/weak \(score 0\.950/);
});

test('a reference without a usable edge is left out, not fatal', async () => {
  const flat = { id: 'flat', energies: Array.from({ length: 60 }, (_, i) => 8980 + i), mu: Array.from({ length: 60 }, () => 1) };
  const ramp = { id: 'edge', energies: Array.from({ length: 173 }, (_, i) => 8980 + i * 0.8), mu: Array.from({ length: 173 }, (_, i) => 1 / (1 + Math.exp(-(i * 0.8 - 15) / 1.5))) };
  const prepared = prepareReferences([flat, ramp]);
  expect(prepared.skipped.map((s) => s.id)).toEqual(['flat']);
  const query = prepareQuery(ramp.energies, ramp.mu, { computed: true });
  const result = await rankEnsemble(query, prepared, { top: 5 });
  expect(result.candidatesConsidered).toBe(1);
  expect(result.matches.map((m) => prepared.ids[m.index])).toEqual(['edge']);
});
