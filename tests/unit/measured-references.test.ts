/** @jest-environment <rootDir>/tests/support/onnx-environment.mjs */
// The measured reference library without a database: the bundled manifest holds against its data (the seed fails
// naming an entry otherwise), bad entries are refused with their line and id, every spectrum of a file is listed,
// and measured references rank like a measured query without broadening.
import fs from 'node:fs';
import path from 'node:path';
import { checkUnique, ManifestError, parseManifest, type ManifestEntry } from '../../src/catalog/measured-manifest.ts';
import { libraryRows, readManifest } from '../../src/catalog/measured-library.ts';
import { findRecord, measuredMaterialId, measuredRows } from '../../src/catalog/measured-rows.ts';
import { InputError } from '../../src/errors.ts';
import { consensusWeights, prepareQuery, prepareReferences, rankEnsemble } from '../../src/spectra/ensemble/index.ts';
import { readSpectrumRecords } from '../../src/spectra/parse/records.ts';
import { REPO_ROOT } from '../support/service.ts';

const SEED = path.join(REPO_ROOT, 'seed');
const LIBRARY = path.join(SEED, 'measured-references');
const noDatabase = { query: async () => ({ rows: [] }) } as never;

const entry = (over: Partial<ManifestEntry> = {}): ManifestEntry => ({
  id: 'xdl-test-fe2o3', file: 'xas-data-library/data/Fe/Fe2O3_rt_01.xdi', record: null, recordKey: null, element: 'Fe', edge: 'K',
  compound: 'hematite', formula: 'Fe2O3', phase: null, oxidationStates: [3], oxidationStateBasis: 'charge balance', coordinationNumber: null,
  mode: 'transmission', temperature: 'room temperature', beamline: 'APS 20-BM-B', sample: 'test', materialsProjectId: null, doi: null,
  source: 'xas-data-library', license: 'public domain (CC0)', credit: 'XAS Data Library', note: null, ...over,
});
const fe2o3 = () => readSpectrumRecords({ bytes: fs.readFileSync(path.join(LIBRARY, 'xas-data-library/data/Fe/Fe2O3_rt_01.xdi')) });

describe('the bundled manifest', () => {
  test('every entry is found in its file, at its element and edge, with no data twice (what seeding checks)', async () => {
    const entries = await readManifest(SEED);
    expect(entries.length).toBeGreaterThanOrEqual(300);
    const rows = await libraryRows(noDatabase, SEED, entries);
    expect(rows).toHaveLength(entries.length);
    const kinds = new Set(rows.map((r) => `${r.spectrum.absorbingElement} ${r.spectrum.edge}`));
    expect(kinds.size).toBeGreaterThanOrEqual(20);
    for (const r of rows) {
      expect(r.spectrum.method).toBe('EXPERIMENT');
      expect(r.reference.oxidationStates.length).toBeGreaterThan(0);
      expect(r.reference.credit.length).toBeGreaterThan(0);
    }
  }, 60_000);

  test('no record is both kept and left out; every left-out record has a known reason', () => {
    const dir = path.join(LIBRARY, 'manifest');
    const lines = (sub: string) => fs.readdirSync(path.join(dir, sub)).filter((n) => n.endsWith('.jsonl'))
      .flatMap((n) => fs.readFileSync(path.join(dir, sub, n), 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l)));
    const kept = lines('.');
    const excluded = lines('excluded');
    const reasons = new Set(['unnamed-sample', 'mixture', 'solution', 'glass', 'reference-channel', 'repeat', 'not-mu', 'duplicate', 'biological', 'no-edge', 'other']);
    for (const e of excluded) expect(reasons).toContain(e.reason);
    const key = (e: { file: string; recordKey: string | null; record: string | null }) => `${e.file}|${e.recordKey ?? e.record ?? ''}`;
    const keptKeys = kept.map(key);
    expect(new Set(keptKeys).size).toBe(keptKeys.length);
    const left = new Set(excluded.map(key));
    expect(keptKeys.filter((k) => left.has(k))).toEqual([]);
  });

  test('a bad entry is refused naming its line and id', () => {
    const line = JSON.stringify({ ...entry(), edge: 'Q' });
    expect(() => parseManifest(`\n${line}\n`, 'manifest/x.jsonl')).toThrow(/manifest\/x\.jsonl:2 \(xdl-test-fe2o3\): edge/);
    expect(() => parseManifest(JSON.stringify({ ...entry(), extra: 1 }), 'm')).toThrow(ManifestError);
    const a = parseManifest(JSON.stringify(entry()), 'a.jsonl');
    const b = parseManifest(JSON.stringify(entry()), 'b.jsonl');
    expect(() => checkUnique([...a, ...b])).toThrow(/b\.jsonl:1 \(xdl-test-fe2o3\): id "xdl-test-fe2o3" is also used at a\.jsonl:1/);
  });
});

