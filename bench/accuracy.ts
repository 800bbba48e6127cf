// Development benchmark of the identification methods (issue 3, item 8): ENSEMBLE and ELSIE_REFERENCE side by
// side, on (1) SYNTHETIC self-retrieval — every seed material's site-averaged FEFF spectrum, perturbed as an
// experiment would be (rigid shift, Gaussian broadening, sloping background, 1 % noise, arbitrary scale;
// fixed random seed) — and (2) the measured Cu K-edge spectra of ../shared/data/xas-data-library/.
// Reads the seed file directly (no database). Prints tables; never passes or fails.
//   npm run bench:accuracy [-- --elsie N]   (N: ELSIE subsample size, default 12; 0 skips it)
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { omnixasToCatalog, parseOmnixasRecord } from '../src/catalog/omnixas.ts';
import { shares } from '../src/search/reference-index.ts';
import { elsieReferenceRank, type LabelledSpectrum } from '../src/spectra/elsie/index.ts';
import {
  blendWithPrior, consensus, consensusWeights, isConfident, oxidationPrior, PRIOR_BLEND, MIN_CONFIDENT_AGREEMENT, MIN_CONFIDENT_SCORE, prepareQuery, prepareReferences, rankEnsemble,
  type EnsembleResult,
} from '../src/spectra/ensemble/index.ts';
import { PRIOR_DIR } from '../src/spectra/ensemble/oxidation-prior.ts';
import { parseSpectrumFile } from '../src/spectra/parse/index.ts';
import { gapLike, measurementLike } from '../training/augment.ts';
import { measuredSection } from './measured.ts';
import { fmt, printTable, quantile, seededRandom } from './support.ts';

const ROOT = path.resolve(import.meta.dirname, '..');
const LIBRARY = path.resolve(ROOT, '..', 'shared', 'data', 'xas-data-library');
const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const ELSIE_SAMPLE = arg('elsie', 12);


interface Entry {
  id: string;
  formula: string;
  energies: number[];
  mu: number[];
  oxidation: number | null;
  coordination: number | null;
  /** Oxidation states of the Cu sites with their shares (by multiplicity), by value; empty when any is unknown. */
  oxidationShares: { value: number; share: number }[];
  /** OmniXAS material split (null: none); the oxidation-state prior is trained on `train` and chosen on `val`. */
  split: string | null;
}

/** Multiplicity-weighted mean of site values (null when any site lacks one), rounded to 0.01. */
function weightedMean(sites: { multiplicity: number; value: number | null }[]): number | null {
  if (sites.length === 0 || sites.some((s) => s.value === null)) return null;
  const total = sites.reduce((s, x) => s + x.multiplicity, 0);
  return Math.round((sites.reduce((s, x) => s + x.multiplicity * x.value!, 0) / total) * 100) / 100;
}

function loadSeed(): Entry[] {
  const text = zlib.gunzipSync(fs.readFileSync(path.join(ROOT, 'seed', 'omnixas-cu-feff', 'materials.jsonl.gz'))).toString('utf8');
  const entries: Entry[] = [];
  for (const line of text.trim().split('\n')) {
    const batch = omnixasToCatalog(parseOmnixasRecord(JSON.parse(line)));
    const avg = batch.spectra.find((s) => s.siteIndex === null);
    if (!avg) continue;
    const sites = batch.sites;
    entries.push({
      id: avg.materialId,
      formula: batch.materials[0]!.formula,
      energies: avg.energies,
      mu: avg.mu,
      oxidation: weightedMean(sites.map((s) => ({ multiplicity: s.multiplicity, value: s.oxidationState }))),
      coordination: weightedMean(sites.map((s) => ({ multiplicity: s.multiplicity, value: s.coordinationNumber }))),
      oxidationShares: sites.some((s) => s.oxidationState === null) ? [] : shares(sites.map((s) => ({ value: s.oxidationState, weight: s.multiplicity }))),
      split: batch.materials[0]!.split,
    });
  }
  return entries;
}

