// The web page at / and the explorer at /graphql in a real headless browser (Debian's chromium), with the network
// to anything but the service blocked: the page loads with nothing from outside, a real XDI file dropped on it gives
// the plot and the table (first row checked against the API and the file's compound), the mixture tab fits it, the
// material page plots its spectra with downloads, a prediction completes with its ±σ band, and GraphiQL runs a
// query. Screenshots go to a folder the test prints.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { createTestApiKey } from '../support/api-key.ts';
import { isolatedPage, launchChromium, type PageRecord } from '../support/browser.ts';
import { graphql, testEnvironment } from '../support/env.ts';
import { REPO_ROOT } from '../support/service.ts';

const { baseUrl } = testEnvironment();
const HEMATITE_XDI = path.join(REPO_ROOT, 'seed/measured-references/xas-data-library/data/Fe/Fe2O3_rt_01.xdi');
const CUPRITE_CIF = path.join(REPO_ROOT, 'tests/fixtures/structures/cif/mp-361-Cu2O-symmetrized-generated.cif');
const SCREENSHOTS = fs.mkdtempSync(path.join(os.tmpdir(), 'xasgraph-web-page-'));

let browser: Browser;
let page: Page;
let record: PageRecord;

beforeAll(async () => {
  browser = await launchChromium(); // fails (not skips) without chromium, with the apt-get line
  ({ page, record } = await isolatedPage(browser, baseUrl));
});

afterAll(async () => {
  await browser?.close();
  console.log(`web page screenshots: ${SCREENSHOTS}`);
});

const screenshot = async (name: string) => {
  const file = path.join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
};

/** Drops `file` on the page's drop zone as a user dragging it from their desktop would. */
async function dropFile(selector: string, file: string) {
  // In the page (a string: the test's TypeScript has no DOM types): a DataTransfer holding the file.
  const dataTransfer = await page.evaluateHandle(
    `(() => { const t = new DataTransfer(); t.items.add(new File([${JSON.stringify(fs.readFileSync(file, 'utf8'))}], ${JSON.stringify(path.basename(file))}, { type: 'text/plain' })); return t; })()`,
  );
  await page.dispatchEvent(selector, 'drop', { dataTransfer });
}

const cellsOf = (row: string) => page.locator(`${row} td`).allInnerTexts();
/** The series names in a plot's legend (uPlot: the energy axis first). */
const legendOf = (plot: string) => page.locator(`[data-testid=${plot}] .u-legend .u-series .u-label`).allInnerTexts();

/**
 * Waits until `check` holds (polled from the test: the page's Content-Security-Policy forbids the eval that
 * waitForFunction with a string would need, and it must stay that strict).
 */
async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await page.waitForTimeout(100);
  }
}

test('the page loads with the network blocked: nothing is requested from outside', async () => {
  await page.goto(`${baseUrl}/`, { waitUntil: 'networkidle' });
  await page.waitForSelector('.dropzone');
  expect(await page.title()).toMatch(/xasgraph/);
  expect(await page.evaluate('typeof uPlot')).toBe('function');
  expect(record).toEqual({ outside: [], failed: [], errors: [] });
});

test('a real XDI file dropped on it gives the plot, the matches, the consensus', async () => {
  await dropFile('.dropzone', HEMATITE_XDI);
  await page.waitForSelector('[data-testid=matches] tbody tr', { timeout: 60_000 });
  await page.waitForSelector('[data-testid=identify-plot] .uplot canvas');

  // The first row is the API's best match for the same file and options, and it is the file's compound.
  const { body } = await graphql(`query($input: SpectrumInput!) { identifySpectrum(input: $input, options: { top: 10 }) { matches { rank method material { id formula } } } }`, {
    input: { file: fs.readFileSync(HEMATITE_XDI, 'utf8') },
  });
  const best = body.data.identifySpectrum.matches[0];
  const [rank, score, shift, kind, formula, oxidationState] = await cellsOf('[data-testid=matches] tbody tr:first-child');
  expect([rank, kind, formula, oxidationState]).toEqual(['1', best.method, best.material.formula, '+3']);
  expect(formula).toBe('Fe2O3');
  expect(Number(score)).toBeGreaterThan(0.95);
  expect(Math.abs(Number(shift))).toBeLessThan(5);
  expect(await page.locator('[data-testid=matches] tbody tr').count()).toBe(10);
  expect(await page.getAttribute('[data-testid=matches] tbody tr:first-child td.formula a', 'href')).toBe(`#/material/${best.material.id}`);

  // The measurement and the five best references are the plot's curves (uPlot's legend: energy + 6 series).
  const legend = await legendOf('identify-plot');
  expect(legend).toHaveLength(7);
  expect(legend[1]).toMatch(/Fe2O3_rt_01\.xdi \(normalised\)/);
  expect(legend[2]).toMatch(/#1 Fe2O3/);
  expect(await page.innerText('[data-testid=consensus-oxidation]')).toMatch(/\+3 \(\d+ %\)/);
  await page.waitForSelector('[data-testid=warnings]');

  // Hovering reads the energy under the cursor in the legend; dragging zooms in, so the same spot then reads another energy.
  const plot = page.locator('[data-testid=identify-plot] .u-over');
  const box = (await plot.boundingBox())!;
  const spot = { x: box.x + box.width * 0.6, y: box.y + box.height / 2 };
  const energyRead = page.locator('[data-testid=identify-plot] .u-legend .u-series .u-value').first();
  const energyAt = async () => {
    await page.mouse.move(spot.x, spot.y);
    let text = '';
    await eventually('the hovered energy in the legend', async () => /^\d{4}\.\d{2}$/.test((text = (await energyRead.innerText()).trim())));
    return Number(text);
  };
  const before = await energyAt();
  await page.mouse.move(box.x + box.width * 0.3, spot.y);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.5, spot.y, { steps: 5 });
  await page.mouse.up();
  await page.mouse.move(box.x + 2, box.y + 2);
  const zoomed = await energyAt();
  expect(zoomed).not.toBeCloseTo(before, 1);
  expect(zoomed).toBeLessThan(before); // the 30–50 % range now fills the plot: 60 % across is what 42 % was
  await page.mouse.dblclick(box.x + box.width / 2, spot.y); // zooms out (to every point of the measurement)
  await page.mouse.move(box.x + 2, box.y + 2);
  expect(await energyAt()).not.toBeCloseTo(zoomed, 1);

  console.log(`identify screenshot: ${await screenshot('identify')}`);
  expect(record).toEqual({ outside: [], failed: [], errors: [] });
});

