// The identify page: drop a measured spectrum → the normalised measurement with the top matches overlaid as they
// were compared, a table of matches, the consensus (oxidation state, coordination number) and the warnings; the
// Mixture tab fits the same file as a combination of references (fitMixture).
import { fileContent, graphql } from './api.js';
import { dropZone, fixed, h, replace, statusLine } from './dom.js';
import { renderMixture } from './mixture.js';
import { linePlot, PALETTE, plotPanel } from './plot.js';

const CONSENSUS = 'value confidence distribution { value share }';
export const IDENTIFY_QUERY = `query IdentifyFromPage($input: SpectrumInput!, $options: IdentifyOptions) {
  identifySpectrum(input: $input, options: $options) {
    absorbingElement edge candidatesConsidered referenceMethods rankedBy confident warnings queryHalfStep
    normalized { e0 edgeStep energies mu }
    oxidationState { ${CONSENSUS} }
    oxidationStatePrior { ${CONSENSUS} }
    coordinationNumber { ${CONSENSUS} }
    matches {
      rank score correlation votes energyShift energyScale method
      curve { energies mu }
      material { id formula spacegroupSymbol absorbingSites { element oxidationState coordinationNumber } }
      spectrum { id measured { compound phase oxidationStates } }
    }
  }
}`;

/** Curves overlaid on the plot (the table lists every match asked for). */
const OVERLAID = 5;

/** The oxidation state(s) of the absorber in a match: the source's for a measured standard, else its sites'. */
export function matchOxidationState(match, absorbingElement) {
  const fromSource = match.spectrum.measured ? match.spectrum.measured.oxidationStates : null;
  const values = fromSource && fromSource.length > 0
    ? fromSource
    : match.material.absorbingSites.filter((s) => s.element === absorbingElement && s.oxidationState !== null).map((s) => s.oxidationState);
  const distinct = [...new Set(values.map((v) => Number(v)))].sort((a, b) => a - b);
  if (distinct.length === 0) return '—';
  return distinct.map((v) => (v > 0 ? `+${v}` : String(v))).join(', ');
}

/** A consensus as "value (confidence %)" and its distribution as bars. */
function consensusBlock(title, consensus, format, testId) {
  if (!consensus) return h('div', { 'data-testid': testId }, h('dt', {}, title), h('dd', {}, '—'));
  return h(
    'div',
    { 'data-testid': testId },
    h('dt', {}, title),
    h('dd', {}, `${format(consensus.value)} (${Math.round(consensus.confidence * 100)} %)`),
    h(
      'div',
      { class: 'distribution' },
      consensus.distribution.map((share) =>
        h('span', {}, `${format(share.value)}: ${(share.share * 100).toFixed(1)} %`, h('span', { class: 'bar', style: `width: ${Math.max(1, Math.round(share.share * 120))}px` })),
      ),
    ),
  );
}

const signed = (v) => (v > 0 ? `+${v}` : String(v));

function matchesTable(identification) {
  const rows = identification.matches.map((m, i) =>
    h(
      'tr',
      { 'data-rank': m.rank },
      h('td', { class: 'num' }, i < OVERLAID ? h('span', { class: 'swatch', style: `background: ${PALETTE[i % PALETTE.length]}` }) : null, String(m.rank)),
      h('td', { class: 'num' }, fixed(m.score, 4)),
      h('td', { class: 'num' }, fixed(m.energyShift, 2)),
      h('td', {}, m.method),
      h('td', { class: 'formula' }, h('a', { href: `#/material/${encodeURIComponent(m.material.id)}` }, m.material.formula)),
      h('td', {}, matchOxidationState(m, identification.absorbingElement)),
      h('td', {}, m.material.spacegroupSymbol ?? (m.spectrum.measured ? compoundName(m.spectrum.measured) : '—')),
      h('td', {}, h('a', { href: `#/material/${encodeURIComponent(m.material.id)}` }, m.material.id)),
    ),
  );
  return h(
    'table',
    { class: 'data', 'data-testid': 'matches' },
    h('thead', {}, h('tr', {}, ['Rank', 'Score', 'Shift (eV)', 'Kind', 'Formula', 'Oxidation state', 'Phase / space group', 'Material'].map((t) => h('th', {}, t)))),
    h('tbody', {}, rows),
  );
}

/** The energies the overlaid references cover (what was compared), widened by 10 %; null without curves. */
function comparedRange(identification) {
  const xs = identification.matches.slice(0, OVERLAID).flatMap((m) => (m.curve ? [m.curve.energies[0], m.curve.energies[m.curve.energies.length - 1]] : []));
  if (xs.length === 0) return null;
  const from = Math.min(...xs);
  const to = Math.max(...xs);
  const pad = (to - from) * 0.1;
  return [from - pad, to + pad];
}

/** A measured standard's compound and phase (once, when the phase is the compound's name). */
function compoundName(measured) {
  return [...new Set([measured.compound, measured.phase].filter(Boolean))].join(', ');
}

