// The dashboard in a real browser against a running `tapewatch serve`: overview charts with data
// at laptop and wide sizes, filters that narrow the table, the CSV export, an alert's replay with
// its evidence trades, an order-level alert's book depth with its orders, a status change, live
// alerts from another run into the same store, and the dark theme. Each test saves a screenshot.
// Usage: node dashboard.test.mjs --url URL --screenshots DIR --tapewatch BIN --db DB
//          --live-input CSV --live-owners TOML
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  LAPTOP, WIDE, openBrowser, seriesSizes, waitForCharts, waitForLive, watchedPage,
} from './browser.mjs';

const { values: opts } = parseArgs({
  options: {
    url: { type: 'string' }, screenshots: { type: 'string' }, tapewatch: { type: 'string' },
    db: { type: 'string' }, 'live-input': { type: 'string' }, 'live-owners': { type: 'string' },
  },
});
for (const name of ['url', 'screenshots', 'tapewatch', 'db', 'live-input', 'live-owners']) {
  if (!opts[name]) throw new Error(`missing --${name}`);
}
const origin = new URL(opts.url).origin;
mkdirSync(opts.screenshots, { recursive: true });

function check(condition, message) {
  if (!condition) throw new Error(message);
}

async function api(path) {
  const response = await fetch(origin + path);
  check(response.ok, `${path} answered ${response.status}`);
  return response.json();
}

async function shoot(page, name) {
  await page.screenshot({ path: join(opts.screenshots, `${name}.png`), fullPage: true });
}

function checkClean(page) {
  check(page.problems.length === 0, `page problems:\n  ${page.problems.join('\n  ')}`);
}

async function overviewCharts(page) {
  return page.evaluate(() => window.tapewatch.overview.charts);
}

/** The overview at one window size: no errors, no outside requests, every chart with data. */
async function overviewAt(context, viewport, name) {
  const page = await watchedPage(context, origin, { viewport });
  await page.goto(`${origin}/#/`);
  await page.waitForFunction(() => window.tapewatch?.overview);
  const names = await overviewCharts(page);
  await waitForCharts(page, names);
  for (const chart of names) {
    const sizes = await seriesSizes(page, chart);
    check(Object.values(sizes).some((n) => n > 0), `chart ${chart} has no data: ${JSON.stringify(sizes)}`);
  }
  const alerts = await page.textContent('[data-card="alerts"]');
  const summary = await api('/api/stats/summary');
  check(Number(alerts.replace(/,/g, '')) === summary.alerts, `alerts card ${alerts} != ${summary.alerts}`);
  check(await page.locator('#wash-table tbody tr').count() > 0, 'the wash table is empty');
  check(await page.locator('#pump-table tbody tr').count() > 0, 'the pump-and-dump table is empty');
  await page.waitForTimeout(400); // let the charts' entry animation finish before the screenshot
  await shoot(page, name);
  checkClean(page);
  await page.close();
}

async function testOverview(context) {
  await overviewAt(context, LAPTOP, 'overview-1366x768');
  await overviewAt(context, WIDE, 'overview-2560x1440');
}

async function testTimelineSwitch(context) {
  const page = await watchedPage(context, origin);
  await page.goto(`${origin}/#/`);
  await waitForCharts(page, ['timeline']);
  const minutes = await seriesSizes(page, 'timeline');
  await page.click('.bucket-switch button[data-bucket="hour"]');
  await page.waitForSelector('.bucket-switch button[data-bucket="hour"].active');
  await page.waitForFunction(() => window.tapewatch.charts.get('timeline').renderedAt !== null);
  const hours = await seriesSizes(page, 'timeline');
  const total = (sizes) => Object.values(sizes).reduce((a, b) => a + b, 0);
  check(total(hours) > 0 && total(hours) < total(minutes),
    `hour buckets (${total(hours)}) should be fewer than minute buckets (${total(minutes)})`);
  await shoot(page, 'overview-hour-buckets');
  checkClean(page);
  await page.close();
}

async function rowsOf(page) {
  return page.$$eval('#alerts-table tbody tr', (rows) => rows.map((row) => ({
    rule: row.querySelector('td.rule').textContent,
    severity: row.querySelector('td.sev').textContent,
  })));
}

async function totalOf(page) {
  return Number((await page.textContent('#alerts-total')).replace(/[^0-9]/g, ''));
}

async function waitForReload(page, before) {
  await page.waitForFunction((stamp) => document.querySelector('[data-loaded]').dataset.loaded !== stamp, before);
}

