// bench:mixtures (issue 13, item 4): mixture fitting and series decomposition judged on SYNTHETIC mixtures made from
// REAL measured references of the bundled library (seed/measured-references). The spectra are real; their mixing,
// the noise and the energy jitter are synthetic, and named so in every table.
//   (1) Mixtures: 2 or 3 compounds of one element and edge, random weights (each ≥ 0.1), a global energy jitter and
//       Gaussian noise as a measurement has, a raw-like background. In half of the cases the references the mixture was
//       made from are left out of the candidates (their sample group and file): the fit must then use other
//       measurements of the same compounds, or say that it cannot. fitMixture with automatic candidates.
//   (2) Series: 100–500 spectra from 2–4 references with smooth concentration profiles (A→B, A→B→C, …): components
//       found, profile RMS error, components identified.
//   (3) Side by side with Larch's lincombo_fitall (Debian's python3-xraylarch) on the same inputs and candidates.
//   npm run bench:mixtures [-- --cases 60 --seed 7 --larch-cases 20 --no-larch]
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fitMixtureInSet, type MixtureAnalysis } from '../src/identify/mixture.ts';
import type { InputSpectrum } from '../src/identify/input.ts';
import { decomposeSeriesInSet } from '../src/identify/series.ts';
import type { CatalogReference, ReferenceSet } from '../src/search/reference-index.ts';
import { normalizeMeasured } from '../src/spectra/ensemble/index.ts';
import { interp } from '../src/spectra/math.ts';
import { compositionKey, parseFormula } from '../src/structure/composition.ts';
import { benchLibrary, index } from './library.ts';
import { fmt, standardNormal, printTable, quantile, seededRandom } from './support.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
};
const CASES = arg('cases', 60);
const LARCH_CASES = process.argv.includes('--no-larch') ? 0 : arg('larch-cases', 20);
const SEED = arg('seed', 7);

const random = seededRandom(SEED);
const gauss = () => standardNormal(random);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const keyOf = (formula: string) => compositionKey(parseFormula(formula));
const pct = (a: number, b: number) => (b === 0 ? '–' : `${fmt((100 * a) / b, 1)} %`);

/** Normalised (Larch pre_edge, flat) measured reference, once per id. */
const normCache = new Map<string, { energies: number[]; flat: number[]; e0: number }>();
function normalized(ref: CatalogReference) {
  let n = normCache.get(ref.spectrumId);
  if (!n) {
    const m = normalizeMeasured(ref.energies, ref.mu);
    n = { energies: m.energies, flat: m.flat, e0: m.e0 };
    normCache.set(ref.spectrumId, n);
  }
  return n;
}

/** Compounds (by composition) of a set's measured references that normalise, with their references. */
function compoundsOf(set: ReferenceSet): Map<string, CatalogReference[]> {
  const out = new Map<string, CatalogReference[]>();
  for (const r of set.references) {
    if (r.method !== 'EXPERIMENT') continue;
    try {
      const n = normalized(r);
      if (n.energies[0]! > n.e0 - 40 || n.energies[n.energies.length - 1]! < n.e0 + 80) continue; // too short to mix and fit
    } catch {
      continue;
    }
    const k = keyOf(r.formula);
    out.set(k, [...(out.get(k) ?? []), r]);
  }
  return out;
}

/**
 * A SYNTHETIC measurement of Σ wᵢ·refᵢ: on the first reference's own energy points (within what all cover), shifted by
 * a global jitter (σ `jitterSigma` eV: 0.2 eV, a calibration difference between beamtimes, for single mixtures; for
 * series 0 (scans of one run aligned on a reference foil) and 0.05 eV (unaligned drift between scans) side by side),
 * Gaussian noise σ = `noise` of the edge step, and a raw-like background (offset, pre-edge slope, edge step 1.3) that
 * normalisation must remove.
 */
