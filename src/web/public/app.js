// The page's router: #/ (identify, with the mixture tab), #/material/<id>, #/predict. Hash routes keep every page
// at the service's one URL, /, which works behind any proxy path and offline.
import { renderIdentifyPage } from './identify.js';
import { renderMaterialPage } from './material.js';
import { renderPredictPage } from './predict.js';

const view = document.getElementById('view');
/** Kept across pages: the last spectrum file chosen. */
const identifyState = { spectrum: null, mixtureShown: false };
let visit = 0;

function highlight(section) {
  for (const link of document.querySelectorAll('[data-nav]')) link.classList.toggle('active', link.dataset.nav === section);
}

function route() {
  const current = ++visit;
  const isCurrent = () => current === visit;
  const hash = window.location.hash.replace(/^#/, '') || '/';
  const material = /^\/material(?:\/(.+))?$/.exec(hash);
  if (material) {
    highlight('material');
    let id = null;
    try {
      id = material[1] ? decodeURIComponent(material[1]) : null;
    } catch {
      id = material[1];
    }
    renderMaterialPage(view, id);
  } else if (hash === '/predict') {
    highlight('predict');
    renderPredictPage(view, isCurrent);
  } else {
    highlight('identify');
    renderIdentifyPage(view, identifyState);
  }
  window.scrollTo(0, 0);
}

window.addEventListener('hashchange', route);
route();