async function testFilters(context) {
  const page = await watchedPage(context, origin);
  await page.goto(`${origin}/#/alerts`);
  await page.waitForSelector('#alerts-table tbody tr');
  const all = await totalOf(page);
  check(all > 50, `too few alerts (${all}) to page through`);
  const firstPage = await page.$$eval('#alerts-table tbody tr', (rows) => rows.map((r) => r.dataset.id));
  const stamp0 = await page.getAttribute('[data-loaded]', 'data-loaded');
  await page.click('.pager button:has-text("next")');
  await waitForReload(page, stamp0);
  const secondPage = await page.$$eval('#alerts-table tbody tr', (rows) => rows.map((r) => r.dataset.id));
  check((await page.textContent('#page-range')).startsWith('51-'), 'next did not show rows 51 on');
  check(secondPage.length === Math.min(50, all - 50) && !secondPage.some((id) => firstPage.includes(id)),
    'the second page repeats the first');
  const stamp = await page.getAttribute('[data-loaded]', 'data-loaded');
  await page.selectOption('select[name="rule"]', 'wash.round_trip');
  await waitForReload(page, stamp);
  const washTotal = await totalOf(page);
  const rows = await rowsOf(page);
  check(washTotal > 0 && washTotal < all, `rule filter: ${washTotal} of ${all}`);
  check(rows.length > 0 && rows.every((r) => r.rule === 'wash.round_trip'), 'a row of another rule');
  const stamp2 = await page.getAttribute('[data-loaded]', 'data-loaded');
  await page.selectOption('select[name="severity"]', 'LOW');
  await waitForReload(page, stamp2);
  const lowRows = await rowsOf(page);
  check(await totalOf(page) <= washTotal, 'adding a severity widened the match');
  check(lowRows.every((r) => r.rule === 'wash.round_trip' && r.severity === 'LOW'), 'a row outside both filters');
  check(page.url().includes('rule=wash.round_trip') && page.url().includes('severity=LOW'),
    `the address does not keep the filters: ${page.url()}`);

  const csvHref = await page.getAttribute('#csv-export', 'href');
  check(csvHref.includes('format=csv') && csvHref.includes('rule=wash.round_trip'), `csv link ${csvHref}`);
  const csv = await (await page.request.get(origin + csvHref)).text();
  const lines = csv.trim().split('\n');
  check(lines.length - 1 >= await totalOf(page), `CSV has ${lines.length - 1} lines for ${await totalOf(page)} alerts`);
  check(!csv.includes('pump_and_dump'), 'the CSV export ignores the filters');

  const stamp3 = await page.getAttribute('[data-loaded]', 'data-loaded');
  await page.click('th[data-sort="score"]');
  await waitForReload(page, stamp3);
  const scores = await page.$$eval('#alerts-table td.score', (cells) => cells.map((c) => Number(c.textContent)));
  check(scores.every((s, i) => i === 0 || scores[i - 1] >= s), `not sorted by score: ${scores}`);
  await shoot(page, 'alerts-filtered');
  checkClean(page);
  await page.close();
}

async function detailPage(context, id, charts, screenshot) {
  const page = await watchedPage(context, origin);
  await page.goto(`${origin}/#/alert/${encodeURIComponent(id)}`);
  await waitForCharts(page, charts);
  await page.waitForTimeout(400);
  await shoot(page, screenshot);
  return page;
}

async function testWashDetail(context) {
  const { alerts } = await api('/api/alerts?rule=wash.round_trip&sort=score&limit=1');
  check(alerts.length === 1, 'no wash alert to open');
  const page = await detailPage(context, alerts[0].id, ['replay'], 'alert-wash-replay');
  const sizes = await seriesSizes(page, 'replay');
  check(sizes.bars > 0, `no bars in the replay: ${JSON.stringify(sizes)}`);
  check(sizes.tape > 0, `no tape in the replay: ${JSON.stringify(sizes)}`);
  check(sizes['evidence trades'] > 0, `evidence trades not marked: ${JSON.stringify(sizes)}`);
  check((await page.textContent('#alert-why')) === alerts[0].why, 'the explanation is not shown');

  await page.selectOption('#status-select', 'escalated');
  await page.fill('#status-note', 'sent to investigations');
  await page.click('#status-save');
  await page.waitForFunction(() => document.getElementById('status-result').textContent.includes('escalated'));
  const stored = await api(`/api/alerts/${encodeURIComponent(alerts[0].id)}`);
  check(stored.alert.status === 'escalated' && stored.alert.status_note === 'sent to investigations',
    `status not stored: ${stored.alert.status}`);
  checkClean(page);
  await page.close();
}

async function testOrderDetail(context) {
  const { alerts } = await api('/api/alerts?rule=spoofing&limit=1');
  const fallback = alerts.length ? alerts : (await api('/api/alerts?rule=layering&limit=1')).alerts;
  check(fallback.length === 1, 'no spoofing or layering alert to open');
  const page = await detailPage(context, fallback[0].id, ['replay', 'depth'], 'alert-order-depth');
  const sizes = await seriesSizes(page, 'depth');
  check(sizes['best bid'] > 0 && sizes['best ask'] > 0, `no book in the depth chart: ${JSON.stringify(sizes)}`);
  check(sizes['suspicious orders'] > 0, `no order segments: ${JSON.stringify(sizes)}`);
  check(await page.locator('#orders-table tbody tr').count() === sizes['suspicious orders'],
    'the orders table and the chart disagree');
  checkClean(page);
  await page.close();
}

function runInto(db, input, owners) {
  return new Promise((resolve, reject) => {
    const child = spawn(opts.tapewatch, ['run', input, '--owners', owners, '--db', db, '-q'], { stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`tapewatch run exited ${code}`))));
  });
}