function syntheticMixture(refs: CatalogReference[], weights: number[], jitterSigma = 0.2, noise = 0.005): { energies: number[]; mu: number[] } {
  const parts = refs.map(normalized);
  const low = Math.max(...parts.map((p) => p.energies[0]!));
  const high = Math.min(...parts.map((p) => p.energies[p.energies.length - 1]!));
  const energies = parts[0]!.energies.filter((e) => e >= low + 1 && e <= high - 1);
  const jitter = jitterSigma * gauss();
  const e0 = parts[0]!.e0;
  const sum = new Float64Array(energies.length);
  parts.forEach((p, k) => {
    const y = interp(energies.map((e) => e - jitter), p.energies, p.flat);
    for (let i = 0; i < y.length; i++) sum[i] = sum[i]! + weights[k]! * y[i]!;
  });
  const mu = energies.map((e, i) => 0.2 - 2e-4 * (e - e0) + 1.3 * (sum[i]! + noise * gauss()));
  return { energies, mu };
}

function randomWeights(k: number): number[] {
  for (;;) {
    const raw = Array.from({ length: k }, () => -Math.log(1 - random()));
    const total = raw.reduce((a, b) => a + b, 0);
    const w = raw.map((x) => x / total);
    if (w.every((x) => x >= 0.1)) return w;
  }
}

interface MixtureCase {
  id: string;
  set: string;
  k: number;
  leftOut: boolean;
  /** Every true compound still has a reference among the candidates. */
  present: boolean;
  truth: { key: string; formula: string; weight: number }[];
  found: Map<string, number>;
  allFound: boolean;
  falseComponents: number;
  weightRms: number;
  confident: boolean;
  ms: number;
  analysis: MixtureAnalysis;
  input: InputSpectrum;
}

