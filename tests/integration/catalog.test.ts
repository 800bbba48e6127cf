// The catalogue over GraphQL/HTTP against the real service and database (see tests/support/global-setup.ts).
import zlib from 'node:zlib';
import fs from 'node:fs';
import path from 'node:path';
import { graphql, testEnvironment } from '../support/env.ts';
import { REPO_ROOT } from '../support/service.ts';

const env = testEnvironment();

/** The OmniXAS record of one material, read from the bundled seed file. */
function seedRecord(materialId: string): any {
  const lines = zlib.gunzipSync(fs.readFileSync(path.join(REPO_ROOT, 'seed/omnixas-cu-feff/materials.jsonl.gz'))).toString('utf8').split('\n');
  const line = lines.find((l) => l.startsWith(`{"material_id":"${materialId}"`));
  if (!line) throw new Error(`${materialId} not in the seed`);
  return JSON.parse(line);
}

async function sqlQueryCount(): Promise<number> {
  const text = await (await fetch(`${env.baseUrl}/metrics`)).text();
  const match = /^xasgraph_sql_queries_total (\d+)/m.exec(text);
  if (!match) throw new Error('no xasgraph_sql_queries_total in /metrics');
  return Number(match[1]);
}

describe('the seeded catalogue', () => {
  test('holds all 2,697 materials and one site average per complete material', async () => {
    const { body } = await graphql(`{
      cu: materials(filter: { elements: ["Cu"] }) { totalCount }
      cuMeasured: materials(filter: { elements: ["Cu"], method: EXPERIMENT }) { totalCount }
      averages: spectra(filter: { absorbingElement: "Cu", siteResolved: false, method: FEFF }) { totalCount }
      sites: spectra(filter: { absorbingElement: "Cu", siteResolved: true }) { totalCount }
    }`);
    expect(body.errors).toBeUndefined();
    // The 2,697 FEFF catalogue materials, and beside them the measured library's Cu compounds (formula only).
    expect(body.data.cu.totalCount - body.data.cuMeasured.totalCount).toBe(2697);
    expect(body.data.cuMeasured.totalCount).toBeGreaterThan(0);
    // 2,589 materials have spectra; 66 of them have incomplete sites (weights_symprec null): 2,523 averages.
    expect(body.data.averages.totalCount).toBe(2523);
    expect(body.data.sites.totalCount).toBe(5299);
  });

  test('a site-averaged spectrum is the weighted average of its sites', async () => {
    // mp-1005792 has one inequivalent Cu site (site 8, multiplicity 4): the average equals that site.
    const record = seedRecord('mp-1005792');
    const { body } = await graphql(`{ spectrum(id: "mp-1005792-XANES-Cu-K") { energies mu siteIndex averagedSites method edge spectrumType absorbingElement material { id } } }`);
    expect(body.errors).toBeUndefined();
    const spectrum = body.data.spectrum;
    expect(spectrum).toMatchObject({ siteIndex: null, averagedSites: 1, method: 'FEFF', edge: 'K', spectrumType: 'XANES', absorbingElement: 'Cu', material: { id: 'mp-1005792' } });
    expect(spectrum.energies).toEqual(record.absorbing_sites[0].spectrum.energy);
    expect(spectrum.mu).toEqual(record.absorbing_sites[0].spectrum.mu);
  });

  test('a multi-site average weights each site by its multiplicity', async () => {
    // Find a material with two or more sites of different weights, then recompute the average at one energy.
    const lines = zlib.gunzipSync(fs.readFileSync(path.join(REPO_ROOT, 'seed/omnixas-cu-feff/materials.jsonl.gz'))).toString('utf8').trim().split('\n');
    const record = lines.map((l) => JSON.parse(l)).find(
      (r) => r.weights_symprec !== null && r.absorbing_sites.length >= 2 && new Set(r.absorbing_sites.map((s: any) => s.weight)).size > 1,
    );
    const { body } = await graphql(`query($id: ID!) { spectrum(id: $id) { energies mu averagedSites } }`, { id: `${record.material_id}-XANES-Cu-K` });
    const { energies, mu, averagedSites } = body.data.spectrum;
    expect(averagedSites).toBe(record.absorbing_sites.length);
    const i = Math.floor(energies.length / 2);
    const e = energies[i];
    const interpolate = (xs: number[], ys: number[]) => {
      const j = xs.findIndex((x) => x >= e);
      if (xs[j] === e) return ys[j]!;
      return ys[j - 1]! + ((e - xs[j - 1]!) / (xs[j]! - xs[j - 1]!)) * (ys[j]! - ys[j - 1]!);
    };
    const total = record.absorbing_sites.reduce((s: number, site: any) => s + site.weight, 0);
    const expected = record.absorbing_sites.reduce((s: number, site: any) => s + (site.weight * interpolate(site.spectrum.energy, site.spectrum.mu)) / total, 0);
    expect(total).toBe(record.n_cu_sites);
    expect(mu[i]).toBeCloseTo(expected, 10);
  });

  test('a material with incomplete sites has site spectra but no average, and says why', async () => {
    const { body } = await graphql(`{ materials(filter: { elements: ["Cu"] }, first: 200) { edges { node { id siteAverageNote spectra(siteResolved: false) { id } absorbingSites { siteIndex weight } } } } }`);
    const incomplete = body.data.materials.edges.map((e: any) => e.node).filter((m: any) => m.siteAverageNote?.includes('weights_symprec'));
    expect(incomplete.length).toBeGreaterThan(0);
    for (const m of incomplete) {
      expect(m.spectra).toEqual([]);
      expect(m.absorbingSites.length).toBeGreaterThan(0);
      expect(m.absorbingSites.every((s: any) => s.weight === null)).toBe(true);
    }
  });

  test('a material carries its structure, sites, absorbing sites and provenance', async () => {
    const record = seedRecord('mp-1005792');
    const { body } = await graphql(`{ material(id: "mp-1005792") {
      id formula elements chemsys nsites spacegroupSymbol spacegroupNumber split
      lattice { matrix a b c alpha beta gamma volume }
      sites { index species fracCoords cartesianCoords }
      absorbingSites { siteIndex element multiplicity weight equivalentSiteIndices wyckoff oxidationState oxidationStateMethod coordinationNumber spectrum { id } }
      structure { poscar cif pymatgen }
      provenance { source license url }
    } }`);
    expect(body.errors).toBeUndefined();
    const m = body.data.material;
    expect(m).toMatchObject({ id: 'mp-1005792', formula: 'Sm2CuAs3O', elements: ['As', 'Cu', 'O', 'Sm'], chemsys: 'As-Cu-O-Sm', nsites: 28, spacegroupSymbol: 'Pnma', spacegroupNumber: 62, split: 'val' });
    expect(m.lattice.matrix).toEqual(record.lattice);
    expect(m.lattice.volume).toBeCloseTo(record.volume, 3);
    expect(m.sites).toHaveLength(28);
    expect(m.sites[8]).toMatchObject({ index: 8, species: 'Cu', fracCoords: record.sites[8].frac });
    expect(m.sites[8].cartesianCoords[2]).toBeCloseTo(record.sites[8].frac[2] * record.lattice[2][2], 6);
    expect(m.absorbingSites).toEqual([
      { siteIndex: 8, element: 'Cu', multiplicity: 4, weight: 4, equivalentSiteIndices: [8, 9, 10, 11], wyckoff: 'c', oxidationState: 1, oxidationStateMethod: 'pymatgen.BVAnalyzer', coordinationNumber: 4, spectrum: { id: 'mp-1005792-XANES-Cu-K-site8' } },
    ]);
    expect(m.structure.poscar.split('\n').slice(5, 7)).toEqual(['Sm Cu As O', '8 4 12 4']);
    expect(m.structure.cif).toContain('_cell_length_c      34.82254100');
    expect(m.structure.pymatgen.sites).toHaveLength(28);
    expect(m.provenance.license).toContain('BSD-3-Clause');
  });
});

