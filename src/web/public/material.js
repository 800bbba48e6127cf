// The material page: structure summary, absorbing sites, its spectra plotted, and downloads (CIF, POSCAR, and each
// spectrum as CSV, XDI and pymatgen JSON).
import { graphql } from './api.js';
import { fixed, h, replace, statusLine } from './dom.js';
import { linePlot, PALETTE, plotPanel } from './plot.js';

export const MATERIAL_QUERY = `query MaterialPage($id: ID!) {
  material(id: $id) {
    id formula chemsys nsites spacegroupSymbol spacegroupNumber split siteAverageNote
    lattice { a b c alpha beta gamma volume }
    absorbingSites { siteIndex element multiplicity wyckoff oxidationState coordinationNumber }
    spectra { id method siteIndex absorbingElement edge spectrumType energies mu uncertainty modelVersion
      measured { compound phase credit source license mode } }
    provenance { source license url }
    structure { poscar }
  }
}`;

const path = (id) => encodeURIComponent(id);

function downloadLinks(spectrum, hasStructure) {
  return h(
    'span',
    { class: 'downloads' },
    h('a', { href: `/spectra/${path(spectrum.id)}.csv`, download: '' }, 'CSV'),
    h('a', { href: `/spectra/${path(spectrum.id)}.xdi`, download: '' }, 'XDI'),
    hasStructure ? h('a', { href: `/spectra/${path(spectrum.id)}.json`, download: '' }, 'pymatgen JSON') : null,
  );
}

function summary(material) {
  const lattice = material.lattice;
  const items = [
    ['Formula', material.formula],
    ['Chemical system', material.chemsys],
    ['Space group', material.spacegroupSymbol ? `${material.spacegroupSymbol} (${material.spacegroupNumber})` : '—'],
    ['Sites', material.nsites ?? '—'],
    ['Lattice a, b, c (Å)', lattice ? `${fixed(lattice.a, 3)}, ${fixed(lattice.b, 3)}, ${fixed(lattice.c, 3)}` : '—'],
    ['α, β, γ (°)', lattice ? `${fixed(lattice.alpha, 2)}, ${fixed(lattice.beta, 2)}, ${fixed(lattice.gamma, 2)}` : '—'],
    ['Volume (Å³)', lattice ? fixed(lattice.volume, 2) : '—'],
    ['Source', `${material.provenance.source} (${material.provenance.license})`],
  ];
  return h('dl', { class: 'summary', 'data-testid': 'material-summary' }, items.map(([k, v]) => h('div', {}, h('dt', {}, k), h('dd', {}, String(v)))));
}

function sitesTable(material) {
  if (material.absorbingSites.length === 0) return null;
  return [
    h('h2', {}, 'Absorbing sites'),
    h(
      'table',
      { class: 'data' },
      h('thead', {}, h('tr', {}, ['Site', 'Element', 'Wyckoff', 'Multiplicity', 'Oxidation state', 'Coordination number'].map((t) => h('th', {}, t)))),
      h(
        'tbody',
        {},
        material.absorbingSites.map((s) =>
          h('tr', {}, [s.siteIndex, s.element, s.wyckoff ?? '—', s.multiplicity, s.oxidationState ?? '—', s.coordinationNumber ?? '—'].map((v) => h('td', {}, String(v)))),
        ),
      ),
    ),
  ];
}

function spectraTable(material) {
  const hasStructure = material.structure !== null;
  return h(
    'table',
    { class: 'data', 'data-testid': 'material-spectra' },
    h('thead', {}, h('tr', {}, ['', 'Spectrum', 'Kind', 'Site', 'Source', 'Download'].map((t) => h('th', {}, t)))),
    h(
      'tbody',
      {},
      material.spectra.map((s, i) =>
        h(
          'tr',
          {},
          h('td', {}, h('span', { class: 'swatch', style: `background: ${PALETTE[i % PALETTE.length]}` })),
          h('td', {}, s.id),
          h('td', {}, s.method + (s.modelVersion ? ` (${s.modelVersion})` : '')),
          h('td', {}, s.siteIndex === null ? 'site-averaged' : String(s.siteIndex)),
          h('td', {}, s.measured ? `${s.measured.credit}` : material.provenance.source),
          h('td', {}, downloadLinks(s, hasStructure)),
        ),
      ),
    ),
  );
}

/** The spectra as curves (site-averaged thicker), with the ±σ band of a predicted site-averaged spectrum. */
function spectraPlot(container, material) {
  const curves = material.spectra.map((s, i) => ({
    label: s.siteIndex === null ? `${s.absorbingElement} ${s.edge} ${s.method}` : `site ${s.siteIndex}`,
    x: s.energies,
    y: s.mu,
    color: PALETTE[i % PALETTE.length],
    width: s.siteIndex === null ? 2.2 : 1,
  }));
  const predicted = material.spectra.find((s) => s.uncertainty && s.siteIndex === null);
  const band = predicted
    ? { x: predicted.energies, upper: predicted.mu.map((m, i) => m + predicted.uncertainty[i]), lower: predicted.mu.map((m, i) => m - predicted.uncertainty[i]), label: '±σ', color: 'rgba(31,95,191,0.4)' }
    : null;
  linePlot(container, { curves, band, yLabel: 'μ' });
}

/** Renders the page of material `id` (or a form to open one) into `view`. */
export async function renderMaterialPage(view, id) {
  const open = h('form', { class: 'options' }, h('label', {}, 'Material id', h('input', { type: 'text', name: 'id', value: id ?? '', placeholder: 'mp-1005792 or exp-Fe2O3', size: '24' })), h('button', { type: 'submit' }, 'Open'));
  open.addEventListener('submit', (event) => {
    event.preventDefault();
    const next = open.querySelector('[name=id]').value.trim();
    if (next) window.location.hash = `#/material/${encodeURIComponent(next)}`;
  });
  if (!id) {
    replace(view, h('h1', {}, 'Materials'), h('p', { class: 'lead' }, 'Open a material of the catalogue by its id (links in the identify table lead here).'), open);
    return;
  }
  replace(view, h('h1', {}, `Material ${id}`), open, statusLine('Loading…'));
  let material;
  try {
    material = (await graphql(MATERIAL_QUERY, { id })).material;
  } catch (err) {
    replace(view, h('h1', {}, `Material ${id}`), open, statusLine(err.message, 'error'));
    return;
  }
  const panel = plotPanel('material-plot');
  replace(
    view,
    h('h1', {}, `${material.formula} `, h('small', {}, material.id)),
    open,
    summary(material),
    material.structure
      ? h(
          'p',
          { class: 'downloads', 'data-testid': 'structure-downloads' },
          'Structure: ',
          h('a', { href: `/materials/${path(material.id)}.cif`, download: '' }, 'CIF'),
          h('a', { href: `/materials/${path(material.id)}.poscar`, download: '' }, 'POSCAR'),
        )
      : h('p', { class: 'status' }, 'A measured compound known by its formula only: no structure.'),
    sitesTable(material),
    h('h2', {}, `Spectra (${material.spectra.length})`),
    material.siteAverageNote ? h('p', { class: 'status' }, material.siteAverageNote) : null,
    material.spectra.length > 0 ? panel.elements : null,
    spectraTable(material),
    material.structure ? [h('h2', {}, 'POSCAR'), h('pre', { class: 'structure' }, material.structure.poscar)] : null,
  );
  if (material.spectra.length > 0) spectraPlot(panel.container, material);
}