async function alertsCard(page) {
  return Number((await page.textContent('[data-card="alerts"]')).replace(/,/g, ''));
}

async function testLive(context) {
  const overview = await watchedPage(context, origin);
  await overview.goto(`${origin}/#/`);
  await overview.waitForSelector('[data-card="alerts"]');
  await waitForLive(overview);
  const cardBefore = await alertsCard(overview);
  const page = await watchedPage(context, origin);
  await page.goto(`${origin}/#/alerts`);
  await page.waitForSelector('#alerts-table tbody tr');
  await waitForLive(page);
  const before = await totalOf(page);
  check(await page.locator('tr.live-new').count() === 0, 'rows marked live before anything arrived');
  await runInto(opts.db, opts['live-input'], opts['live-owners']);
  await page.waitForSelector('tr.live-new', { timeout: 30000 });
  await page.waitForSelector('#live-notice:not([hidden])');
  const after = await totalOf(page);
  const stored = (await api('/api/alerts?limit=1')).total;
  check(after > before, `the total did not grow live: ${before} -> ${after}`);
  check(await page.locator('#alerts-table tbody tr').count() <= 50, 'live rows grew the page past 50');
  const range = await page.textContent('#page-range');
  check(range.endsWith(`of ${after.toLocaleString('en-US')}`), `the pager (${range}) missed the live total ${after}`);
  check(stored > before, 'the run wrote no new alerts');
  await shoot(page, 'alerts-live');
  checkClean(page);
  await page.close();

  await overview.waitForFunction((count) => Number(document.querySelector('[data-card="alerts"]')
    .textContent.replace(/,/g, '')) > count, cardBefore, { timeout: 30000 });
  check(await overview.isVisible('#live-notice'), 'no live notice on the overview');
  checkClean(overview);
  await overview.close();
}

function luminance(rgb) {
  const [r, g, b] = rgb.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number).map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a, b) {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** The colours a chart's axis labels and the panel behind it are drawn in, as rgb() text. */
async function chartColours(page, chart) {
  return page.evaluate((name) => {
    const toRgb = (colour) => {
      const probe = document.createElement('span');
      probe.style.color = colour;
      document.body.append(probe);
      const rgb = getComputedStyle(probe).color;
      probe.remove();
      return rgb;
    };
    const option = window.tapewatch.charts.get(name).instance.getOption();
    const panel = document.getElementById(`chart-${name}`).closest('.panel');
    return {
      axis: toRgb(option.xAxis[0].axisLabel.color),
      text: toRgb(option.textStyle.color),
      panel: getComputedStyle(panel).backgroundColor,
      page: getComputedStyle(document.body).backgroundColor,
      theme: document.documentElement.dataset.theme,
    };
  }, chart);
}

async function testDarkTheme(context) {
  const page = await watchedPage(context, origin, { colorScheme: 'dark' });
  await page.goto(`${origin}/#/`);
  await page.waitForFunction(() => window.tapewatch?.overview);
  await waitForCharts(page, await overviewCharts(page));
  const dark = await chartColours(page, 'timeline');
  check(dark.theme === 'dark', 'prefers-color-scheme dark did not pick the dark theme');
  check(luminance(dark.page) < 0.05, `the dark page background is light: ${dark.page}`);
  check(contrast(dark.axis, dark.panel) >= 4.5, `axis labels ${dark.axis} on ${dark.panel} are hard to read`);
  check(contrast(dark.text, dark.panel) >= 7, `chart text ${dark.text} on ${dark.panel} is hard to read`);
  await page.waitForTimeout(400);
  await shoot(page, 'overview-dark');

  await page.click('#theme-toggle');
  const light = await chartColours(page, 'timeline');
  check(light.theme === 'light' && luminance(light.page) > 0.8, 'the toggle did not switch to light');
  check(contrast(light.axis, light.panel) >= 4.5, `light axis labels ${light.axis} on ${light.panel}`);
  await page.click('#theme-toggle'); // leave the stored choice as the system's for later tests
  await page.evaluate(() => window.localStorage.removeItem('tapewatch-theme'));
  checkClean(page);
  await page.close();
}

const TESTS = [
  ['overview at 1366x768 and 2560x1440', testOverview],
  ['timeline minute and hour switch', testTimelineSwitch],
  ['paging, filters narrow the table, sort and CSV export', testFilters],
  ['wash alert replay and status change', testWashDetail],
  ['order-level alert book depth', testOrderDetail],
  ['dark theme', testDarkTheme],
  ['live alerts from another run', testLive],
];

const browser = await openBrowser();
let failed = 0;
for (const [name, test] of TESTS) {
  try {
    await test(browser.context);
    console.log(`ok   ${name}`);
  } catch (error) {
    failed += 1;
    console.log(`FAIL ${name}: ${error.message}`);
  }
}
await browser.close();
console.log(`${TESTS.length - failed} of ${TESTS.length} browser tests passed; screenshots in ${opts.screenshots}`);
process.exit(failed ? 1 : 0);
