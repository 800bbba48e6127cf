// bench:accuracy's measured section (issue 10, item 5): identification judged on real measurements only, no synthetic
// data. (1) Leave one source out over the bundled measured library: every measured reference is the query; references
// of its own sample group or its own file are left out, so repeats of one sample never count. "in" = its compound
// (reduced formula) still has a reference from another source. (2) The measured Cu K files of ../shared/data/xas-data-library
// against FEFF only, measured only and both, blind and with restrictElements. (3) The two kinds' score scales: distances
// 1 − r of right matches, measured-vs-measured and FEFF-vs-measured, whose ratio is MEASURED_DISTANCE_SCALE.
//   npm run bench:accuracy -- --only measured
import { identifyInSet, type Identification, type IdentifyOptions } from '../src/identify/identify.ts';
import type { InputSpectrum } from '../src/identify/input.ts';
import { type CatalogReference, type ReferenceSet } from '../src/search/reference-index.ts';
import { MEASURED_DISTANCE_SCALE } from '../src/spectra/ensemble/index.ts';
import { compositionKey, parseFormula } from '../src/structure/composition.ts';
import { benchLibrary, index } from './library.ts';
import { fmt, printTable, quantile } from './support.ts';

const keyOf = (formula: string) => compositionKey(parseFormula(formula));
const pct = (a: number, b: number) => (b === 0 ? '–' : `${fmt((100 * a) / b, 1)} %`);

const roundedMean = (values: { value: number; share: number }[]) =>
  values.length === 0 ? null : Math.round(values.reduce((s, v) => s + v.value * v.share, 0));

function firstRank(result: Identification, set: ReferenceSet, key: string): number {
  const byId = new Map(set.references.map((r) => [r.spectrumId, r]));
  const i = result.matches.findIndex((m) => keyOf(byId.get(m.spectrumId)!.formula) === key);
  return i < 0 ? Infinity : i + 1;
}