test('the mixture tab fits the same file and lists the components with weight ± σ', async () => {
  await page.click('[data-testid=tab-mixture]');
  await page.waitForSelector('[data-testid=mixture-plot] .uplot canvas', { timeout: 120_000 });
  const [formula, weight, sigma] = await cellsOf('[data-testid=mixture-components] tbody tr:first-child');
  expect(formula).toBe('Fe2O3');
  expect(Number(weight)).toBeGreaterThan(0.5);
  expect(Number(sigma)).toBeGreaterThanOrEqual(0);
  expect(await legendOf('mixture-plot')).toEqual(['E (eV)', 'Fe2O3_rt_01.xdi (normalised)', 'fit', 'residual (data − fit)']);
  await screenshot('mixture');
  expect(record).toEqual({ outside: [], failed: [], errors: [] });
});

test('a material page shows its structure, plots its spectra and links the downloads', async () => {
  await page.goto(`${baseUrl}/#/material/mp-1005792`);
  await page.waitForSelector('[data-testid=material-plot] .uplot canvas');
  expect(await page.innerText('[data-testid=material-summary]')).toMatch(/Sm2CuAs3O[\s\S]*Pnma \(62\)/);
  expect(await page.getAttribute('[data-testid=structure-downloads] a:first-of-type', 'href')).toBe('/materials/mp-1005792.cif');
  const links = await page.locator('[data-testid=material-spectra] a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  expect(links).toEqual(expect.arrayContaining(['/spectra/mp-1005792-XANES-Cu-K.csv', '/spectra/mp-1005792-XANES-Cu-K.xdi', '/spectra/mp-1005792-XANES-Cu-K.json']));
  const download = await page.evaluate(async (href) => {
    const response = await fetch(href);
    return { status: response.status, disposition: response.headers.get('content-disposition'), start: (await response.text()).slice(0, 9) };
  }, '/spectra/mp-1005792-XANES-Cu-K.xdi');
  expect(download).toEqual({ status: 200, disposition: 'attachment; filename="mp-1005792-XANES-Cu-K.xdi"', start: '# XDI/1.0' });
  await screenshot('material');
  expect(record).toEqual({ outside: [], failed: [], errors: [] });
});

test('a pasted CIF with an API key is predicted: the job progresses to COMPLETED and the spectrum is plotted with ±σ', async () => {
  const key = await createTestApiKey('contributor');
  await page.goto(`${baseUrl}/#/predict`);
  await page.waitForSelector('select[name=absorbingElement] option[value=Cu]', { state: 'attached' });
  await page.fill('[data-testid=structure-text]', fs.readFileSync(CUPRITE_CIF, 'utf8'));
  await page.fill('input[name=apiKey]', key);
  const states = new Set<string>();
  await page.click('button[type=submit]');
  await page.waitForSelector('[data-testid=job-progress]');
  for (let waited = 0; waited < 120_000; waited += 200) {
    const state = await page.getAttribute('[data-testid=job-progress]', 'data-state');
    if (state) states.add(state);
    if (state === 'COMPLETED' || state === 'FAILED') break;
    await page.waitForTimeout(200);
  }
  expect(states.has('COMPLETED')).toBe(true);
  await page.waitForSelector('[data-testid=prediction-plot] .uplot canvas');
  expect(await legendOf('prediction-plot')).toEqual(['E (eV)', 'Cu2O predicted μ', '±σ (upper)', '±σ (lower)']);
  expect(await page.innerText('[data-testid=prediction]')).toMatch(/Predicted Cu K-edge XANES of Cu2O/);
  console.log(`prediction screenshot: ${await screenshot('prediction')}`);
  expect(record).toEqual({ outside: [], failed: [], errors: [] });
});

test('the GraphQL explorer (GraphiQL) loads offline and runs a query', async () => {
  await page.goto(`${baseUrl}/graphql`);
  await page.waitForSelector('.graphiql-container', { timeout: 60_000 });
  await page.click('.graphiql-execute-button');
  await eventually('the query result', async () => /"totalCount": \d+/.test(await page.locator('.result-window').innerText()), 30_000);
  await screenshot('explorer');
  expect(record).toEqual({ outside: [], failed: [], errors: [] });
});