/** bestScore of every query against the full catalogue and against the catalogue without the query's formula. */
async function abstentionScores(
  queries: readonly { energies: number[]; mu: number[] }[],
  entries: readonly Entry[],
  refs: ReturnType<typeof prepareReferences>,
  every: number,
): Promise<{ inside: EnsembleResult[]; outside: EnsembleResult[] }> {
  const byFormula = new Map<string, number[]>();
  entries.forEach((e, i) => byFormula.set(e.formula, [...(byFormula.get(e.formula) ?? []), i]));
  const inside: EnsembleResult[] = [];
  const outside: EnsembleResult[] = [];
  for (let i = 0; i < queries.length; i += every) {
    const pq = prepareQuery(queries[i]!.energies, queries[i]!.mu);
    inside.push(await rankEnsemble(pq, refs, { top: 10 }));
    const excluded = new Set(byFormula.get(entries[i]!.formula));
    const candidates = Uint32Array.from(entries.map((_, j) => j).filter((j) => !excluded.has(j)));
    outside.push(await rankEnsemble(pq, refs, { candidates, top: 10 }));
  }
  return { inside, outside };
}

function rankOf<T>(list: readonly T[], pred: (x: T) => boolean): number {
  const i = list.findIndex(pred);
  return i < 0 ? Infinity : i + 1;
}

