// The REST downloads (GET /spectra/{id}.csv|.xdi|.json, /materials/{id}.cif|.poscar) against the seeded catalogue:
// the same numbers and structures GraphQL gives, valid XDI, Content-Disposition, and 404s that say what to do.
import { parseCif } from '../../src/structure/cif.ts';
import { parsePoscar } from '../../src/structure/poscar.ts';
import { parseXdi } from '../../src/spectra/parse/xdi.ts';
import { graphql, testEnvironment } from '../support/env.ts';
import { TEST_PORTAL_ORIGIN } from '../support/portal.ts';
import { errorOf, jsonOf } from '../support/http-answers.ts';

const { baseUrl } = testEnvironment();
const MATERIAL = 'mp-1005792';
const FEFF_SPECTRUM = 'mp-1005792-XANES-Cu-K';
const MEASURED_SPECTRUM = 'exp-Fe2O3-XAFS-Fe-K-xdl-fe2o3-rt-01';

const download = (path: string, init: RequestInit = {}) => fetch(`${baseUrl}${path}`, init);

async function spectrumOverGraphql(id: string) {
  const { body } = await graphql(`query($id: ID!) { spectrum(id: $id) { id absorbingElement edge energies mu e0 measured { credit mode } } }`, { id });
  return body.data.spectrum as { energies: number[]; mu: number[]; e0: number | null; absorbingElement: string; edge: string; measured: { credit: string; mode: string } | null };
}