async function mixtureSection(sets: Map<string, ReferenceSet>, fileOf: Map<string, string>): Promise<MixtureCase[]> {
  console.log('\n==== (1) Mixtures: SYNTHETIC mixtures of REAL measured references, fitMixture with automatic candidates ====');
  const eligible = [...sets.entries()].map(([name, set]) => ({ name, set, compounds: compoundsOf(set) })).filter((s) => s.compounds.size >= 4);
  console.log(`element–edges with ≥ 4 compounds: ${eligible.map((s) => `${s.name} (${s.compounds.size})`).join(', ')}`);
  const cases: MixtureCase[] = [];
  for (let c = 0; c < CASES; c++) {
    const { name, set, compounds } = eligible[c % eligible.length]!;
    const k = c % 2 === 0 ? 2 : 3;
    const leftOut = Math.floor(c / 2) % 2 === 1;
    const keys = [...compounds.keys()].sort(() => random() - 0.5).slice(0, k);
    const refs = keys.map((key) => pick(compounds.get(key)!));
    const weights = randomWeights(k);
    const input: InputSpectrum = { ...syntheticMixture(refs, weights), absorbingElement: set.absorbingElement, edge: set.edge, computed: false, warnings: [] };
    const used = new Set(refs.map((r) => r.sampleGroup ?? r.spectrumId));
    const files = new Set(refs.map((r) => fileOf.get(r.spectrumId)));
    const exclude = leftOut ? (r: CatalogReference) => used.has(r.sampleGroup ?? r.spectrumId) || files.has(fileOf.get(r.spectrumId)) : undefined;
    const present = keys.every((key) => compounds.get(key)!.some((r) => !(exclude?.(r) ?? false)));
    const start = performance.now();
    let analysis: MixtureAnalysis;
    try {
      analysis = await fitMixtureInSet(index, set, input, { referenceMethods: ['EXPERIMENT'] }, exclude);
    } catch (err) {
      console.log(`  case ${c} (${name}): ${(err as Error).message}`);
      continue;
    }
    const ms = performance.now() - start;
    const found = new Map<string, number>();
    for (const comp of analysis.fits[0]?.components ?? []) {
      if (comp.weight < 0.05) continue;
      const key = keyOf(comp.formula);
      found.set(key, (found.get(key) ?? 0) + comp.weight);
    }
    const truth = keys.map((key, i) => ({ key, formula: refs[i]!.formula, weight: weights[i]! }));
    const errors = truth.map((t) => (found.get(t.key) ?? 0) - t.weight);
    cases.push({
      id: `mix-${c}`, set: name, k, leftOut, present, truth, found,
      allFound: truth.every((t) => found.has(t.key)),
      falseComponents: [...found.keys()].filter((key) => !keys.includes(key)).length,
      weightRms: Math.sqrt(errors.reduce((s, e) => s + e * e, 0) / errors.length),
      confident: analysis.confident, ms, analysis, input,
    });
  }
  const row = (label: string, group: MixtureCase[]) => {
    const present = group.filter((x) => x.present);
    const absent = group.filter((x) => !x.present);
    const rms = present.length ? Math.sqrt(present.reduce((s, x) => s + x.weightRms ** 2, 0) / present.length) : NaN;
    return [
      label, group.length, present.length,
      pct(present.filter((x) => x.allFound).length, present.length),
      Number.isNaN(rms) ? '–' : fmt(rms, 3),
      fmt(group.reduce((s, x) => s + x.falseComponents, 0) / Math.max(1, group.length), 2),
      pct(present.filter((x) => x.confident).length, present.length),
      pct(absent.filter((x) => !x.confident || !x.allFound).length, absent.length),
      fmt(quantile(group.map((x) => x.ms), 0.5), 0),
      fmt(quantile(group.map((x) => x.ms), 0.9), 0),
    ];
  };
  printTable(
    ['SYNTHETIC mixtures', 'cases', 'present', 'all compounds found (present)', 'weight RMS (present)', 'false comps / case', 'confident (present)', 'says cannot (absent)', 'p50 ms', 'p90 ms'],
    [
      row('2 components, own refs', cases.filter((x) => x.k === 2 && !x.leftOut)),
      row('2 components, refs left out', cases.filter((x) => x.k === 2 && x.leftOut)),
      row('3 components, own refs', cases.filter((x) => x.k === 3 && !x.leftOut)),
      row('3 components, refs left out', cases.filter((x) => x.k === 3 && x.leftOut)),
      row('ALL', cases),
    ],
  );
  const bySet = new Map<string, MixtureCase[]>();
  for (const x of cases) bySet.set(x.set, [...(bySet.get(x.set) ?? []), x]);
  printTable(
    ['by element–edge', 'cases', 'present', 'all found (present)', 'weight RMS (present)', 'false / case', 'confident (present)', 'says cannot (absent)', 'p50 ms', 'p90 ms'],
    [...bySet.entries()].map(([name, group]) => row(name, group)),
  );
  return cases;
}

/** Smooth SYNTHETIC concentration profiles over t ∈ [0, 1] for k components: consecutive sigmoid conversions A→B→C→…. */
function profiles(k: number, n: number): number[][] {
  return Array.from({ length: n }, (_, i) => {
    const t = i / (n - 1);
    // Fraction converted at each of the k − 1 steps, centred at evenly spaced times.
    const steps = Array.from({ length: k - 1 }, (_, j) => 1 / (1 + Math.exp(-(t - (j + 1) / k) * 14)));
    const c = new Array<number>(k).fill(0);
    c[0] = 1 - steps[0]!;
    for (let j = 1; j < k - 1; j++) c[j] = steps[j - 1]! - steps[j]!;
    c[k - 1] = steps[k - 2]!;
    return c.map((x) => Math.max(0, x));
  });
}

