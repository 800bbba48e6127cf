// Converting one user document (pymatgen XAS dict, Materials Project XAS document) into catalogue rows.
// Documents are the real fixtures of tests/fixtures/ingest (see its README), modified in the test where a
// case needs it.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  documentToRows,
  FileRows,
  type IngestOptions,
  parseEdge,
  userMaterialId,
} from '../../src/catalog/ingest-documents.ts';
import { inputError } from '../support/input-error.ts';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'ingest');
const readJson = (name: string): any => JSON.parse(fs.readFileSync(path.join(FIXTURES, name), 'utf8'));
const readJsonLines = (name: string): any[] =>
  fs.readFileSync(path.join(FIXTURES, name), 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));

const options: IngestOptions = { method: 'FEFF', provenanceSource: 'user upload: test.json', provenanceLicense: 'CC-BY-4.0' };
/** A fresh deep copy of a fixture document, to modify. */
const copy = <T>(value: T): T => structuredClone(value);

const mpDocs = readJson('mp-xas-docs.json'); // mp-1022728 site 0, site 2; mp-361 site-averaged
const licoo2 = readJson('LiCoO2_k_xanes.json');
const noStructure = readJsonLines('mp-xas-docs-no-structure.jsonl'); // mp-3748 site 1, mp-4280 site 1

describe('Materials Project XAS documents', () => {
  test('a site spectrum with its structure', () => {
    const { material, spectrum } = documentToRows(mpDocs[0], options);
    expect(material).toMatchObject({
      id: 'mp-1022728',
      formula: 'Cu3O2',
      compositionKey: 'Cu3O2',
      elements: ['Cu', 'O'],
      chemsys: 'Cu-O',
      nsites: 5,
      species: ['Cu', 'Cu', 'Cu', 'O', 'O'],
      spacegroupSymbol: null,
      provenanceSource: 'user upload: test.json',
      provenanceLicense: 'CC-BY-4.0',
      provenanceUrl: null,
    });
    expect(material.lattice).toEqual([-2.022982, 2.022982, 3.673617, 2.022982, -2.022982, 3.673617, 2.022982, 2.022982, -3.673617]);
    expect(material.fracCoords.slice(0, 6)).toEqual([0.25, 0.75, 0.5, 0.75, 0.25, 0.5]);
    expect(material.volume).toBeCloseTo(60.1365, 3); // the seed's OmniXAS record says 60.1365 Å³
    expect(spectrum).toMatchObject({
      id: 'mp-1022728-XANES-Cu-K-site0',
      materialId: 'mp-1022728',
      absorbingElement: 'Cu',
      edge: 'K',
      spectrumType: 'XANES',
      method: 'FEFF',
      siteIndex: 0,
      e0: null,
      averagedSites: null,
      uncertainty: [],
    });
    expect(spectrum.energies).toHaveLength(173);
    expect(spectrum.energies[0]).toBe(8983.76);
    expect(spectrum.energies[172]).toBe(9124.73);
    expect(spectrum.mu[0]).toBe(0.048804);
    expect(spectrum.mu[172]).toBe(0.96113);
  });

  test('a site-averaged spectrum, absorbing_element as a pymatgen Element dict', () => {
    expect(mpDocs[2].absorbing_element).toMatchObject({ '@class': 'Element', element: 'Cu' });
    const { material, spectrum } = documentToRows(mpDocs[2], options);
    expect(material.id).toBe('mp-361');
    expect(material.formula).toBe('Cu2O');
    expect(spectrum.id).toBe('mp-361-XANES-Cu-K');
    expect(spectrum.siteIndex).toBeNull();
    expect(spectrum.energies[0]).toBe(8983.641);
  });

  test('without a structure: the formula and element list make the material row', () => {
    const { material, spectrum } = documentToRows(noStructure[0], options);
    expect(material).toMatchObject({
      id: 'mp-3748',
      formula: 'AlCuO2',
      compositionKey: 'Al1Cu1O2',
      elements: ['Al', 'Cu', 'O'],
      chemsys: 'Al-Cu-O',
      nsites: null,
      lattice: [],
      species: [],
      fracCoords: [],
      volume: null,
    });
    expect(spectrum.id).toBe('mp-3748-XANES-Cu-K-site1');
    expect(spectrum.siteIndex).toBe(1);
  });

  test('without a structure or a formula: says that one of them is needed', () => {
    const doc = copy(noStructure[1]);
    delete doc.formula_pretty;
    expect(inputError(() => documentToRows(doc, options)).message).toMatch(/no structure and no formula: include the structure .* or at least "formula_pretty"/);
  });

  test('an element list that disagrees with formula_pretty', () => {
    const doc = copy(noStructure[1]);
    doc.elements = ['Cu', 'O'];
    expect(inputError(() => documentToRows(doc, options)).message).toBe(
      'elements [Cu, O] do not match formula_pretty "GaCuO2" (elements Cu, Ga, O); correct one of them',
    );
  });

  test('the document method wins over the default; an unknown method is refused', () => {
    const doc = copy(mpDocs[0]);
    doc.method = 'VASP';
    expect(documentToRows(doc, options).spectrum.method).toBe('VASP');
    expect(documentToRows(mpDocs[0], { ...options, method: 'EXPERIMENT' }).spectrum.method).toBe('EXPERIMENT');
    doc.method = 'DFT';
    expect(inputError(() => documentToRows(doc, options)).message).toBe('method string "DFT" is not a supported method; use one of FEFF, VASP, EXPERIMENT, ML_PREDICTED');
  });

  test('the document and its spectrum must agree', () => {
    const doc = copy(mpDocs[0]);
    doc.spectrum.edge = 'L3';
    expect(inputError(() => documentToRows(doc, options)).message).toBe('edge is K but spectrum.edge is L3; the document and its spectrum must agree');
    const index = copy(mpDocs[0]);
    index.spectrum.absorbing_index = 1;
    expect(inputError(() => documentToRows(index, options)).message).toMatch(/^absorbing_index is 0 but spectrum.absorbing_index is 1/);
  });

  test('material_id of the document beats the one given on the command line', () => {
    expect(documentToRows(mpDocs[0], { ...options, materialId: 'mine' }).material.id).toBe('mp-1022728');
  });
});