describe('spectra', () => {
  test('CSV: energy and mu as GraphQL gives them, as an attachment', async () => {
    const response = await download(`/spectra/${FEFF_SPECTRUM}.csv`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="${FEFF_SPECTRUM}.csv"`);
    const [header, ...rows] = (await response.text()).trimEnd().split('\n');
    expect(header).toBe('energy_eV,mu');
    const expected = await spectrumOverGraphql(FEFF_SPECTRUM);
    expect(rows.map((r) => Number(r.split(',')[0]))).toEqual(expected.energies);
    expect(rows.map((r) => Number(r.split(',')[1]))).toEqual(expected.mu);
  });

  test('XDI of a computed spectrum: valid XDI 1.0 with element, edge, eV and where it comes from', async () => {
    const response = await download(`/spectra/${FEFF_SPECTRUM}.xdi`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="${FEFF_SPECTRUM}.xdi"`);
    const text = await response.text();
    expect(text.split('\n')[0]).toMatch(/^# XDI\/1\.0 xasgraph\/\d+\.\d+\.\d+$/);
    const parsed = parseXdi(text);
    const expected = await spectrumOverGraphql(FEFF_SPECTRUM);
    expect([parsed.element, parsed.edge]).toEqual([expected.absorbingElement, expected.edge]);
    expect(parsed.energies).toEqual(expected.energies);
    expect(parsed.mu).toEqual(expected.mu);
    expect(parsed.warnings).toEqual([]);
    const fields = parsed.metadata.fields as Record<string, string>;
    expect(fields['column.1']).toBe('energy eV');
    expect(fields['xasgraph.spectrum_id']).toBe(FEFF_SPECTRUM);
    expect(fields['xasgraph.method']).toBe('FEFF');
    expect(fields['xasgraph.source']).toMatch(/OmniXAS/);
    expect(fields['xasgraph.license']).toBeTruthy();
    expect(fields['sample.formula']).toBe('Sm2CuAs3O');
  });

  test('XDI of a measured standard keeps its mode, beamline and credit', async () => {
    const parsed = parseXdi(await (await download(`/spectra/${MEASURED_SPECTRUM}.xdi`)).text());
    const expected = await spectrumOverGraphql(MEASURED_SPECTRUM);
    const fields = parsed.metadata.fields as Record<string, string>;
    expect(parsed.element).toBe('Fe');
    expect(parsed.mu).toEqual(expected.mu);
    expect(fields['column.2']).toBe('mutrans');
    expect(fields['xasgraph.credit']).toBe(expected.measured!.credit);
    expect(fields['beamline.name']).toBeTruthy();
    expect(Number(fields['scan.edge_energy']!.split(' ')[0])).toBeCloseTo(expected.e0!, 6);
  });

  test('JSON is the pymatgen XAS dict of Spectrum.pymatgen', async () => {
    const response = await download(`/spectra/${FEFF_SPECTRUM}.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="${FEFF_SPECTRUM}.json"`);
    const { body } = await graphql(`query($id: ID!) { spectrum(id: $id) { pymatgen } }`, { id: FEFF_SPECTRUM });
    expect(await jsonOf(response)).toEqual(body.data.spectrum.pymatgen);
  });

  test('JSON of a spectrum whose material has no structure is a 404 that says why', async () => {
    const response = await download(`/spectra/${MEASURED_SPECTRUM}.json`);
    expect(response.status).toBe(404);
    expect((await errorOf(response))).toMatch(/no structure, which pymatgen's XAS requires/);
  });
});

describe('structures', () => {
  test('CIF and POSCAR are the material’s structure, readable by our parsers', async () => {
    const { body } = await graphql(`query($id: ID!) { material(id: $id) { nsites structure { cif poscar } } }`, { id: MATERIAL });
    const cif = await download(`/materials/${MATERIAL}.cif`);
    expect(cif.status).toBe(200);
    expect(cif.headers.get('content-disposition')).toBe(`attachment; filename="${MATERIAL}.cif"`);
    const cifText = await cif.text();
    expect(cifText).toBe(body.data.material.structure.cif);
    expect(parseCif(cifText).species).toHaveLength(body.data.material.nsites);
    const poscar = await download(`/materials/${MATERIAL}.poscar`);
    expect(poscar.headers.get('content-disposition')).toBe(`attachment; filename="${MATERIAL}.poscar"`);
    const poscarText = await poscar.text();
    expect(poscarText).toBe(body.data.material.structure.poscar);
    expect(parsePoscar(poscarText).species).toHaveLength(body.data.material.nsites);
  });

  test('a measured compound without a structure: 404 with a clear message', async () => {
    const response = await download('/materials/exp-Fe2O3.cif');
    expect(response.status).toBe(404);
    expect((await errorOf(response))).toMatch(/exp-Fe2O3 \(Fe2O3\) has no structure.*measured compound/);
  });
});

describe('what is not a download', () => {
  test('an unknown id is 404 naming it', async () => {
    const response = await download('/spectra/mp-0-XANES-Cu-K.csv');
    expect(response.status).toBe(404);
    expect((await errorOf(response))).toMatch(/no spectrum with id "mp-0-XANES-Cu-K"/);
    expect((await download('/materials/mp-0.cif')).status).toBe(404);
  });

  test('an unknown format is 404 listing the formats', async () => {
    const response = await download(`/spectra/${FEFF_SPECTRUM}.txt`);
    expect(response.status).toBe(404);
    expect((await errorOf(response))).toMatch(/\.csv, \.xdi or \.json.*\.cif or \.poscar/);
  });

  test('an id that is not one is refused before any lookup', async () => {
    const response = await download('/spectra/a%00b.csv');
    expect(response.status).toBe(400);
  });

  test('POST is 405', async () => {
    const response = await download(`/spectra/${FEFF_SPECTRUM}.csv`, { method: 'POST' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
  });

  test('a portal listed in CORS_ORIGINS may read a download', async () => {
    const response = await download(`/spectra/${FEFF_SPECTRUM}.csv`, { headers: { origin: TEST_PORTAL_ORIGIN } });
    expect(response.headers.get('access-control-allow-origin')).toBe(TEST_PORTAL_ORIGIN);
    expect(response.headers.get('access-control-expose-headers')).toMatch(/content-disposition/);
  });
});