async function main(): Promise<void> {
  // Real measurements first (issue 10): the measured reference library, leave one source out.
  await measuredSection();
  if (process.argv.includes('--only') && process.argv[process.argv.indexOf('--only') + 1] === 'measured') return;
  const t0 = performance.now();
  const entries = loadSeed();
  console.log(`seed: ${entries.length} materials with a site-averaged spectrum (${fmt((performance.now() - t0) / 1000, 1)} s to read)`);
  const t1 = performance.now();
  const refs = prepareReferences(entries.map((e) => ({ id: e.id, energies: e.energies, mu: e.mu })));
  // The service's abstention rule (src/identify/identify.ts) on a ranking: its top matches' oxidation-state consensus.
  const oxConsensus = (res: EnsembleResult) => {
    const w = consensusWeights(res.matches);
    return consensus(res.matches.slice(0, w.length).map((m, k) => ({ weight: w[k]!, value: entries[m.index]!.oxidation })));
  };
  const confident = (res: EnsembleResult) => isConfident(res, oxConsensus(res)?.confidence ?? null);
  console.log(`prepareReferences: ${fmt(performance.now() - t1)} ms`);

  // ---- synthetic self-retrieval ----
  const r = seededRandom(20240917);
  const queries = entries.map((e) => measurementLike(e.energies, e.mu, r));
  const stat = { top1: 0, top5: 0, ox: 0, oxN: 0, cn: 0, cnN: 0, shiftErr: [] as number[], times: [] as number[], rankTimes: [] as number[], best: [] as number[], confident: 0, checked: 0, same10: 0 };
  const results: EnsembleResult[] = [];
  for (const [i, q] of queries.entries()) {
    const start = performance.now();
    const pq = prepareQuery(q.energies, q.mu);
    const mid = performance.now();
    const res = await rankEnsemble(pq, refs, { top: 10 });
    stat.times.push(performance.now() - start);
    stat.rankTimes.push(performance.now() - mid);
    results.push(res);
    const rank = rankOf(res.matches, (m) => m.index === i);
    if (rank === 1) stat.top1++;
    if (rank <= 5) stat.top5++;
    const self = res.matches.find((m) => m.index === i);
    if (self) stat.shiftErr.push(Math.abs(self.energyShift - q.shift));
    stat.best.push(res.bestScore);
    if (confident(res)) stat.confident++;
    const w = consensusWeights(res.matches);
    const ox = consensus(res.matches.slice(0, w.length).map((m, k) => ({ weight: w[k]!, value: entries[m.index]!.oxidation })));
    const cn = consensus(res.matches.slice(0, w.length).map((m, k) => ({ weight: w[k]!, value: entries[m.index]!.coordination })));
    if (entries[i]!.oxidation !== null) {
      stat.oxN++;
      if (ox?.value === entries[i]!.oxidation) stat.ox++;
    }
    if (entries[i]!.coordination !== null) {
      stat.cnN++;
      if (cn?.value === entries[i]!.coordination) stat.cn++;
    }
    if (i % 10 === 0) {
      // two-stage vs exhaustive: same top 10?
      const ex = await rankEnsemble(pq, refs, { top: 10, exhaustive: true });
      stat.checked++;
      if (ex.matches.map((m) => m.index).join() === res.matches.map((m) => m.index).join()) stat.same10++;
    }
  };
  const n = entries.length;

  // ---- abstention calibration: leave the query's formula out of the catalogue (a compound it lacks) ----
  const byFormula = new Map<string, number[]>();
  entries.forEach((e, i) => byFormula.set(e.formula, [...(byFormula.get(e.formula) ?? []), i]));
  const outBest: number[] = [];
  const outResults: EnsembleResult[] = [];
  let outConfident = 0;
  for (let i = 0; i < n; i += 5) {
    const excluded = new Set(byFormula.get(entries[i]!.formula));
    const candidates = Uint32Array.from(entries.map((_, j) => j).filter((j) => !excluded.has(j)));
    const res = await rankEnsemble(prepareQuery(queries[i]!.energies, queries[i]!.mu), refs, { candidates });
    outBest.push(res.bestScore);
    outResults.push(res);
    if (confident(res)) outConfident++;
  }

  // ---- ELSIE_REFERENCE on a subsample ----
  const labelled: LabelledSpectrum[] = entries.map((e) => ({ energies: e.energies, mu: e.mu, label: String(entries.indexOf(e)) }));
  const elsie = { top1: 0, top5: 0, ox: 0, oxN: 0, cn: 0, cnN: 0, times: [] as number[], ens1: 0, ens5: 0 };
  const sample: number[] = [];
  for (let k = 0; k < ELSIE_SAMPLE; k++) sample.push(Math.floor((k * n) / Math.max(1, ELSIE_SAMPLE)));
  for (const i of sample) {
    const start = performance.now();
    const res = elsieReferenceRank({ energies: queries[i]!.energies, mu: queries[i]!.mu }, labelled);
    elsie.times.push(performance.now() - start);
    const ranking = res.ranking.map((x) => Number(x.label));
    const rank = rankOf(ranking, (j) => j === i);
    if (rank === 1) elsie.top1++;
    if (rank <= 5) elsie.top5++;
    const top5 = res.ranking.slice(0, 5);
    const ox = consensus(top5.map((x) => ({ weight: x.borda, value: entries[Number(x.label)]!.oxidation })));
    const cn = consensus(top5.map((x) => ({ weight: x.borda, value: entries[Number(x.label)]!.coordination })));
    if (entries[i]!.oxidation !== null) { elsie.oxN++; if (ox?.value === entries[i]!.oxidation) elsie.ox++; }
    if (entries[i]!.coordination !== null) { elsie.cnN++; if (cn?.value === entries[i]!.coordination) elsie.cn++; }
    const er = rankOf(results[i]!.matches, (m) => m.index === i);
    if (er === 1) elsie.ens1++;
    if (er <= 5) elsie.ens5++;
  }

  const pct = (a: number, b: number): string => (b === 0 ? '–' : `${fmt((100 * a) / b, 1)} % (${a}/${b})`);
  console.log('\nSYNTHETIC self-retrieval (perturbed FEFF site averages; seed 20240917)');
  printTable(
    ['method', 'queries', 'top-1', 'top-5', 'oxidation state (top-5 vote)', 'coordination number (top-5 vote)', 'ms/query p50', 'p95'],
    [
      ['ENSEMBLE', n, pct(stat.top1, n), pct(stat.top5, n), pct(stat.ox, stat.oxN), pct(stat.cn, stat.cnN), fmt(quantile(stat.times, 0.5), 2), fmt(quantile(stat.times, 0.95), 2)],
      ...(sample.length
        ? [
            ['ENSEMBLE (same subsample)', sample.length, pct(elsie.ens1, sample.length), pct(elsie.ens5, sample.length), '', '', '', ''],
            ['ELSIE_REFERENCE (subsample)', sample.length, pct(elsie.top1, sample.length), pct(elsie.top5, sample.length), pct(elsie.ox, elsie.oxN), pct(elsie.cn, elsie.cnN), fmt(quantile(elsie.times, 0.5), 0), fmt(quantile(elsie.times, 0.95), 0)],
          ]
        : []),
    ],
  );
  console.log(`ENSEMBLE per query: prepareQuery + rankEnsemble p50 ${fmt(quantile(stat.times, 0.5), 2)} ms (rankEnsemble alone p50 ${fmt(quantile(stat.rankTimes, 0.5), 2)} ms, p95 ${fmt(quantile(stat.rankTimes, 0.95), 2)} ms) against ${n} references`);
  console.log(`energyShift error of the self match: median ${fmt(quantile(stat.shiftErr, 0.5), 2)} eV, p95 ${fmt(quantile(stat.shiftErr, 0.95), 2)} eV (grid step 0.5 eV)`);
  console.log(`two-stage vs exhaustive: identical top 10 for ${stat.same10}/${stat.checked} queries (every 10th)`);
  console.log(`\nabstention calibration (bestScore; rule: confident iff bestScore ≥ ${MIN_CONFIDENT_SCORE}, margin ≥ 0 and oxidation-state agreement ≥ ${MIN_CONFIDENT_AGREEMENT})`);
  printTable(
    ['case', 'n', 'p1', 'p5', 'p50', 'p95', 'confident'],
    [
      ['in catalogue (self)', stat.best.length, fmt(quantile(stat.best, 0.01), 4), fmt(quantile(stat.best, 0.05), 4), fmt(quantile(stat.best, 0.5), 4), fmt(quantile(stat.best, 0.95), 4), pct(stat.confident, n)],
      ['formula left out', outBest.length, fmt(quantile(outBest, 0.01), 4), fmt(quantile(outBest, 0.05), 4), fmt(quantile(outBest, 0.5), 4), fmt(quantile(outBest, 0.95), 4), pct(outConfident, outBest.length)],
    ],
  );

  // ---- the same with the FEFF-vs-experiment gap (stretch, near-edge amplitude) on top ----
  const gapRandom = seededRandom(20261126);
  const gapQueries = entries.map((e) => {
    const g = gapLike(e.energies, e.mu, gapRandom);
    return measurementLike(g.energies, g.mu, gapRandom);
  });
  const gap = await abstentionScores(gapQueries, entries, refs, 5);
  const gapTop1 = gap.inside.filter((res, k) => res.matches[0]?.index === k * 5).length;
  const gapTop5 = gap.inside.filter((res, k) => res.matches.slice(0, 5).some((m) => m.index === k * 5)).length;
  console.log(`\nSYNTHETIC with the FEFF-vs-experiment gap (stretch 1–3 %, near-edge amplitude 10–30 %; seed 20261126), every 5th material: self top-1 ${pct(gapTop1, gap.inside.length)}, top-5 ${pct(gapTop5, gap.inside.length)}`);
  const best = (list: EnsembleResult[]) => list.map((res) => res.bestScore);
  printTable(
    ['case', 'n', 'p5', 'p25', 'p50', 'p75', 'p95', 'confident'],
    (
      [
        ['in catalogue (self)', gap.inside],
        ['formula left out', gap.outside],
      ] as const
    ).map(([name, list]) => [
      name, list.length, ...[0.05, 0.25, 0.5, 0.75, 0.95].map((q) => fmt(quantile(best(list), q), 4)), pct(list.filter((res) => confident(res)).length, list.length),
    ]),
  );
  console.log('share called confident for a bestScore floor (margin ≥ 0 kept): in catalogue / formula left out, both synthetic sets');
  printTable(
    ['floor', 'plain: in', 'plain: out', 'with gap: in', 'with gap: out'],
    [0.97, 0.975, 0.98, 0.985, 0.99, 0.992, 0.994, 0.996].map((floor) => {
      const share = (list: { bestScore: number; margin: number }[]) => fmt((100 * list.filter((x) => x.bestScore >= floor && x.margin >= 0).length) / list.length, 1) + ' %';
      const plainOut = outResults;
      return [fmt(floor, 3), share(results), share(plainOut), share(gap.inside), share(gap.outside)];
    }),
  );

  // Chemistry agreement of the top matches as an abstention signal: the share of the consensus weight behind
  // the winning oxidation state, and how often that oxidation state is right, among the queries it would pass.
  const agreementRows = [0, 0.6, 0.7, 0.8, 0.9, 0.99].map((share) => {
    const cells = ([['plain', results, outResults, 1], ['gap', gap.inside, gap.outside, 5]] as const).flatMap(([, inside, outside, every]) =>
      [inside, outside].flatMap((list) => {
        let passed = 0;
        let right = 0;
        let known = 0;
        list.forEach((res, k) => {
          const ox = oxConsensus(res);
          if (!(res.bestScore >= MIN_CONFIDENT_SCORE && res.margin >= 0 && ox && ox.confidence >= share)) return;
          passed++;
          const truth = entries[(list === outResults ? k * 5 : k * every)]!.oxidation;
          if (truth === null) return;
          known++;
          if (ox.value === truth) right++;
        });
        return [`${fmt((100 * passed) / list.length, 1)} %`, known ? `${fmt((100 * right) / known, 1)} %` : '–'];
      }),
    );
    return [fmt(share, 2), ...cells];
  });
  console.log(`\nabstention by agreement: bestScore ≥ ${MIN_CONFIDENT_SCORE}, margin ≥ 0 and the oxidation-state consensus share ≥ x; share passed and its oxidation state right (in catalogue / formula left out)`);
  printTable(['x', 'plain in: passed', 'ox right', 'plain out: passed', 'ox right', 'gap in: passed', 'ox right', 'gap out: passed', 'ox right'], agreementRows);

  // ---- the learned oxidation-state prior, on materials it never saw (OmniXAS test split and unsplit) ----
  const prior = await oxidationPrior('Cu', 'K');
  if (prior) {
    const heldOut = entries.flatMap((e, i) => (e.split !== 'train' && e.split !== 'val' && e.oxidationShares.length > 0 ? [i] : []));
    const priorRandom = seededRandom(20261127);
    const sets = [
      ['plain', heldOut.map((i) => ({ i, q: queries[i]! }))],
      ['gap', heldOut.map((i) => {
        const g = gapLike(entries[i]!.energies, entries[i]!.mu, priorRandom);
        return { i, q: measurementLike(g.energies, g.mu, priorRandom) };
      })],
    ] as const;
    const BLENDS = [0, 0.25, 0.5, 1, 2];
    const rows: (string | number)[][] = [];
    for (const [name, list] of sets) {
      const right = BLENDS.map(() => 0);
      let priorRight = 0;
      for (const { i, q } of list) {
        // The majority site state (the smaller one on a tie: shares are ordered by value).
        const truth = entries[i]!.oxidationShares.reduce((a, b) => (b.share > a.share ? b : a)).value;
        const pq = prepareQuery(q.energies, q.mu);
        const p = await prior.predict(pq);
        if (p.reduce((a, b) => (b.probability > a.probability ? b : a)).value === truth) priorRight++;
        const res = await rankEnsemble(pq, refs, { top: 10 });
        const weights = consensusWeights(res.matches);
        const vote = consensus(res.matches.slice(0, weights.length).flatMap((m, k) => entries[m.index]!.oxidationShares.map((x) => ({ weight: weights[k]! * x.share, value: x.value }))));
        BLENDS.forEach((blend, b) => {
          if (blendWithPrior(vote, p, blend)?.value === truth) right[b]!++;
        });
      }
      rows.push([name, list.length, ...BLENDS.map((_, b) => pct(right[b]!, list.length)), pct(priorRight, list.length)]);
    }
    console.log(`\noxidation-state prior (${path.relative(ROOT, PRIOR_DIR)}), SYNTHETIC queries of the ${heldOut.length} materials it never saw (test split + unsplit, known oxidation states); truth = the majority site oxidation state`);
    console.log(`oxidation state right: the top matches' vote blended with the prior (share + b · probability; the service uses b = ${PRIOR_BLEND} for measured spectra), and the prior alone`);
    printTable(['queries', 'n', ...BLENDS.map((b) => `blend ${b}`), 'prior alone'], rows);
  }

  // ---- measured spectra ----
  const index = JSON.parse(fs.readFileSync(path.join(LIBRARY, 'index.json'), 'utf8')) as { file: string; element: string; sample_formula: string; sample_name: string }[];
  const rows: (string | number)[][] = [];
  for (const item of index.filter((x) => x.element === 'Cu')) {
    const parsed = parseSpectrumFile({ text: fs.readFileSync(path.join(LIBRARY, item.file), 'utf8'), absorbingElement: 'Cu' });
    const expected = item.sample_formula;
    const inCatalogue = entries.some((e) => e.formula === expected);
    const start = performance.now();
    const pq = prepareQuery(parsed.energies, parsed.mu);
    const res = await rankEnsemble(pq, refs, { top: 10 });
    const ms = performance.now() - start;
    const full = await rankEnsemble(pq, refs, { top: n, exhaustive: true });
    const rank = rankOf(full.matches, (m) => entries[m.index]!.formula === expected);
    const w = consensusWeights(res.matches);
    const ox = consensus(res.matches.slice(0, w.length).map((m, k) => ({ weight: w[k]!, value: entries[m.index]!.oxidation })));
    const el = elsieReferenceRank({ energies: parsed.energies, mu: parsed.mu }, labelled);
    const elRank = rankOf(el.ranking, (x) => entries[Number(x.label)]!.formula === expected);
    const elOx = consensus(el.ranking.slice(0, 5).map((x) => ({ weight: x.borda, value: entries[Number(x.label)]!.oxidation })));
    const priorSays = prior ? (await prior.predict(pq)).reduce((a, b) => (b.probability > a.probability ? b : a)) : null;
    rows.push([
      path.basename(item.file), `${expected}${inCatalogue ? '' : ' (not in catalogue)'}`,
      rank === Infinity ? '–' : rank, elRank === Infinity ? '–' : elRank,
      ox ? `${ox.value} (${fmt(ox.confidence * 100)} %)` : '–', elOx ? `${elOx.value} (${fmt(elOx.confidence * 100)} %)` : '–',
      priorSays ? `${priorSays.value} (${fmt(priorSays.probability * 100)} %)` : '–',
      fmt(res.bestScore, 4), fmt(res.margin, 4), String(confident(res)),
      res.matches.slice(0, 3).map((m) => entries[m.index]!.formula).join(' '), fmt(ms, 1),
    ]);
  }
  console.log('\nMEASURED Cu K-edge spectra (xas-data-library); rank = first catalogue entry with the expected reduced formula');
  printTable(['file', 'expected', 'rank ENSEMBLE', 'rank ELSIE', 'ox. state ENSEMBLE', 'ox. state ELSIE', 'ox. prior', 'best score', 'margin', 'confident', 'top 3 (ENSEMBLE)', 'ms'], rows);
}

await main();