describe('pymatgen XAS dicts', () => {
  test('the pymatgen fixture: legacy absorption_element key, no spectrum_type, no absorbing_index', () => {
    expect(licoo2.absorption_element).toMatchObject({ element: 'Co' });
    const { material, spectrum } = documentToRows(licoo2, options);
    expect(material.id).toBe('user-2a00ff102ace');
    expect(material).toMatchObject({ formula: 'LiCoO2', elements: ['Co', 'Li', 'O'], nsites: 4, species: ['Li', 'Co', 'O', 'O'] });
    expect(material.volume).toBeCloseTo(33.0030482304236, 9); // pymatgen's own lattice.volume in the file
    expect(spectrum).toMatchObject({ id: 'user-2a00ff102ace-XANES-Co-K', absorbingElement: 'Co', edge: 'K', spectrumType: 'XANES', siteIndex: null });
    expect(spectrum.energies).toHaveLength(100);
    expect(spectrum.energies[0]).toBe(7713.228);
    expect(spectrum.energies[99]).toBe(7768.39);
    expect(spectrum.mu[0]).toBe(0.0277929);
  });

  test('a material id from the command line when the document has none', () => {
    const { material, spectrum } = documentToRows(licoo2, { ...options, materialId: 'licoo2-feff' });
    expect(material.id).toBe('licoo2-feff');
    expect(spectrum.id).toBe('licoo2-feff-XANES-Co-K');
  });

  test('the user id depends on the structure only, not on how its coordinates are written', () => {
    const shifted = copy(licoo2);
    shifted.structure.sites[2].abc = shifted.structure.sites[2].abc.map((f: number) => f + 1); // same site, next cell
    shifted.structure.sites[0].abc = [0, 0, 0]; // the file writes -0.0
    expect(documentToRows(shifted, options).material.id).toBe('user-2a00ff102ace');
    const other = copy(licoo2);
    other.structure.sites[0].species[0].element = 'Na';
    expect(documentToRows(other, options).material.id).not.toBe('user-2a00ff102ace');
  });

  test('neither a material id nor a structure: a clear error', () => {
    const doc = copy(licoo2);
    delete doc.structure;
    expect(inputError(() => documentToRows(doc, options)).message).toBe(
      'the document has neither a material_id nor a structure: add "material_id", give one with --material-id, or include the structure',
    );
  });

  test("monty's numpy arrays ({'@module': 'numpy', 'data': [...]}) are read as lists", () => {
    const doc = copy(licoo2);
    doc.x = { '@module': 'numpy', '@class': 'array', dtype: 'float64', data: licoo2.x };
    doc.y = { '@module': 'numpy', '@class': 'array', dtype: 'float64', data: licoo2.y };
    expect(documentToRows(doc, options).spectrum.energies).toEqual(licoo2.x);
  });

  test('site spectra of the gzip fixture get -site<N> ids', () => {
    const doc = copy(mpDocs[1].spectrum); // the XAS dict of mp-1022728 site 2, without material id
    const { material, spectrum } = documentToRows(doc, options);
    expect(material.id).toMatch(/^user-[0-9a-f]{12}$/);
    expect(spectrum.id).toBe(`${material.id}-XANES-Cu-K-site2`);
  });
});