describe('filters and pagination', () => {
  test('paging through a filter returns every match exactly once', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let total = -1;
    for (let page = 0; page < 20; page++) {
      const { body }: any = await graphql(
        `query($after: String) { materials(filter: { chemsys: "O-Cu" }, first: 7, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id chemsys } } } }`,
        { after },
      );
      expect(body.errors).toBeUndefined();
      const c = body.data.materials;
      total = c.totalCount;
      seen.push(...c.edges.map((e: any) => e.node.id));
      for (const e of c.edges) expect(e.node.chemsys).toBe('Cu-O');
      if (!c.pageInfo.hasNextPage) break;
      after = c.pageInfo.endCursor;
    }
    expect(total).toBeGreaterThan(7);
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
    expect([...seen].sort()).toEqual(seen);
  });

  test('formula matches any way of writing the reduced composition', async () => {
    const ask = async (formula: string) => (await graphql(`query($f: String) { materials(filter: { formula: $f }, first: 200) { totalCount edges { node { formula } } } }`, { f: formula })).body.data.materials;
    const cuo = await ask('CuO');
    expect(cuo.totalCount).toBeGreaterThan(0);
    expect(cuo.edges.every((e: any) => e.node.formula === 'CuO')).toBe(true);
    expect((await ask('OCu')).totalCount).toBe(cuo.totalCount);
    expect((await ask('Cu2O2')).totalCount).toBe(cuo.totalCount);
    expect((await ask('Cu2O')).edges.every((e: any) => e.node.formula === 'Cu2O')).toBe(true);
  });

  test('elements, spacegroup and spectrum filters combine', async () => {
    const { body } = await graphql(`{
      withO: materials(filter: { elements: ["Cu", "O"] }) { totalCount }
      withOAndS: materials(filter: { elements: ["Cu", "O", "S"] }, first: 50) { totalCount edges { node { elements } } }
      fm3m: materials(filter: { spacegroupNumber: 225 }, first: 50) { totalCount edges { node { spacegroupNumber } } }
      feffAverages: materials(filter: { absorbingElement: "Cu", edge: K, method: FEFF, spectrumType: XANES, siteResolved: false }) { totalCount }
      predicted: materials(filter: { method: ML_PREDICTED }) { totalCount }
      siteSpectraOfOne: spectra(filter: { materialId: "mp-1005792", siteResolved: true }) { totalCount edges { node { id } } }
      cuOSpectra: spectra(filter: { chemsys: "Cu-O", siteResolved: false }) { totalCount }
      cuOMaterials: materials(filter: { chemsys: "Cu-O", siteResolved: false }) { totalCount }
    }`);
    expect(body.errors).toBeUndefined();
    const d = body.data;
    expect(d.withO.totalCount).toBeGreaterThan(d.withOAndS.totalCount);
    for (const e of d.withOAndS.edges) expect(e.node.elements).toEqual(expect.arrayContaining(['Cu', 'O', 'S']));
    for (const e of d.fm3m.edges) expect(e.node.spacegroupNumber).toBe(225);
    expect(d.feffAverages.totalCount).toBe(2523);
    expect(d.predicted.totalCount).toBe(0);
    expect(d.siteSpectraOfOne.edges.map((e: any) => e.node.id)).toEqual(['mp-1005792-XANES-Cu-K-site8']);
    expect(d.cuOSpectra.totalCount).toBe(d.cuOMaterials.totalCount);
  });
});

