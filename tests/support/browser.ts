// Debian's chromium for the browser suite (tests/browser/), driven by playwright-core (which downloads no browser).
import fs from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';

/** Where Debian (and Ubuntu) put the chromium binary; CHROMIUM_PATH overrides. */
const CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

/** The chromium to drive; throws, saying how to install it, when there is none. */
export function chromiumPath(): string {
  const given = process.env.CHROMIUM_PATH;
  if (given) {
    if (!fs.existsSync(given)) throw new Error(`CHROMIUM_PATH=${given} does not exist: point it at a Chromium binary, or unset it after \`apt-get install -y chromium\``);
    return given;
  }
  const found = CANDIDATES.find((p) => fs.existsSync(p));
  if (!found) {
    throw new Error(
      `the browser tests need Debian's chromium, which is not installed (looked for ${CANDIDATES.join(', ')}): ` +
        'run `apt-get install -y chromium` (or set CHROMIUM_PATH to a Chromium binary)',
    );
  }
  return found;
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

/** What a page did that the tests forbid: requests to other hosts (blocked), failed requests, script errors. */
export interface PageRecord {
  outside: string[];
  failed: string[];
  errors: string[];
}

/**
 * A page whose every request to anything but `baseUrl` is aborted and recorded (the network is "off"), with its
 * failed requests and uncaught errors recorded too.
 */
export async function isolatedPage(browser: Browser, baseUrl: string): Promise<{ page: Page; record: PageRecord }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  const record: PageRecord = { outside: [], failed: [], errors: [] };
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(`${baseUrl}/`) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
    record.outside.push(url);
    return route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  page.on('requestfailed', (request) => {
    if (!record.outside.includes(request.url())) record.failed.push(`${request.method()} ${request.url()}: ${request.failure()?.errorText}`);
  });
  page.on('pageerror', (error) => record.errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') record.errors.push(message.text());
  });
  return { page, record };
}