describe('validation: messages say what to fix', () => {
  const withX = (mutate: (x: number[], y: number[]) => void) => {
    const doc = copy(licoo2);
    mutate(doc.x, doc.y);
    return doc;
  };

  test('energies must increase', () => {
    const doc = withX((x) => ([x[36], x[37]] = [x[37]!, x[36]!]));
    const err = inputError(() => documentToRows(doc, options));
    expect(err.message).toBe(
      'energy must increase; found 7721.153 after 7721.524 at point 37 (x[37]): sort the points by energy and drop repeated energies',
    );
    expect(err.field).toBe('x');
    const repeated = withX((x) => (x[5] = x[4]!));
    expect(inputError(() => documentToRows(repeated, options)).message).toMatch(/^energy must increase; found 7714.788 after 7714.788 at point 5 /);
  });

  test('x and y of the same length, at least 2 points, finite numbers', () => {
    expect(inputError(() => documentToRows(withX((_x, y) => y.pop()), options)).message).toBe(
      'x has 100 energies but y has 99 values; give one mu value per energy',
    );
    const short = copy(licoo2);
    short.x = [7713.228];
    short.y = [0.0277929];
    expect(inputError(() => documentToRows(short, options)).message).toBe('a spectrum needs at least 2 points; x has 1');
    expect(inputError(() => documentToRows(withX((_x, y) => ((y as unknown[])[5] = null)), options)).message).toBe(
      'mu (y) must be finite numbers; y[5] is null',
    );
    expect(inputError(() => documentToRows(withX((x) => ((x as unknown[])[2] = '7714.1')), options)).message).toBe(
      'energies (x) must be finite numbers; x[2] is string "7714.1"',
    );
    const mp = copy(mpDocs[0]);
    mp.spectrum.y = 'none';
    expect(inputError(() => documentToRows(mp, options)).message).toBe('spectrum.y (mu (y)) must be a list of numbers, found string "none"');
  });

  test('element symbols', () => {
    const lower = copy(licoo2);
    lower.absorption_element = 'co';
    expect(inputError(() => documentToRows(lower, options)).message).toBe('absorption_element "co" is not an element symbol (write "Co")');
    const unknown = copy(mpDocs[0]);
    unknown.absorbing_element = { '@class': 'Element', element: 'Xx' };
    expect(inputError(() => documentToRows(unknown, options)).message).toBe('absorbing_element "Xx" is not an element symbol');
    const absent = copy(licoo2);
    absent.absorption_element = 'Ni';
    expect(inputError(() => documentToRows(absent, options)).message).toBe(
      'absorbing_element Ni is not in the structure (LiCoO2); check absorbing_element or the structure',
    );
  });

  test('edges: K, L1, L2, L3, L2_3 and pymatgen\'s "L2,3"', () => {
    expect(parseEdge('L2,3')).toBe('L2_3');
    expect(parseEdge('L3')).toBe('L3');
    const doc = copy(licoo2);
    doc.edge = 'L2,3';
    expect(documentToRows(doc, options).spectrum.id).toBe('user-2a00ff102ace-XANES-Co-L2_3');
    doc.edge = 'M5';
    expect(inputError(() => documentToRows(doc, options)).message).toBe(
      'edge string "M5" is not a supported edge; use one of K, L1, L2, L3, L2_3 (or "L2,3")',
    );
  });

  test('spectrum types: XANES, EXAFS, XAFS', () => {
    const doc = copy(licoo2);
    doc.spectrum_type = 'exafs';
    expect(documentToRows(doc, options).spectrum.id).toBe('user-2a00ff102ace-EXAFS-Co-K');
    doc.spectrum_type = 'XES';
    expect(inputError(() => documentToRows(doc, options)).message).toBe(
      'spectrum_type string "XES" is not a supported spectrum type; use one of XANES, EXAFS, XAFS',
    );
  });

  test('absorbing_index must be a site of the absorbing element', () => {
    const oxygen = copy(mpDocs[0]);
    oxygen.absorbing_index = 3;
    oxygen.spectrum.absorbing_index = 3;
    expect(inputError(() => documentToRows(oxygen, options)).message).toBe(
      'absorbing_index 3 is a O site, but absorbing_element is Cu; indices are 0-based',
    );
    const outside = copy(mpDocs[0]);
    outside.absorbing_index = 5;
    delete outside.spectrum.absorbing_index;
    expect(inputError(() => documentToRows(outside, options)).message).toBe(
      'absorbing_index 5 is not a site of the structure (5 sites, indices from 0)',
    );
    const negative = copy(licoo2);
    negative.absorbing_index = -1;
    expect(inputError(() => documentToRows(negative, options)).message).toMatch(/^absorbing_index must be a site index \(an integer ≥ 0, 0-based\)/);
  });

  test('partial occupancies are refused', () => {
    const doc = copy(licoo2);
    doc.structure.sites[0].species = [{ element: 'Li', occu: 0.5 }];
    expect(inputError(() => documentToRows(doc, options)).message).toBe(
      "structure.sites[0] is partially occupied (Li 0.5): disordered structures are not supported; give an ordered structure (one element per site, occupancy 1), e.g. an ordered supercell from pymatgen's OrderDisorderedStructureTransformation",
    );
  });

  test('a structure without a usable lattice', () => {
    const doc = copy(licoo2);
    doc.structure.lattice.matrix[2] = [0, 0, 0];
    expect(inputError(() => documentToRows(doc, options)).message).toBe(
      'structure.lattice.matrix has zero volume: its rows must be 3 independent lattice vectors',
    );
  });

  test('something that is not a spectrum document', () => {
    expect(inputError(() => documentToRows(licoo2.structure, options)).message).toMatch(
      /^not a spectrum: expected a pymatgen XAS dict .* found keys: @module, @class, charge, lattice, sites$/,
    );
    expect(inputError(() => documentToRows([1, 2], options)).message).toBe(
      'expected a JSON object (a pymatgen XAS dict or a Materials Project XAS document), found a list of 2',
    );
  });

  test('material ids must be usable in spectrum ids', () => {
    const doc = copy(mpDocs[0]);
    doc.material_id = 'my material';
    expect(inputError(() => documentToRows(doc, options)).message).toMatch(/^material_id string "my material" is not a usable material id/);
  });
});

