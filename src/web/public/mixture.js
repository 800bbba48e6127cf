// The Mixture tab: fitMixture on the chosen file (linear-combination fitting of references, as Larch's
// lincombo_fitall); plots the best fit's curve (data, fit, residual) and lists its components with weight ± σ.
import { graphql } from './api.js';
import { fixed, h, replace, statusLine } from './dom.js';
import { linePlot, plotPanel } from './plot.js';

export const MIXTURE_QUERY = `query FitMixtureFromPage($input: SpectrumInput!, $options: MixtureOptions) {
  fitMixture(input: $input, options: $options) {
    absorbingElement edge rankedBy fitFrom fitTo confident warnings
    fits {
      rank weightSum rFactor reducedChiSquare illConditioned warnings
      curve { energies mu fit residual }
      components { method weight weightUncertainty energyShift material { id formula } spectrum { id } }
    }
  }
}`;

function componentsTable(fit) {
  return h(
    'table',
    { class: 'data', 'data-testid': 'mixture-components' },
    h('thead', {}, h('tr', {}, ['Formula', 'Weight', '± σ', 'Shift (eV)', 'Kind', 'Spectrum'].map((t) => h('th', {}, t)))),
    h(
      'tbody',
      {},
      fit.components.map((c) =>
        h(
          'tr',
          {},
          h('td', {}, h('a', { href: `#/material/${encodeURIComponent(c.material.id)}` }, c.material.formula)),
          h('td', { class: 'num' }, fixed(c.weight, 3)),
          h('td', { class: 'num' }, fixed(c.weightUncertainty, 3)),
          h('td', { class: 'num' }, fixed(c.energyShift, 2)),
          h('td', {}, c.method),
          h('td', {}, c.spectrum.id),
        ),
      ),
    ),
  );
}

function otherFits(fits) {
  if (fits.length <= 1) return null;
  return [
    h('h2', {}, 'Other combinations'),
    h(
      'table',
      { class: 'data' },
      h('thead', {}, h('tr', {}, ['Rank', 'Components (weight ± σ)', 'R-factor', 'Reduced χ²'].map((t) => h('th', {}, t)))),
      h(
        'tbody',
        {},
        fits.slice(1).map((fit) =>
          h(
            'tr',
            {},
            h('td', { class: 'num' }, String(fit.rank)),
            h('td', {}, fit.components.map((c) => `${c.material.formula} ${fixed(c.weight, 3)} ± ${fixed(c.weightUncertainty, 3)}`).join(' + ')),
            h('td', { class: 'num' }, fixed(fit.rFactor, 5)),
            h('td', { class: 'num' }, fit.reducedChiSquare.toExponential(2)),
          ),
        ),
      ),
    ),
  ];
}

/** Fits `input` and renders the answer into `target`. */
export async function renderMixture(target, input, options, fileName) {
  replace(target, statusLine(`Fitting ${fileName} as a mixture of references…`));
  let analysis;
  try {
    analysis = (await graphql(MIXTURE_QUERY, { input, options: { ...options, top: 5 } })).fitMixture;
  } catch (err) {
    replace(target, statusLine(`Could not fit a mixture to ${fileName}: ${err.message}`, 'error'));
    return;
  }
  const best = analysis.fits[0];
  if (!best) {
    replace(target, statusLine('No combination could be fitted.', 'error'));
    return;
  }
  const panel = plotPanel('mixture-plot');
  const warnings = [...analysis.warnings, ...best.warnings];
  replace(
    target,
    h(
      'h2',
      {},
      `Best fit: ${best.components.map((c) => c.material.formula).join(' + ')} `,
      analysis.confident ? h('span', { class: 'badge good' }, 'confident') : h('span', { class: 'badge warn' }, 'not confident'),
    ),
    h(
      'dl',
      { class: 'summary' },
      h('div', {}, h('dt', {}, 'R-factor'), h('dd', {}, fixed(best.rFactor, 5))),
      h('div', {}, h('dt', {}, 'Sum of weights'), h('dd', {}, fixed(best.weightSum, 3))),
      h('div', {}, h('dt', {}, 'Fitted range'), h('dd', {}, `${fixed(analysis.fitFrom, 1)}–${fixed(analysis.fitTo, 1)} eV`)),
      h('div', {}, h('dt', {}, 'Weights determined'), h('dd', {}, best.illConditioned ? 'no (ill-conditioned)' : 'yes')),
    ),
    panel.elements,
    componentsTable(best),
    otherFits(analysis.fits),
    h('p', { class: 'plot-hint' }, analysis.rankedBy),
    warnings.length > 0 ? h('div', { class: 'warnings' }, h('strong', {}, 'Warnings'), h('ul', {}, warnings.map((w) => h('li', {}, w)))) : null,
  );
  const { energies, mu, fit, residual } = best.curve;
  linePlot(panel.container, {
    curves: [
      { label: `${fileName} (normalised)`, x: energies, y: mu, color: '#000', width: 2.5 },
      { label: 'fit', x: energies, y: fit, color: '#d62728', width: 1.8 },
      { label: 'residual (data − fit)', x: energies, y: residual, color: '#7f7f7f', width: 1, dash: [4, 3] },
    ],
  });
}