describe('rows of a measured record', () => {
  test('a formula-only material, an EXPERIMENT spectrum with the data as read, provenance', () => {
    const rows = measuredRows(entry({ phase: 'Hematite' }), findRecord(fe2o3(), { record: null, recordKey: null }));
    expect(rows.material).toMatchObject({ id: 'exp-Fe2O3-hematite', formula: 'Fe2O3', elements: ['Fe', 'O'], lattice: [], species: [] });
    expect(rows.spectrum.id).toBe('exp-Fe2O3-hematite-XAFS-Fe-K-xdl-test-fe2o3');
    expect(rows.spectrum.e0).toBeGreaterThan(7110);
    expect(rows.reference).toMatchObject({ recordId: 'xdl-test-fe2o3', source: 'xas-data-library', oxidationStates: [3] });
    expect(measuredMaterialId('FeO(OH)', null)).toBe('exp-FeHO2');
  });

  test('an element, edge or formula that the data contradict is refused, saying what to check', () => {
    const data = fe2o3()[0]!;
    expect(() => measuredRows(entry({ element: 'Mn', formula: 'Mn2O3' }), data)).toThrow(/E0 71\d\d\.\d eV\) is not at the Mn K edge \(6539 eV/);
    expect(() => measuredRows(entry({ formula: 'Cr2O3' }), data)).toThrow(/formula "Cr2O3" has no Fe/);
    expect(() => measuredRows(entry({ formula: 'Fe2Q3' }), data)).toThrow(InputError);
  });

  test('Athena records by key; a multicolumn XDI file gives one record per column; a bad Athena group does not hide the others', () => {
    const nor = readSpectrumRecords({ bytes: fs.readFileSync(path.join(LIBRARY, 'als-fe-references/FeLibNov2021.nor')) });
    expect(nor.map((r) => r.record)).toEqual(['Magnetite', 'Maghemite', 'Goethite', 'HFO', 'FeIII_sulfate', 'Fe3P', 'LiFe(II)PO4', 'Fe(III)PO4', 'Pyrite', 'StainlessSteelNP', 'Hematite_NP']);
    expect(findRecord(nor, { record: 'pyrite', recordKey: null }).record).toBe('Pyrite');
    const pb = readSpectrumRecords({ bytes: fs.readFileSync(path.join(LIBRARY, 'xraylarch-athena/PbL3_CAMD.prj')) });
    expect(pb.filter((r) => r.error !== null).length).toBeGreaterThan(0);
    const foil = pb.find((r) => r.record === 'Pb metal (foil)')!;
    expect(foil.error).toBeNull();
    expect(findRecord(pb, { record: null, recordKey: foil.key }).record).toBe('Pb metal (foil)');
    expect(() => findRecord(pb, { record: null, recordKey: 'nope' })).toThrow(/no Athena group with key "nope"/);
  });
});

describe('ranking with measured references', () => {
  test('a measured reference is compared unbroadened and unstretched: the same measurement matches itself at shift 0, score 1', async () => {
    const data = fe2o3()[0]!;
    const refs = prepareReferences([
      { id: 'same', energies: data.energies, mu: data.mu, measured: true },
      { id: 'same-as-feff', energies: data.energies, mu: data.mu, measured: false },
    ]);
    const result = await rankEnsemble(prepareQuery(data.energies, data.mu), refs, { top: 2, exhaustive: true });
    const same = result.matches.find((m) => m.index === 0)!;
    expect(same.score).toBeCloseTo(1, 5);
    expect(same.correlation).toBeCloseTo(1, 5);
    expect(same.energyScale).toBe(1);
    expect(Math.abs(same.energyShift)).toBeLessThan(0.05);
    // Read as a computed spectrum the same data are broadened and searched over stretches: a worse score.
    const asComputed = result.matches.find((m) => m.index === 1)!;
    expect(asComputed.score).toBeLessThan(same.score);
  });

  test('the consensus kernel: matches as close as the first weigh alike, one much closer speaks for most', () => {
    const alike = consensusWeights([{ score: 0.99 }, { score: 0.99 }, { score: 0.99 }]);
    expect(alike[1]! / alike[0]!).toBeCloseTo(1, 9);
    const close = consensusWeights([{ score: 0.999 }, { score: 0.99 }]);
    expect(close[1]! / close[0]!).toBeCloseTo(Math.exp(-(0.01 - 0.001) / 0.001), 9);
  });
});