describe('bad input gets a clear, typed error', () => {
  const codeOf = (body: any) => body.errors?.[0]?.extensions?.code;

  test.each([
    ['an unknown material id', `{ material(id: "mp-0") { id } }`, 'NOT_FOUND', /no material with id "mp-0"/],
    ['an unknown spectrum id', `{ spectrum(id: "mp-0-XANES-Cu-K") { id } }`, 'NOT_FOUND', /no spectrum/],
    ['a page that is too large', `{ materials(first: 100000) { totalCount } }`, 'BAD_USER_INPUT', /"first" must be between 1 and 200/],
    ['a page of zero', `{ spectra(first: 0) { totalCount } }`, 'BAD_USER_INPUT', /"first" must be between 1 and 200/],
    ['a forged cursor', `{ materials(after: "bWF0ZXJpYWw") { totalCount } }`, 'BAD_USER_INPUT', /not a cursor of this material list/],
    ['a cursor of another list', `{ spectra(after: "bWF0ZXJpYWw6bXAtMTAwNTc5Mg") { totalCount } }`, 'BAD_USER_INPUT', /not a cursor of this spectrum list/],
    ['an unknown element', `{ materials(filter: { elements: ["Xx"] }) { totalCount } }`, 'BAD_USER_INPUT', /"Xx" is not an element symbol/],
    ['a malformed formula', `{ materials(filter: { formula: "Cu(O" }) { totalCount } }`, 'BAD_USER_INPUT', /formula/],
    ['a bad space group', `{ materials(filter: { spacegroupNumber: 231 }) { totalCount } }`, 'BAD_USER_INPUT', /between 1 and 230/],
    ['a bad chemical system', `{ spectra(filter: { chemsys: "Cu-Q" }) { totalCount } }`, 'BAD_USER_INPUT', /not a chemical system/],
  ])('%s', async (_name, query, code, message) => {
    const { body } = await graphql(query);
    expect(codeOf(body)).toBe(code);
    expect(body.errors![0].message).toMatch(message);
    expect(JSON.stringify(body)).not.toMatch(/stacktrace|at .*\.ts:\d+/);
  });

  test('deeply nested queries are refused before any work', async () => {
    const before = await sqlQueryCount();
    const { status, body } = await graphql(`{ materials(first: 200) { edges { node { spectra { material { spectra { material { spectra { material { absorbingSites { spectrum { id } } } } } } } } } } } }`);
    expect(status).toBe(400);
    expect(codeOf(body)).toBe('BAD_USER_INPUT');
    expect(body.errors![0].message).toMatch(/query (depth|cost) \d+ exceeds the limit/);
    expect(await sqlQueryCount()).toBe(before);
  });

  test('a malformed request body and an oversized one', async () => {
    const bad = await fetch(env.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(bad.status).toBe(400);
    const big = await fetch(env.graphqlUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: `{ version }`, pad: 'x'.repeat(11 * 1024 * 1024) }) });
    expect(big.status).toBe(413);
    const body = (await big.json()) as any;
    expect(body.errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
    expect(body.errors[0].message).toMatch(/larger than 10485760 bytes: send a smaller request/);
  });
});

