// The prediction page: paste or drop a structure (POSCAR, CIF, XYZ, pymatgen JSON), give an API key (contributor),
// follow the job (QUEUED → RUNNING → COMPLETED) and see the predicted spectrum with its ±σ band.
import { fileContent, graphql } from './api.js';
import { dropZone, fixed, h, replace, statusLine } from './dom.js';
import { linePlot, plotPanel } from './plot.js';

const MODELS_QUERY = 'query PredictionModels { models { id absorbingElement edge } }';
const PREDICT_MUTATION = `mutation PredictFromPage($input: PredictionInput!) { predictSpectrum(input: $input) { id state } }`;
const JOB_QUERY = `query PredictionJobFromPage($id: ID!) {
  predictionJob(id: $id) {
    id state attempts createdAt startedAt finishedAt error model absorbingElement edge
    material { id formula }
    spectrum { id energies mu uncertainty }
  }
}`;
/** How often the page asks for the job's state, ms. */
const POLL_MS = 750;
const STATES = ['QUEUED', 'RUNNING', 'COMPLETED'];
/** Where the key is kept for this browser tab only (never in localStorage). */
const KEY_STORAGE = 'xasgraph.apiKey';

function progress(job, startedAt) {
  const failed = job.state === 'FAILED';
  const index = failed ? STATES.length - 1 : STATES.indexOf(job.state);
  const steps = STATES.map((s, i) => {
    const kind = failed && i === index ? 'failed' : i < index || job.state === 'COMPLETED' ? 'done' : i === index ? 'current' : '';
    return h('li', { class: kind }, failed && i === index ? 'FAILED' : s);
  });
  const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
  return h(
    'div',
    { 'data-testid': 'job-progress', 'data-state': job.state },
    h('ol', { class: 'steps' }, steps),
    h('p', { class: 'status' }, `Job ${job.id} · model ${job.model} · attempt ${job.attempts} · ${seconds} s`),
    job.state === 'QUEUED' || job.state === 'RUNNING' ? h('progress', { 'aria-label': 'prediction running' }) : null,
    job.error ? statusLine(job.error, failed ? 'error' : '') : null,
  );
}

function result(target, job) {
  const s = job.spectrum;
  const panel = plotPanel('prediction-plot');
  const sigma = s.uncertainty ?? s.mu.map(() => 0);
  const meanSigma = sigma.reduce((a, b) => a + b, 0) / Math.max(1, sigma.length);
  replace(
    target,
    h('h2', {}, `Predicted ${job.absorbingElement} ${job.edge}-edge XANES of ${job.material.formula}`),
    h(
      'p',
      { class: 'downloads' },
      h('a', { href: `#/material/${encodeURIComponent(job.material.id)}` }, `Material page (${job.material.id})`),
      h('a', { href: `/spectra/${encodeURIComponent(s.id)}.csv`, download: '' }, 'CSV'),
      h('a', { href: `/spectra/${encodeURIComponent(s.id)}.xdi`, download: '' }, 'XDI'),
      h('a', { href: `/spectra/${encodeURIComponent(s.id)}.json`, download: '' }, 'pymatgen JSON'),
    ),
    h('p', { class: 'status' }, `Mean one-sigma uncertainty ${fixed(meanSigma, 4)} (shaded band: μ ± σ).`),
    panel.elements,
  );
  linePlot(panel.container, {
    curves: [{ label: `${job.material.formula} predicted μ`, x: s.energies, y: s.mu, color: '#1f5fbf', width: 2 }],
    band: { x: s.energies, upper: s.mu.map((m, i) => m + sigma[i]), lower: s.mu.map((m, i) => m - sigma[i]), label: '±σ', color: 'rgba(31,95,191,0.35)' },
    yLabel: 'μ (FEFF-like, normalised)',
  });
}

