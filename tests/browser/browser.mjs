// What the browser scripts share: Debian's chromium driven headless by playwright-core with a
// fresh profile, pages that record console errors and any request leaving the server, and
// helpers that read the dashboard's ECharts instances (window.tapewatch.charts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '../../web/node_modules/playwright-core/index.mjs';

export const CHROMIUM = '/usr/bin/chromium';
export const LAPTOP = { width: 1366, height: 768 };
export const WIDE = { width: 2560, height: 1440 };

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** A browser with a profile of its own; close() also removes the profile. */
export async function openBrowser() {
  const profile = mkdtempSync(join(tmpdir(), 'tapewatch-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, args: ARGS, viewport: LAPTOP,
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * A page that collects console errors, uncaught exceptions and requests to any origin other
 * than `origin` into `page.problems`.
 */
export async function watchedPage(context, origin, options = {}) {
  const page = await context.newPage();
  if (options.colorScheme) await page.emulateMedia({ colorScheme: options.colorScheme });
  await page.setViewportSize(options.viewport ?? LAPTOP);
  page.problems = [];
  page.on('console', (message) => {
    if (message.type() === 'error') page.problems.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => page.problems.push(`uncaught: ${error.message}`));
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith('data:') && new URL(url).origin !== origin) {
      page.problems.push(`request outside the server: ${url}`);
    }
  });
  return page;
}

/** Waits until every named chart exists and has rendered a frame with data. */
export async function waitForCharts(page, names, timeout = 30000) {
  await page.waitForFunction((wanted) => {
    const charts = window.tapewatch && window.tapewatch.charts;
    return charts && wanted.every((name) => charts.has(name) && charts.get(name).renderedAt !== null);
  }, names, { timeout });
}

/** {seriesName: number of data items} for one chart, read from its live ECharts option. */
export async function seriesSizes(page, name) {
  return page.evaluate((chartName) => {
    const option = window.tapewatch.charts.get(chartName).instance.getOption();
    return Object.fromEntries(option.series.map((s, i) => [s.name ?? `series ${i}`, (s.data ?? []).length]));
  }, name);
}

/** Resolves once the dashboard's live stream is connected. */
export async function waitForLive(page, timeout = 15000) {
  await page.waitForFunction(() => window.tapewatch?.live?.connected === true, null, { timeout });
}