function renderIdentification(target, identification, fileName) {
  const normalized = identification.normalized;
  const curves = [];
  if (normalized) curves.push({ label: `${fileName} (normalised)`, x: normalized.energies, y: normalized.mu, color: '#000', width: 2.5 });
  identification.matches.slice(0, OVERLAID).forEach((m, i) => {
    if (m.curve) curves.push({ label: `#${m.rank} ${m.material.formula} (${m.method})`, x: m.curve.energies, y: m.curve.mu, color: PALETTE[i % PALETTE.length] });
  });
  const panel = plotPanel('identify-plot');
  const confident = identification.confident
    ? h('span', { class: 'badge good' }, 'confident')
    : h('span', { class: 'badge warn' }, 'not confident: the compound may not be in the catalogue');
  replace(
    target,
    h('h2', {}, `${identification.absorbingElement} ${identification.edge}-edge: ${identification.matches.length} best of ${identification.candidatesConsidered} references `, confident),
    h(
      'dl',
      { class: 'summary' },
      consensusBlock('Oxidation state (consensus)', identification.oxidationState, signed, 'consensus-oxidation'),
      consensusBlock('Oxidation-state prior (classifier)', identification.oxidationStatePrior, signed, 'prior-oxidation'),
      consensusBlock('Coordination number', identification.coordinationNumber, (v) => String(v), 'consensus-coordination'),
      h('div', {}, h('dt', {}, 'Edge energy E0'), h('dd', {}, normalized ? `${fixed(normalized.e0, 2)} eV` : '—')),
    ),
    panel.elements,
    matchesTable(identification),
    h('p', { class: 'plot-hint' }, `Compared with: ${identification.referenceMethods.join(', ')}. ${identification.rankedBy}`),
    identification.warnings.length > 0
      ? h('div', { class: 'warnings', 'data-testid': 'warnings' }, h('strong', {}, 'Warnings'), h('ul', {}, identification.warnings.map((w) => h('li', {}, w))))
      : h('p', { class: 'status', 'data-testid': 'warnings' }, 'No warnings.'),
  );
  if (curves.length > 0) linePlot(panel.container, { curves, initialRange: comparedRange(identification) });
}

/** Reads the options form into IdentifyOptions / SpectrumInput extras. */
function readOptions(form) {
  const restrict = form.querySelector('[name=restrictElements]').value.split(/[\s,]+/).filter(Boolean);
  const element = form.querySelector('[name=absorbingElement]').value.trim();
  return {
    options: {
      top: Number(form.querySelector('[name=top]').value) || 10,
      restrictElements: restrict.length > 0 ? restrict : undefined,
      groupByFormula: form.querySelector('[name=groupByFormula]').checked || undefined,
    },
    absorbingElement: element || undefined,
  };
}

/** Renders the identify page into `view`. `state` keeps the last file across visits. */
export function renderIdentifyPage(view, state) {
  const results = h('section', { 'data-testid': 'identify-results' });
  const mixtureResults = h('section', { 'data-testid': 'mixture-results', hidden: true });
  const status = h('div');
  const form = h(
    'div',
    { class: 'options' },
    h('label', {}, 'Matches', h('input', { type: 'number', name: 'top', min: '1', max: '100', value: '10' })),
    h('label', {}, 'Sample contains only (besides the absorber)', h('input', { type: 'text', name: 'restrictElements', placeholder: 'e.g. O, S', size: '14' })),
    h('label', {}, 'Absorbing element (if the file does not say)', h('input', { type: 'text', name: 'absorbingElement', placeholder: 'e.g. Fe', size: '6' })),
    h('label', { class: 'inline' }, h('input', { type: 'checkbox', name: 'groupByFormula' }), 'one match per formula'),
  );
  const matchesTab = h('button', { type: 'button', role: 'tab', 'aria-selected': 'true', 'data-testid': 'tab-matches' }, 'Matches');
  const mixtureTab = h('button', { type: 'button', role: 'tab', 'aria-selected': 'false', 'data-testid': 'tab-mixture' }, 'Mixture');
  const select = (tab) => {
    const mixture = tab === 'mixture';
    matchesTab.setAttribute('aria-selected', String(!mixture));
    mixtureTab.setAttribute('aria-selected', String(mixture));
    results.hidden = mixture;
    mixtureResults.hidden = !mixture;
    if (mixture && state.spectrum && !state.mixtureShown) runMixture();
  };
  matchesTab.addEventListener('click', () => select('matches'));
  mixtureTab.addEventListener('click', () => select('mixture'));

  const runIdentify = async () => {
    const { options, absorbingElement } = readOptions(form);
    const input = { file: state.spectrum.content, absorbingElement };
    replace(status, statusLine(`Identifying ${state.spectrum.name}…`));
    replace(results);
    try {
      const data = await graphql(IDENTIFY_QUERY, { input, options });
      replace(status);
      renderIdentification(results, data.identifySpectrum, state.spectrum.name);
    } catch (err) {
      replace(status, statusLine(`Could not identify ${state.spectrum.name}: ${err.message}`, 'error'));
    }
  };
  const runMixture = async () => {
    const { options, absorbingElement } = readOptions(form);
    state.mixtureShown = true;
    await renderMixture(mixtureResults, { file: state.spectrum.content, absorbingElement }, { restrictElements: options.restrictElements }, state.spectrum.name);
  };

  const onFile = async (file) => {
    try {
      state.spectrum = { name: file.name, content: await fileContent(file) };
    } catch (err) {
      replace(status, statusLine(`Could not read ${file.name}: ${err.message}`, 'error'));
      return;
    }
    state.mixtureShown = false;
    replace(mixtureResults);
    select('matches');
    await runIdentify();
  };

  replace(
    view,
    h('h1', {}, 'Identify a spectrum'),
    h(
      'p',
      { class: 'lead' },
      'Drop a measured XANES file (XDI, plain columns, Athena .prj, pymatgen JSON): it is normalised like Larch’s pre_edge, compared with every reference of its element and edge (computed FEFF spectra and measured standards), and the best matches are plotted over it as they were compared.',
    ),
    dropZone({ id: 'spectrum-file', prompt: 'Drop a spectrum file here, or choose one:', accept: '.xdi,.dat,.txt,.xmu,.csv,.prj,.gz,.json', onFile }),
    form,
    h('div', { class: 'tabs', role: 'tablist' }, matchesTab, mixtureTab),
    status,
    results,
    mixtureResults,
  );
  if (state.spectrum) runIdentify();
}