describe('FileRows: the rows of a whole file', () => {
  test('a material shared by several documents is kept once', () => {
    const rows = new FileRows();
    rows.add(documentToRows(mpDocs[0], options), 'line 2');
    rows.add(documentToRows(mpDocs[1], options), 'line 652');
    rows.add(documentToRows(mpDocs[0], options), 'line 1302'); // the same spectrum again: kept once
    expect(rows.batch.materials.map((m) => m.id)).toEqual(['mp-1022728']);
    expect(rows.batch.spectra.map((s) => s.id)).toEqual(['mp-1022728-XANES-Cu-K-site0', 'mp-1022728-XANES-Cu-K-site2']);
    expect(rows.batch.sites).toEqual([]);
  });

  test('a structure-less material row is replaced by one with the structure', () => {
    const rows = new FileRows();
    const bare = copy(mpDocs[1]);
    delete bare.structure;
    delete bare.spectrum.structure;
    rows.add(documentToRows(bare, options), 'line 1');
    expect(rows.batch.materials[0]!.nsites).toBeNull();
    rows.add(documentToRows(mpDocs[0], options), 'line 2');
    expect(rows.batch.materials).toHaveLength(1);
    expect(rows.batch.materials[0]!.nsites).toBe(5);
  });

  test('conflicting repeats name the earlier document', () => {
    const rows = new FileRows();
    rows.add(documentToRows(mpDocs[0], options), 'line 2');
    const moved = copy(mpDocs[1]);
    moved.structure.sites[4].abc = [0.5, 0.01, 0.5];
    expect(inputError(() => rows.add(documentToRows(moved, options), 'line 652')).message).toBe(
      'material mp-1022728 is given with a different structure than at line 2 (Cu3O2 there, Cu3O2 here): use one structure per material id',
    );
    const changed = copy(mpDocs[0]);
    changed.spectrum.y[0] = 0.05;
    expect(inputError(() => rows.add(documentToRows(changed, options), 'line 9')).message).toBe(
      'spectrum mp-1022728-XANES-Cu-K-site0 is given twice with different data (also at line 2): keep one of them',
    );
  });

  test('the user id is stable: it is sha256 of the canonical structure', () => {
    const { material } = documentToRows(licoo2, options);
    const structure = {
      lattice: [material.lattice.slice(0, 3), material.lattice.slice(3, 6), material.lattice.slice(6, 9)] as any,
      species: material.species,
      fracCoords: [0, 1, 2, 3].map((i) => material.fracCoords.slice(3 * i, 3 * i + 3)) as any,
    };
    expect(userMaterialId(structure)).toBe('user-2a00ff102ace');
  });
});
