// Lighthouse on the mobile profile (its default) against the pages in
// argv: one navigation each, one after another, in one headless Chromium.
// A page given as `form:PATH` is the answer to that page's sign form sent
// empty: Lighthouse cannot load a POST answer by its URL, so the step
// opens PATH first, outside the measurement, and measures the navigation
// that pressing the form's button starts.
//
// Prints a table of the four scores, and exits 1 when any page scores
// below 100 in accessibility, best practices or SEO, or below 95 in
// performance, listing what failed there. With $LIGHTHOUSE_REPORTS set to
// a directory, also writes each page's whole report there as JSON.
//
// Usage: node pages.mjs BASE_URL NAME=PATH...

import { writeFileSync } from 'node:fs';
import puppeteer from 'puppeteer-core';
import { startFlow } from 'lighthouse';

const [base, ...pages] = process.argv.slice(2);
const minimum = {
  performance: 95,
  accessibility: 100,
  'best-practices': 100,
  seo: 100,
};
const categories = Object.keys(minimum);
const reports = process.env.LIGHTHOUSE_REPORTS;

const browser = await puppeteer.launch({
  executablePath: process.env.CHROME_PATH,
  headless: true,
  defaultViewport: null,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
});

const results = [];
try {
  // The first page a fresh browser opens also pays for the browser's own
  // start-up; that is not the page's cost. Lighthouse clears the cache
  // before each measured page, so this warms the browser, not the pages.
  const warmup = await browser.newPage();
  await warmup.goto(base + '/', { waitUntil: 'load' });
  await warmup.close();
  for (const spec of pages) {
    const [name, target] = spec.split(/=(.*)/s);
    const page = await browser.newPage();
    const flow = await startFlow(page, { name, config: stepConfig(target) });
    if (target.startsWith('form:')) {
      await page.goto(base + target.slice('form:'.length), { waitUntil: 'load' });
      // Lighthouse clears the cache only before navigations it starts by
      // URL; cleared here too, this answer loads as cold as the others.
      const cdp = await page.createCDPSession();
      await cdp.send('Network.clearBrowserCache');
      await cdp.detach();
      await flow.navigate(
        async () => {
          await page.click("form[action$='/signatures'] button[type=submit]");
        },
        { name },
      );
      // What was measured must be the form's answer, with its errors.
      if (!(await page.$('.error-summary')) || !page.url().endsWith('/signatures')) {
        throw new Error(`${name}: pressing Sign led to ${page.url()}, not the form with errors`);
      }
    } else {
      await flow.navigate(base + target, { name });
    }
    const { lhr } = (await flow.createFlowResult()).steps[0];
    if (lhr.runtimeError) {
      throw new Error(`${name}: ${lhr.runtimeError.code}: ${lhr.runtimeError.message}`);
    }
    results.push({ name, path: target, lhr });
    if (reports) writeFileSync(`${reports}/${name.replace(/\W+/g, '-')}.json`, JSON.stringify(lhr));
    await page.close();
  }
} finally {
  await browser.close();
}

function stepConfig(target) {
  const config = { extends: 'lighthouse:default', settings: { onlyCategories: categories } };
  if (!target.startsWith('form:')) return config;
  // The answer to an invalid form is 422, as the contract asks. Lighthouse
  // must not stop at that status; its SEO check that a page answers 2xx is
  // about pages a search engine can reach, which a POST answer is not; and
  // the one console error to overlook is Chromium's note of that status,
  // "Failed to load resource: the server responded with a status of 422",
  // which it logs for any document that is not 2xx. Any other error counts.
  config.settings.ignoreStatusCode = true;
  config.settings.skipAudits = ['http-status-code'];
  config.audits = [
    {
      path: 'errors-in-console',
      options: {
        ignoredPatterns: [
          'ERR_BLOCKED_BY_CLIENT.Inspector',
          'the server responded with a status of 422 (Unprocessable Entity)',
        ],
      },
    },
  ];
  return config;
}

const score = (lhr, id) => Math.round((lhr.categories[id]?.score ?? 0) * 100);
const header = ['page', 'performance', 'accessibility', 'best practices', 'SEO'];
const rows = results.map(({ name, lhr }) => [name, ...categories.map((c) => String(score(lhr, c)))]);
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
console.log(line(header));
for (const row of rows) console.log(line(row));

const failures = [];
for (const { name, path, lhr } of results) {
  for (const id of categories) {
    if (score(lhr, id) >= minimum[id]) continue;
    const missed = lhr.categories[id].auditRefs
      .filter((ref) => ref.weight > 0 && (lhr.audits[ref.id].score ?? 1) < 1)
      .map((ref) => {
        const audit = lhr.audits[ref.id];
        const items = (audit.details?.items ?? []).slice(0, 5).map(
          (item) => `\n      ${[item.description, item.url, item.source].filter(Boolean).join(' ')}`,
        );
        return `    ${ref.id} (${audit.displayValue || audit.score}): ${audit.title}${items.join('')}`;
      });
    failures.push(`${name} (${path}): ${id} ${score(lhr, id)} < ${minimum[id]}\n${missed.join('\n')}`);
  }
}
if (failures.length) {
  console.error(`\nbelow the bar:\n${failures.join('\n')}`);
  process.exit(1);
}