/** Polls the job until it is COMPLETED or FAILED, rendering its progress; resolves to the last state. */
async function follow(target, jobId, apiKey, isCurrent) {
  const startedAt = Date.now();
  const progressArea = h('div');
  const resultArea = h('div');
  replace(target, progressArea, resultArea);
  for (;;) {
    if (!isCurrent()) return null;
    let job;
    try {
      job = (await graphql(JOB_QUERY, { id: jobId }, { apiKey })).predictionJob;
    } catch (err) {
      replace(progressArea, statusLine(`Could not read job ${jobId}: ${err.message}`, 'error'));
      return null;
    }
    replace(progressArea, progress(job, startedAt));
    if (job.state === 'COMPLETED') {
      result(resultArea, job);
      return job;
    }
    if (job.state === 'FAILED') return job;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/** Renders the prediction page into `view`; `isCurrent()` is false once the user left the page (polling stops). */
export async function renderPredictPage(view, isCurrent) {
  const structure = h('textarea', { name: 'structure', rows: '12', placeholder: 'Paste a POSCAR, CIF, XYZ or pymatgen Structure JSON here, or drop a file below', 'data-testid': 'structure-text' });
  const format = h('select', { name: 'format' }, ['AUTO', 'POSCAR', 'CIF', 'XYZ', 'PYMATGEN_JSON'].map((f) => h('option', { value: f }, f)));
  const element = h('select', { name: 'absorbingElement' }, h('option', { value: '' }, 'loading models…'));
  const apiKey = h('input', { type: 'password', name: 'apiKey', size: '36', autocomplete: 'off', placeholder: 'xg_… (contributor key)', value: sessionStorage.getItem(KEY_STORAGE) ?? '' });
  const name = h('input', { type: 'text', name: 'name', size: '20', placeholder: 'optional label' });
  const submit = h('button', { type: 'submit' }, 'Predict');
  const status = h('div');
  const job = h('section', { 'data-testid': 'prediction' });
  const form = h(
    'form',
    {},
    structure,
    dropZone({
      id: 'structure-file',
      prompt: 'Drop a structure file here, or choose one:',
      accept: '.vasp,.poscar,.cif,.xyz,.json,POSCAR,CONTCAR',
      onFile: async (file) => {
        structure.value = await fileContent(file);
      },
    }),
    h(
      'div',
      { class: 'options' },
      h('label', {}, 'Format', format),
      h('label', {}, 'Absorbing element (model)', element),
      h('label', {}, 'Label', name),
      h('label', {}, 'API key', apiKey),
      submit,
    ),
  );
  replace(
    view,
    h('h1', {}, 'Predict a spectrum'),
    h('p', { class: 'lead' }, 'A model predicts the XANES of your structure, site by site, with a one-sigma uncertainty. Predictions need a contributor API key (ask the operator: npm run apikey -- create <name> --role contributor).'),
    form,
    status,
    job,
  );
  try {
    const models = (await graphql(MODELS_QUERY)).models;
    replace(element, models.map((m) => h('option', { value: m.absorbingElement }, `${m.absorbingElement} ${m.edge} (${m.id})`)));
    if (models.length === 0) replace(element, h('option', { value: '' }, 'no model is served'));
  } catch (err) {
    replace(status, statusLine(`Could not list the models: ${err.message}`, 'error'));
  }
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const key = apiKey.value.trim();
    if (key) sessionStorage.setItem(KEY_STORAGE, key);
    if (!structure.value.trim()) return replace(status, statusLine('Paste or drop a structure first.', 'error'));
    if (!key) return replace(status, statusLine('Predictions need an API key with the contributor role.', 'error'));
    submit.disabled = true;
    replace(status, statusLine('Submitting…'));
    try {
      const input = { structure: { file: structure.value, format: format.value }, absorbingElement: element.value, name: name.value.trim() || undefined };
      const submitted = (await graphql(PREDICT_MUTATION, { input }, { apiKey: key })).predictSpectrum;
      replace(status);
      await follow(job, submitted.id, key, isCurrent);
    } catch (err) {
      replace(status, statusLine(`The prediction was not accepted: ${err.message}`, 'error'));
    } finally {
      submit.disabled = false;
    }
  });
}