async function seriesSection(sets: Map<string, ReferenceSet>): Promise<void> {
  console.log('\n==== (2) Series: SYNTHETIC in-situ series from REAL measured references, decomposeSeries ====');
  const eligible = [...sets.entries()].map(([name, set]) => ({ name, set, compounds: compoundsOf(set) })).filter((s) => s.compounds.size >= 4);
  const rows: (string | number)[][] = [];
  const right = new Map<number, number>();
  const total = new Map<number, number>();
  for (const [c, spec] of [
    [2, 100, 0], [2, 300, 0], [2, 500, 0], [3, 100, 0], [3, 300, 0], [3, 500, 0], [4, 200, 0], [4, 500, 0], [2, 300, 0.05], [3, 300, 0.05],
  ].flatMap(([k, n, jitter]) => eligible.slice(0, 3).map((e) => ({ k: k!, n: n!, jitter: jitter!, ...e }))).entries()) {
    const { k, n, jitter, name, set, compounds } = spec;
    const keys = [...compounds.keys()].sort(() => random() - 0.5).slice(0, k);
    const refs = keys.map((key) => pick(compounds.get(key)!));
    const truth = profiles(k, n);
    const spectra: InputSpectrum[] = truth.map((w) => ({ ...syntheticMixture(refs, w, jitter), absorbingElement: set.absorbingElement, edge: set.edge, computed: false, warnings: [] }));
    const start = performance.now();
    let result;
    try {
      result = await decomposeSeriesInSet(index, set, spectra, { referenceMethods: ['EXPERIMENT'] });
    } catch (err) {
      console.log(`  series ${c} (${name}): ${(err as Error).message}`);
      continue;
    }
    const seconds = (performance.now() - start) / 1000;
    total.set(jitter, (total.get(jitter) ?? 0) + 1);
    const kFound = result.components.length;
    if (kFound === k) right.set(jitter, (right.get(jitter) ?? 0) + 1);
    // Match found components to true ones by their concentration profiles (greedy, best correlation first).
    const column = (rowsOf: number[][], j: number) => rowsOf.map((r) => r[j] ?? 0);
    const pairs: { t: number; f: number; rms: number }[] = [];
    const usedT = new Set<number>();
    const usedF = new Set<number>();
    const candidates = [];
    for (let t = 0; t < k; t++) {
      for (let f = 0; f < kFound; f++) {
        const a = column(truth, t);
        const b = column(result.concentrations, f);
        const rms = Math.sqrt(a.reduce((s, x, i) => s + (x - b[i]!) ** 2, 0) / a.length);
        candidates.push({ t, f, rms });
      }
    }
    for (const p of candidates.sort((x, y) => x.rms - y.rms)) {
      if (usedT.has(p.t) || usedF.has(p.f)) continue;
      usedT.add(p.t);
      usedF.add(p.f);
      pairs.push(p);
    }
    const profileRms = pairs.length ? Math.sqrt(pairs.reduce((s, p) => s + p.rms ** 2, 0) / pairs.length) : NaN;
    const identified = pairs.filter((p) => {
      const top = result.components[p.f]!.identification?.matches[0];
      const ref = top ? set.references.find((r) => r.spectrumId === top.spectrumId) : undefined;
      return ref !== undefined && keyOf(ref.formula) === keys[p.t];
    }).length;
    rows.push([name, n, jitter, k, kFound, fmt(profileRms, 3), `${identified}/${k}`, fmt(result.lackOfFit, 2), fmt(seconds, 2)]);
  }
  printTable(['SYNTHETIC series', 'spectra', 'jitter eV', 'true k', 'found k', 'profile RMS', 'identified (top-1 formula)', 'lack of fit %', 'seconds'], rows);
  for (const [jitter, count] of total) console.log(`number of components right, jitter ${jitter} eV: ${right.get(jitter) ?? 0}/${count}`);
}

