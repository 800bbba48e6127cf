// The download files of a spectrum (src/web/spectrum-files.ts): CSV and XDI 1.0, read back with our own XDI parser
// (which follows libxdifile) to the same numbers, element, edge and units.
import { parseXdi } from '../../src/spectra/parse/xdi.ts';
import { type DownloadableSpectrum, spectrumCsv, spectrumXdi } from '../../src/web/spectrum-files.ts';

const computed: DownloadableSpectrum = {
  id: 'mp-1005792-XANES-Cu-K',
  absorbingElement: 'Cu',
  edge: 'K',
  spectrumType: 'XANES',
  method: 'FEFF',
  siteIndex: null,
  energies: [8980.5, 8981.25, 8982.125],
  mu: [0.1, 0.55, 1.0123456789],
  uncertainty: null,
  e0: 8979,
  modelVersion: null,
  measured: null,
  material: { id: 'mp-1005792', formula: 'Sm2CuAs3O', provenance: { source: 'OmniXAS\nFEFF', license: 'BSD-3-Clause', url: 'https://example.org/x' } },
};

const predicted: DownloadableSpectrum = { ...computed, id: 'hyp-1-XANES-Cu-K', method: 'ML_PREDICTED', modelVersion: 'cu@1.0.0', uncertainty: [0.01, 0.02, 0.03] };

const measured: DownloadableSpectrum = {
  ...computed,
  id: 'exp-Fe2O3-XAFS-Fe-K-x',
  absorbingElement: 'Fe',
  edge: 'L2_3',
  method: 'EXPERIMENT',
  measured: {
    recordId: 'xdl-x',
    compound: 'iron(III) oxide',
    phase: 'hematite',
    mode: 'fluorescence',
    temperature: 'room temperature',
    beamline: 'APS 20-BM-B',
    source: 'xas-data-library',
    sourceFile: 'a/b.xdi',
    doi: null,
    license: 'CC0',
    credit: 'XAS Data Library',
  },
  material: { id: 'exp-Fe2O3', formula: 'Fe2O3', provenance: { source: 'measured', license: 'CC0', url: null } },
};

test('CSV: a header, then one row per point with the exact numbers', () => {
  const lines = spectrumCsv(computed).trimEnd().split('\n');
  expect(lines[0]).toBe('energy_eV,mu');
  expect(lines.slice(1).map((l) => l.split(',').map(Number))).toEqual(computed.energies.map((e, i) => [e, computed.mu[i]]));
});

test('CSV of a prediction carries its one-sigma column', () => {
  const lines = spectrumCsv(predicted).trimEnd().split('\n');
  expect(lines[0]).toBe('energy_eV,mu,mu_sigma');
  expect(lines[3]).toBe('8982.125,1.0123456789,0.03');
});

test('XDI of a computed spectrum reads back with its element, edge, units and numbers', () => {
  const text = spectrumXdi(computed, 'xasgraph/0.1.0');
  expect(text.split('\n')[0]).toBe('# XDI/1.0 xasgraph/0.1.0');
  const parsed = parseXdi(text);
  expect(parsed.element).toBe('Cu');
  expect(parsed.edge).toBe('K');
  expect(parsed.energies).toEqual(computed.energies);
  expect(parsed.mu).toEqual(computed.mu);
  expect(parsed.energyUnitDeclared).toBe(true);
  expect(parsed.warnings).toEqual([]);
  const fields = parsed.metadata.fields as Record<string, string>;
  expect(fields['column.1']).toBe('energy eV');
  expect(fields['scan.edge_energy']).toBe('8979 eV');
  expect(fields['xasgraph.spectrum_id']).toBe(computed.id);
  expect(fields['xasgraph.method']).toBe('FEFF');
  expect(fields['xasgraph.source']).toBe('OmniXAS FEFF'); // a newline in a value would end the field: kept on one line
  expect(fields['xasgraph.url']).toBe('https://example.org/x');
});

test('XDI of a measured spectrum: the mode names the mu column, the provenance is kept, L2_3 is written L3', () => {
  const parsed = parseXdi(spectrumXdi(measured));
  const fields = parsed.metadata.fields as Record<string, string>;
  expect(fields['column.2']).toBe('mufluor');
  expect(parsed.metadata.muSource).toBe('mufluor');
  expect(parsed.edge).toBe('L3');
  expect(fields['xasgraph.edge']).toBe('L2_3');
  expect(fields['sample.name']).toBe('iron(III) oxide, hematite');
  expect(fields['beamline.name']).toBe('APS 20-BM-B');
  expect(fields['xasgraph.credit']).toBe('XAS Data Library');
  expect(fields['xasgraph.license']).toBe('CC0');
  expect(fields).not.toHaveProperty('xasgraph.doi');
});

test('XDI of a prediction: mu and its sigma column, the model named', () => {
  const text = spectrumXdi(predicted);
  const parsed = parseXdi(text);
  expect(parsed.mu).toEqual(predicted.mu);
  expect((parsed.metadata.fields as Record<string, string>)['column.3']).toBe('mu_sigma');
  expect((parsed.metadata.fields as Record<string, string>)['xasgraph.model_version']).toBe('cu@1.0.0');
  expect(text).toMatch(/^# Column 3 is the one-sigma uncertainty of mu/m);
});