export async function measuredSection(): Promise<void> {
  console.log('\n==== Measured references (real data only) ====');
  const { entries, rows, measured, sets, fileOf, setOf } = await benchLibrary();
  console.log(`library: ${rows.length} measured spectra of ${new Set(rows.map((r) => r.material.id)).size} compounds, ${entries.length} manifest entries`);

  // ---- (1) leave one source out ----
  const options: IdentifyOptions = { top: 10, groupByFormula: true, referenceMethods: ['EXPERIMENT'] };
  type Outcome = {
    element: string; inside: boolean; top1: boolean; top3: boolean; ox: boolean | null; confident: boolean; ms: number; rightDistance: number | null;
    best: number; oxTop1: boolean | null;
  };
  const outcomes: Outcome[] = [];
  const t0 = performance.now();
  for (const [i, r] of rows.entries()) {
    const set = sets.get(setOf(r.spectrum))!;
    const q = measured[i]!;
    const own = (ref: CatalogReference) => ref.sampleGroup === q.sampleGroup || fileOf.get(ref.spectrumId) === fileOf.get(q.spectrumId);
    const key = keyOf(q.formula);
    const inside = set.references.some((ref) => ref.method === 'EXPERIMENT' && !own(ref) && keyOf(ref.formula) === key);
    const spectrum: InputSpectrum = { energies: q.energies, mu: q.mu, absorbingElement: r.spectrum.absorbingElement, edge: r.spectrum.edge, computed: false, warnings: [] };
    const start = performance.now();
    let result: Identification;
    try {
      result = await identifyInSet(index, set, spectrum, options, own);
    } catch (err) {
      console.log(`  ${r.reference.recordId}: ${(err as Error).message}`);
      continue;
    }
    const ms = performance.now() - start;
    const rank = firstRank(result, set, key);
    const truth = roundedMean(q.oxidationStates);
    const right = result.matches.find((m) => keyOf(set.references.find((x) => x.spectrumId === m.spectrumId)!.formula) === key);
    const refOf = (id: string) => set.references.find((x) => x.spectrumId === id)!;
    const top1Ox = result.matches[0] ? roundedMean(refOf(result.matches[0].spectrumId).oxidationStates) : null;
    outcomes.push({
      element: setOf(r.spectrum), inside, top1: rank === 1, top3: rank <= 3, ms,
      ox: truth === null || !result.oxidationState ? null : result.oxidationState.value === truth,
      confident: result.confident, rightDistance: right ? 1 - right.correlation : null,
      best: result.matches[0]?.score ?? 0,
      oxTop1: truth === null || top1Ox === null ? null : top1Ox === truth,
    });
  }
  console.log(`${outcomes.length} queries in ${fmt((performance.now() - t0) / 1000, 1)} s (first query per element includes preparing its set)`);
  const summarise = (label: string, list: Outcome[]) => {
    const inside = list.filter((o) => o.inside);
    const oxIn = inside.filter((o) => o.ox !== null);
    const oxAll = list.filter((o) => o.ox !== null);
    return [
      label, list.length, inside.length, pct(inside.filter((o) => o.top1).length, inside.length), pct(inside.filter((o) => o.top3).length, inside.length),
      pct(oxIn.filter((o) => o.ox).length, oxIn.length), pct(oxAll.filter((o) => o.ox).length, oxAll.length),
      pct(list.filter((o) => o.confident === o.inside).length, list.length),
      pct(inside.filter((o) => o.confident).length, inside.length), pct(list.filter((o) => !o.inside && o.confident).length, list.filter((o) => !o.inside).length),
    ];
  };
  const elements = [...new Set(outcomes.map((o) => o.element))].sort();
  printTable(
    ['element edge', 'queries', 'in', 'formula top-1 (in)', 'top-3 (in)', 'ox. state (in)', 'ox. state (all)', 'confident agrees', 'confident | in', 'confident | out'],
    [...elements.map((e) => summarise(e, outcomes.filter((o) => o.element === e))), summarise('ALL', outcomes)],
  );
  const q = (v: number[], p: number) => fmt(quantile([...v].sort((a, b) => a - b), p), 4);
  const bestIn = outcomes.filter((o) => o.inside).map((o) => o.best);
  const bestOut = outcomes.filter((o) => !o.inside).map((o) => o.best);
  console.log(`best score (common scale): in p10 ${q(bestIn, 0.1)} p50 ${q(bestIn, 0.5)}; out p50 ${q(bestOut, 0.5)} p90 ${q(bestOut, 0.9)}`);
  const oxRate = (pick: (o: Outcome) => boolean | null, list: Outcome[]) => { const k = list.map(pick).filter((x) => x !== null); return pct(k.filter(Boolean).length, k.length); };
  const insideList = outcomes.filter((o) => o.inside);
  console.log(`ox. state (in / all): the service's vote ${oxRate((o) => o.ox, insideList)} / ${oxRate((o) => o.ox, outcomes)}; the first match alone ${oxRate((o) => o.oxTop1, insideList)} / ${oxRate((o) => o.oxTop1, outcomes)}`);
  for (const t of [0.95, 0.96, 0.97, 0.975, 0.98, 0.985, 0.99]) {
    const conf = (o: Outcome) => o.best >= t;
    console.log(`  score floor ${t}: confident agrees ${pct(outcomes.filter((o) => conf(o) === o.inside).length, outcomes.length)}, confident|in ${pct(insideList.filter(conf).length, insideList.length)}, confident|out ${pct(outcomes.filter((o) => !o.inside && conf(o)).length, outcomes.length - insideList.length)}`);
  }
  const times = outcomes.map((o) => o.ms).sort((a, b) => a - b);
  console.log(`identification in process, whole library loaded: p50 ${fmt(quantile(times, 0.5), 1)} ms, p95 ${fmt(quantile(times, 0.95), 1)} ms`);

  // ---- (3) score scales ----
  const measuredRight = outcomes.filter((o) => o.inside && o.rightDistance !== null).map((o) => o.rightDistance!);
  // ---- (2) measured Cu files against FEFF, measured and both ----
  const cuSet = sets.get('Cu K');
  const feffRight: number[] = [];
  if (cuSet) {
    const cuRows = rows.filter((r) => r.spectrum.absorbingElement === 'Cu' && r.reference.source === 'xas-data-library');
    const table: (string | number)[][] = [];
    for (const r of cuRows) {
      const q = measured[rows.indexOf(r)]!;
      const own = (ref: CatalogReference) => ref.sampleGroup !== null && ref.sampleGroup === q.sampleGroup;
      const key = keyOf(q.formula);
      const spectrum: InputSpectrum = { energies: q.energies, mu: q.mu, absorbingElement: 'Cu', edge: 'K', computed: false, warnings: [] };
      const cells: (string | number)[] = [r.reference.recordId, q.formula];
      for (const methods of [['FEFF'], ['EXPERIMENT'], ['FEFF', 'EXPERIMENT']] as const) {
        for (const restrict of [null, q.elements]) {
          const res = await identifyInSet(index, cuSet, spectrum, { top: 50, groupByFormula: true, referenceMethods: [...methods], restrictElements: restrict }, own);
          const rank = firstRank(res, cuSet, key);
          cells.push(`${rank === Infinity ? '>50' : rank} ${res.matches[0] ? cuSet.references.find((x) => x.spectrumId === res.matches[0]!.spectrumId)!.formula : ''}${res.confident ? ' ✓' : ''}`);
          if (methods.length === 1 && methods[0] === 'FEFF' && restrict === null) {
            const full = await identifyInSet(index, cuSet, spectrum, { top: 100, referenceMethods: ['FEFF'] }, own);
            const right = full.matches.find((m) => keyOf(cuSet.references.find((x) => x.spectrumId === m.spectrumId)!.formula) === key);
            if (right) feffRight.push(1 - right.correlation);
          }
        }
      }
      table.push(cells);
    }
    console.log('\nMeasured Cu K files (XAS Data Library): first rank of the right formula (grouped by formula), top-1 formula, ✓ = confident; own sample left out');
    printTable(['record', 'formula', 'FEFF blind', 'FEFF restricted', 'measured blind', 'measured restricted', 'both blind', 'both restricted'], table);
  }
  const med = (v: number[]) => (v.length ? quantile([...v].sort((a, b) => a - b), 0.5) : NaN);
  console.log(
    `\nscore scales (1 − r of the right compound's best match): measured vs measured median ${fmt(med(measuredRight), 4)} (n ${measuredRight.length}); ` +
      `FEFF vs measured median ${fmt(med(feffRight), 4)} (n ${feffRight.length}); ratio ${fmt(med(measuredRight) / med(feffRight), 3)} ` +
      `(MEASURED_DISTANCE_SCALE = ${MEASURED_DISTANCE_SCALE})`,
  );
}