describe('cost of a page', () => {
  const pageQuery = (first: number) => `{ materials(first: ${first}) { edges { node { id spectra { id energies mu material { id } } absorbingSites { siteIndex spectrum { id } } } } } }`;

  test('a page of 50 materials with spectra and sites costs as many SQL queries as a page of 5', async () => {
    // The counter is the service's: other test files' requests running at the same time only add to it, so the
    // least of three tries is this request's own count.
    const once = async (first: number) => {
      const before = await sqlQueryCount();
      const { body } = await graphql(pageQuery(first));
      expect(body.errors).toBeUndefined();
      expect(body.data.materials.edges).toHaveLength(first);
      return (await sqlQueryCount()) - before;
    };
    const cost = async (first: number) => Math.min(await once(first), await once(first), await once(first));
    const five = await cost(5);
    const fifty = await cost(50);
    expect(fifty).toBe(five);
    expect(fifty).toBeLessThanOrEqual(6);
  });
});

describe('health', () => {
  test('/healthz, /readyz, /metrics', async () => {
    expect((await fetch(`${env.baseUrl}/healthz`)).status).toBe(200);
    const ready = await fetch(`${env.baseUrl}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
    expect(await (await fetch(`${env.baseUrl}/metrics`)).text()).toMatch(/process_cpu_user_seconds_total/);
    expect((await fetch(`${env.baseUrl}/nope`)).status).toBe(404);
  });

  test('with DATABASE_URL the service never starts a database of its own', () => {
    if (env.mode === 'external') expect(fs.existsSync(path.join(env.dataDir, 'postgres'))).toBe(false);
    else expect(fs.existsSync(path.join(env.dataDir, 'postgres', 'PG_VERSION'))).toBe(true);
  });
});
