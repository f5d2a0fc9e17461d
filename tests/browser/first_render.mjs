// Measures the overview's first render against a running `tapewatch serve`: the time from
// navigation start until every overview chart has drawn a frame with its data (the latest of the
// charts' render times, on the page's own clock, whose zero is navigation start). Prints each
// run, the median, and the slowest API requests of the last run. A measurement, never a test.
// Usage: node first_render.mjs --url URL [--runs 5] [--width 1366 --height 768]
import { parseArgs } from 'node:util';
import { openBrowser, waitForCharts, watchedPage } from './browser.mjs';

const { values: opts } = parseArgs({
  options: {
    url: { type: 'string' }, runs: { type: 'string', default: '5' },
    width: { type: 'string', default: '1366' }, height: { type: 'string', default: '768' },
  },
});
if (!opts.url) throw new Error('missing --url');
const origin = new URL(opts.url).origin;
const viewport = { width: Number(opts.width), height: Number(opts.height) };

async function measureOnce(context) {
  const page = await watchedPage(context, origin, { viewport });
  await page.goto(`${origin}/#/`);
  await page.waitForFunction(() => window.tapewatch?.overview);
  const names = await page.evaluate(() => window.tapewatch.overview.charts);
  await waitForCharts(page, names, 120000);
  const result = await page.evaluate((charts) => ({
    firstRender: Math.max(...charts.map((name) => window.tapewatch.charts.get(name).renderedAt)),
    requests: performance.getEntriesByType('resource')
      .filter((entry) => entry.name.includes('/api/') && !entry.name.includes('/api/stream'))
      .map((entry) => ({ url: entry.name.replace(/^https?:\/\/[^/]+/, ''), ms: entry.duration }))
      .sort((a, b) => b.ms - a.ms),
  }), names);
  if (page.problems.length) console.log(`page problems: ${page.problems.join('; ')}`);
  await page.close();
  return result;
}

const browser = await openBrowser();
const times = [];
let last = null;
for (let run = 0; run < Number(opts.runs); run += 1) {
  last = await measureOnce(browser.context);
  times.push(last.firstRender);
  console.log(`run ${run + 1}: overview first render ${last.firstRender.toFixed(0)} ms`);
}
await browser.close();
const sorted = [...times].sort((a, b) => a - b);
console.log(`median ${sorted[Math.floor(sorted.length / 2)].toFixed(0)} ms over ${times.length} runs `
  + `(min ${sorted[0].toFixed(0)}, max ${sorted[sorted.length - 1].toFixed(0)}), `
  + `viewport ${viewport.width}x${viewport.height}`);
console.log('slowest API requests of the last run:');
for (const request of last.requests.slice(0, 6)) console.log(`  ${request.ms.toFixed(0).padStart(6)} ms  ${request.url}`);