async function larchSection(cases: MixtureCase[]): Promise<void> {
  console.log('\n==== (3) Side by side with Larch lincombo_fitall (same inputs, same candidates) ====');
  if (LARCH_CASES <= 0) return void console.log('skipped (--no-larch)');
  const probe = spawnSync('/usr/bin/python3', ['-c', 'import larch'], { encoding: 'utf8' });
  if (probe.status !== 0) return void console.log('skipped: /usr/bin/python3 cannot import larch (apt-get install python3-xraylarch)');
  const chosen = cases.filter((x) => x.analysis.candidates.length >= 2).slice(0, LARCH_CASES);
  const formulaOf = new Map<string, string>();
  // Every candidate is a measured reference (the bench compares measured ones only): Larch gets it as our fit saw it.
  const request = {
    max_ncomps: 3,
    cases: chosen.map((x) => ({
      id: x.id,
      energies: x.analysis.normalized.energies,
      norm: x.analysis.normalized.mu,
      xmin: x.analysis.fitFrom,
      xmax: x.analysis.fitTo,
      components: x.analysis.candidates.map((cand) => {
        formulaOf.set(cand.spectrumId, cand.formula);
        const n = normCache.get(cand.spectrumId);
        if (!n) throw new Error(`candidate ${cand.spectrumId} was not normalised by the bench`);
        return { label: cand.spectrumId, energies: n.energies, norm: n.flat };
      }),
    })),
  };
  const run = spawnSync('/usr/bin/python3', [path.join(ROOT, 'bench/larch_fitall.py')], { input: JSON.stringify(request), encoding: 'utf8', maxBuffer: 1 << 28 });
  if (run.status !== 0) return void console.log(`Larch failed: ${run.stderr.slice(-1500)}`);
  const larch = (JSON.parse(run.stdout) as { cases: { id: string; seconds: number; labels: string[]; weights: number[]; redchi: number; rfactor: number }[] }).cases;
  let sameSet = 0;
  let larchAll = 0;
  let oursAll = 0;
  const rows: (string | number)[][] = [];
  const diffs: number[] = [];
  for (const l of larch) {
    const x = chosen.find((c) => c.id === l.id)!;
    const larchFound = new Map<string, number>();
    l.labels.forEach((label, i) => {
      if (l.weights[i]! < 0.05) return;
      const key = keyOf(formulaOf.get(label)!);
      larchFound.set(key, (larchFound.get(key) ?? 0) + l.weights[i]!);
    });
    const same = larchFound.size === x.found.size && [...larchFound.keys()].every((k) => x.found.has(k));
    if (same) {
      sameSet++;
      for (const [k, w] of larchFound) diffs.push(Math.abs(w - x.found.get(k)!));
    }
    if (x.truth.every((t) => larchFound.has(t.key))) larchAll++;
    if (x.allFound) oursAll++;
    rows.push([
      x.id, x.set, x.truth.map((t) => `${t.formula} ${fmt(t.weight, 2)}`).join(' + '),
      [...x.found.entries()].map(([k, w]) => `${k} ${fmt(w, 2)}`).join(' + '),
      [...larchFound.entries()].map(([k, w]) => `${k} ${fmt(w, 2)}`).join(' + '),
      fmt(x.analysis.fits[0]?.rFactor ?? NaN, 4), fmt(l.rfactor, 4), fmt(x.ms, 0), fmt(l.seconds * 1000, 0),
    ]);
  }
  printTable(['case', 'edge', 'truth (SYNTHETIC)', 'ours (best fit)', 'Larch fitall (best by redchi)', 'R ours', 'R Larch', 'ms ours', 'ms Larch'], rows);
  console.log(
    `same compounds in both best fits: ${sameSet}/${larch.length}; all true compounds found: ours ${oursAll}/${larch.length}, Larch ${larchAll}/${larch.length}; ` +
      `weight |difference| where the compounds agree: mean ${fmt(diffs.reduce((a, b) => a + b, 0) / Math.max(1, diffs.length), 3)}, max ${fmt(Math.max(0, ...diffs), 3)}`,
  );
  console.log(
    `time per case: ours p50 ${fmt(quantile(chosen.map((x) => x.ms), 0.5), 0)} ms (identification + every combination with per-component shifts), ` +
      `Larch p50 ${fmt(quantile(larch.map((l) => l.seconds * 1000), 0.5), 0)} ms (fitall alone, candidates given)`,
  );
}

async function main(): Promise<void> {
  const { sets, fileOf } = await benchLibrary();
  const cases = await mixtureSection(sets, fileOf);
  await seriesSection(sets);
  await larchSection(cases);
}

await main();
