// A catalogue spectrum as the files people without GraphQL download: CSV (energy, mu, its one-sigma uncertainty
// for predictions) and XDI 1.0 (XAS Data Interchange: element, edge, energy units, and where it comes from, in
// the `Xasgraph.` namespace). Pure functions of the spectrum's fields; src/web/downloads.ts serves them.
/** Where a measured spectrum comes from (GraphQL MeasuredReference, the fields a file keeps). */
export interface MeasuredSource {
  recordId: string;
  compound: string;
  phase: string | null;
  mode: string | null;
  temperature: string | null;
  beamline: string | null;
  source: string;
  sourceFile: string;
  doi: string | null;
  license: string;
  credit: string;
}

/** A spectrum with what its files say about it (GraphQL Spectrum and its material). */
export interface DownloadableSpectrum {
  id: string;
  absorbingElement: string;
  edge: string;
  spectrumType: string;
  method: string;
  siteIndex: number | null;
  energies: number[];
  mu: number[];
  uncertainty: number[] | null;
  e0: number | null;
  modelVersion: string | null;
  measured: MeasuredSource | null;
  material: { id: string; formula: string; provenance: { source: string; license: string; url: string | null } };
}

/** The spectrum as CSV: a header row, then `energy_eV,mu` (and `mu_sigma` for a predicted spectrum) per point. */
export function spectrumCsv(spectrum: DownloadableSpectrum): string {
  const sigma = spectrum.uncertainty;
  const header = sigma ? 'energy_eV,mu,mu_sigma' : 'energy_eV,mu';
  const rows = spectrum.energies.map((e, i) => (sigma ? `${e},${spectrum.mu[i]},${sigma[i]}` : `${e},${spectrum.mu[i]}`));
  return `${header}\n${rows.join('\n')}\n`;
}

/** XDI's name of the mu column: mutrans / mufluor for a measurement in that mode, else plain `mu` (computed, predicted, unknown mode). */
function muColumnName(spectrum: DownloadableSpectrum): string {
  const mode = spectrum.measured?.mode?.toLowerCase() ?? '';
  if (mode.startsWith('trans')) return 'mutrans';
  if (mode.startsWith('fluor')) return 'mufluor';
  return 'mu';
}

/** A header value on one line (XDI fields end at the line end). */
const oneLine = (value: string): string => value.replace(/[\r\n]+/g, ' ').trim();

/** XDI's Element.edge: our L2_3 (both L edges together) is written L3, with Xasgraph.edge keeping L2_3. */
const xdiEdge = (edge: string): string => (edge === 'L2_3' ? 'L3' : edge);

/** What the spectrum is, in words, for the XDI comment block. */
function description(spectrum: DownloadableSpectrum): string[] {
  const site = spectrum.siteIndex === null ? 'site-averaged' : `absorbing site ${spectrum.siteIndex}`;
  switch (spectrum.method) {
    case 'EXPERIMENT':
      return [`Measured ${spectrum.spectrumType} of ${spectrum.measured?.compound ?? spectrum.material.formula}, as the source holds it (raw or normalised).`];
    case 'ML_PREDICTED':
      return [
        `${spectrum.spectrumType} predicted by the model ${spectrum.modelVersion ?? '(unknown)'} from the structure of ${spectrum.material.id} (${site}).`,
        'Column 3 is the one-sigma uncertainty of mu. Energies as the model predicts them (FEFF-like, not aligned to experiment).',
      ];
    default:
      return [`${spectrum.spectrumType} computed with ${spectrum.method} for ${spectrum.material.id} (${site}); normalised to ~1 above the edge, absolute energies of the code.`];
  }
}

/** The spectrum as an XDI 1.0 file; `application` names the writer on the version line (`xasgraph/0.1.0`). */
export function spectrumXdi(spectrum: DownloadableSpectrum, application = 'xasgraph'): string {
  const muName = muColumnName(spectrum);
  const sigma = spectrum.uncertainty;
  const measured = spectrum.measured;
  const fields: [string, string | number | null | undefined][] = [
    ['Column.1', 'energy eV'],
    ['Column.2', muName],
    ['Column.3', sigma ? 'mu_sigma' : null],
    ['Element.symbol', spectrum.absorbingElement],
    ['Element.edge', xdiEdge(spectrum.edge)],
    ['Scan.edge_energy', spectrum.e0 === null ? null : `${spectrum.e0} eV`],
    ['Sample.name', measured ? [measured.compound, measured.phase].filter(Boolean).join(', ') : `${spectrum.material.formula} ${spectrum.material.id}`],
    ['Sample.formula', spectrum.material.formula],
    ['Sample.temperature', measured?.temperature],
    ['Beamline.name', measured?.beamline],
    ['Xasgraph.spectrum_id', spectrum.id],
    ['Xasgraph.material_id', spectrum.material.id],
    ['Xasgraph.method', spectrum.method],
    ['Xasgraph.spectrum_type', spectrum.spectrumType],
    ['Xasgraph.edge', spectrum.edge === 'L2_3' ? 'L2_3' : null],
    ['Xasgraph.site_index', spectrum.siteIndex],
    ['Xasgraph.model_version', spectrum.modelVersion],
    ['Xasgraph.mode', measured?.mode],
    ['Xasgraph.record_id', measured?.recordId],
    ['Xasgraph.source', measured?.source ?? spectrum.material.provenance.source],
    ['Xasgraph.source_file', measured?.sourceFile],
    ['Xasgraph.doi', measured?.doi],
    ['Xasgraph.license', measured?.license ?? spectrum.material.provenance.license],
    ['Xasgraph.credit', measured?.credit],
    ['Xasgraph.url', spectrum.material.provenance.url],
  ];
  const lines = [`# XDI/1.0 ${application}`];
  for (const [name, value] of fields) {
    if (value === null || value === undefined || value === '') continue;
    lines.push(`# ${name}: ${oneLine(String(value))}`);
  }
  lines.push('# ///');
  for (const line of description(spectrum)) lines.push(`# ${oneLine(line)}`);
  lines.push(`# Written by ${application}: cite the source above.`);
  lines.push('#----');
  lines.push(`# energy ${muName}${sigma ? ' mu_sigma' : ''}`);
  spectrum.energies.forEach((e, i) => {
    lines.push(sigma ? `${e} ${spectrum.mu[i]} ${sigma[i]}` : `${e} ${spectrum.mu[i]}`);
  });
  return `${lines.join('\n')}\n`;
}
