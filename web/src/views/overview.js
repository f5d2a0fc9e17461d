// The overview (#/): headline figures, the alert timeline, alerts by rule and the rule x
// severity heatmap, the wash and pump-and-dump sections, traded volume and symbol risk. Every
// request starts at once; each section draws when its own data arrives.
import { ApiError, getJson } from '../api.js';
import { axis, baseOption, mountChart, timeZoom } from '../charts.js';
import { SEVERITIES, el, fmtInt, fmtNum, fmtTime, nsToMs } from '../format.js';
import { onLiveAlert } from '../live.js';
import { showError } from '../notify.js';
import { alertTable } from './table.js';

/** The charts the overview draws; its first render is done when all of them show data. */
export const OVERVIEW_CHARTS = ['timeline', 'by_rule', 'heatmap', 'symbol_risk', 'wash_severity',
  'wash_scores', 'pump_scatter', 'volume_symbols', 'volume_time'];

// A horizontal value axis names itself under its labels, where the grid leaves room for it.
const BELOW = { nameLocation: 'middle', nameGap: 26 };
const ROOM_BELOW = { left: 16, right: 24, top: 36, bottom: 30, containLabel: true };

function panel(title, chartName, size = '', tools = null) {
  return el('section', { class: 'panel', 'data-panel': chartName },
    el('div', { class: 'panel-head' }, el('h3', {}, title), tools),
    el('div', { class: `chart ${size}`.trim(), id: `chart-${chartName}` }));
}

function card(label, value, sub = '') {
  return el('div', { class: 'card' },
    el('div', { class: 'label' }, label),
    el('div', { class: 'value', 'data-card': label }, value),
    el('div', { class: 'sub' }, sub));
}

function renderCards(node, summary) {
  const runs = summary.runs ?? {};
  node.replaceChildren(
    card('alerts', fmtInt(summary.alerts), `mean score ${fmtNum(summary.mean_score)}`),
    card('critical', fmtInt(summary.critical), `${fmtInt(summary.by_severity?.HIGH)} high`),
    card('symbols', fmtInt(summary.symbols), `${fmtInt(summary.rules)} rules fired`),
    card('accounts', fmtInt(summary.accounts), 'named in alerts'),
    card('data window', fmtTime(summary.first_start).slice(0, 16), `to ${fmtTime(summary.last_end)}`),
    card('events', fmtInt(runs.events), `${fmtInt(runs.runs)} runs, ${fmtInt(runs.rejects)} rejects`),
  );
}

/** A stacked bar series per severity; `horizontal` puts the counts on the x axis. */
function severitySeries(p, points, keyOf, horizontal = false) {
  return SEVERITIES.map((severity) => ({
    name: severity,
    type: 'bar',
    stack: 'severity',
    large: true,
    barMaxWidth: 24,
    itemStyle: { color: p.severity[severity] },
    data: points.map((point) => (horizontal
      ? [point[severity] ?? 0, keyOf(point)] : [keyOf(point), point[severity] ?? 0])),
  }));
}

function drawTimeline(timeline) {
  mountChart('timeline', document.getElementById('chart-timeline'), (p) => baseOption(p, {
    tooltip: { ...baseOption(p).tooltip, trigger: 'axis' },
    grid: { left: 16, right: 24, top: 36, bottom: 40, containLabel: true },
    xAxis: axis(p, { type: 'time' }),
    yAxis: axis(p, { type: 'value', name: 'alerts' }),
    dataZoom: timeZoom(p),
    series: severitySeries(p, timeline.points, (point) => nsToMs(point.start_ns)),
  }));
}

function drawByRule(rules) {
  const ordered = [...rules].reverse();
  mountChart('by_rule', document.getElementById('chart-by_rule'), (p) => baseOption(p, {
    tooltip: { ...baseOption(p).tooltip, trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: ROOM_BELOW,
    xAxis: axis(p, { type: 'value', name: 'alerts', ...BELOW }),
    yAxis: axis(p, { type: 'category', data: ordered.map((r) => r.rule) }),
    series: severitySeries(p, ordered, (r) => r.rule, true),
  }));
}

function drawHeatmap(rules) {
  const cells = rules.flatMap((r, y) => SEVERITIES.map((s, x) => [x, y, r[s] ?? 0]));
  const max = Math.max(1, ...cells.map((cell) => cell[2]));
  mountChart('heatmap', document.getElementById('chart-heatmap'), (p) => baseOption(p, {
    tooltip: { ...baseOption(p).tooltip, position: 'top' },
    legend: { show: false },
    grid: { left: 16, right: 24, top: 16, bottom: 72, containLabel: true },
    xAxis: axis(p, { type: 'category', data: SEVERITIES, splitArea: { show: false } }),
    yAxis: axis(p, { type: 'category', data: rules.map((r) => r.rule) }),
    visualMap: {
      min: 0, max, calculable: true, orient: 'horizontal', left: 'center', bottom: 0,
      textStyle: { color: p.text },
      // The accent at half strength at most, so the cell counts stay readable on top of it.
      inRange: { color: [p.background, `${p.accent}99`] },
    },
    series: [{
      name: 'alerts', type: 'heatmap', data: cells,
      label: { show: true, color: p.text, fontWeight: 600 },
      itemStyle: { borderColor: p.border, borderWidth: 1 },
    }],
  }));
}

function drawSymbolRisk(symbols) {
  const top = symbols.slice(0, 20).reverse();
  mountChart('symbol_risk', document.getElementById('chart-symbol_risk'), (p) => baseOption(p, {
    tooltip: { ...baseOption(p).tooltip, trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: ROOM_BELOW,
    xAxis: axis(p, { type: 'value', name: 'risk', ...BELOW }),
    yAxis: axis(p, { type: 'category', data: top.map((s) => s.symbol) }),
    series: [{ name: 'risk', type: 'bar', itemStyle: { color: p.accent },
      data: top.map((s) => s.risk) }],
  }));
}

function drawWashSeverity(rules) {
  const wash = rules.filter((r) => r.rule.startsWith('wash.'));
  const totals = SEVERITIES.map((s) => [s, wash.reduce((sum, r) => sum + (r[s] ?? 0), 0)]);
  mountChart('wash_severity', document.getElementById('chart-wash_severity'), (p) => baseOption(p, {
    tooltip: { ...baseOption(p).tooltip, trigger: 'item' },
    series: [{
      name: 'wash alerts', type: 'pie', radius: ['35%', '65%'], top: 24,
      label: { color: p.text, formatter: '{b}: {c}' },
      data: totals.filter(([, n]) => n > 0)
        .map(([s, n]) => ({ name: s, value: n, itemStyle: { color: p.severity[s] } })),
    }],
  }));
}

/** Per symbol: alerts, max and summed score of `alerts`, most alerts first, at most `top`. */
function scoresBySymbol(alerts, top = 20) {
  const bySymbol = new Map();
  for (const alert of alerts) {
    const entry = bySymbol.get(alert.symbol) ?? { symbol: alert.symbol, alerts: 0, max_score: 0, score_sum: 0 };
    entry.alerts += 1;
    entry.max_score = Math.max(entry.max_score, alert.score);
    entry.score_sum += alert.score;
    bySymbol.set(alert.symbol, entry);
  }
  return [...bySymbol.values()].sort((a, b) => b.alerts - a.alerts || a.symbol.localeCompare(b.symbol))
    .slice(0, top);
}

function byScore(alerts) {
  return [...alerts].sort((a, b) => b.score - a.score);
}

function drawWashScores(symbols) {
  mountChart('wash_scores', document.getElementById('chart-wash_scores'), (p) => baseOption(p, {
    tooltip: { ...baseOption(p).tooltip, trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: axis(p, { type: 'category', data: symbols.map((s) => s.symbol) }),
    yAxis: axis(p, { type: 'value', name: 'score', max: 100 }),
    series: [
      { name: 'max score', type: 'bar', data: symbols.map((s) => s.max_score) },
      { name: 'mean score', type: 'bar',
        data: symbols.map((s) => Number((s.score_sum / Math.max(1, s.alerts)).toFixed(1))) },
    ],
  }));
}

function drawPumpScatter(alerts) {
  const goTo = (params) => {
    window.location.hash = `#/alert/${encodeURIComponent(params.data[2])}`;
  };
  const chart = mountChart('pump_scatter', document.getElementById('chart-pump_scatter'),
    (p) => baseOption(p, {
      tooltip: {
        ...baseOption(p).tooltip,
        formatter: (q) => `${q.data[3]} ${q.seriesName}<br>rise ${fmtNum(q.data[0])}%, fall ${fmtNum(q.data[1])}%`,
      },
      grid: ROOM_BELOW,
      xAxis: axis(p, { type: 'value', name: 'rise %', scale: true, ...BELOW }),
      yAxis: axis(p, { type: 'value', name: 'fall %', scale: true }),
      series: SEVERITIES.map((severity) => ({
        name: severity, type: 'scatter', symbolSize: 10,
        itemStyle: { color: p.severity[severity] },
        data: alerts.filter((a) => a.severity === severity && a.metrics?.rise_pct !== undefined)
          .map((a) => [a.metrics.rise_pct, a.metrics.fall_pct, a.id, a.symbol]),
      })),
    }));
  chart.on('click', goTo);
}

function drawVolume(volume) {
  const bySymbol = volume.by_symbol;
  mountChart('volume_symbols', document.getElementById('chart-volume_symbols'), (p) => baseOption(p, {
    tooltip: { ...baseOption(p).tooltip, trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: axis(p, { type: 'category', data: bySymbol.map((s) => s.symbol) }),
    yAxis: axis(p, { type: 'value', name: 'volume' }),
    series: [
      { name: 'buy', type: 'bar', stack: 'v', itemStyle: { color: p.buy }, data: bySymbol.map((s) => s.buy) },
      { name: 'sell', type: 'bar', stack: 'v', itemStyle: { color: p.sell }, data: bySymbol.map((s) => s.sell) },
    ],
  }));
  const overTime = volume.over_time;
  mountChart('volume_time', document.getElementById('chart-volume_time'), (p) => baseOption(p, {
    tooltip: { ...baseOption(p).tooltip, trigger: 'axis' },
    grid: { left: 16, right: 24, top: 36, bottom: 40, containLabel: true },
    xAxis: axis(p, { type: 'time' }),
    yAxis: axis(p, { type: 'value', name: 'volume' }),
    dataZoom: timeZoom(p),
    series: [
      // Bars, not lines: hours without trading stay empty instead of being bridged.
      { name: 'buy', type: 'bar', stack: 'v', large: true, barMaxWidth: 24,
        itemStyle: { color: p.buy }, data: overTime.map((b) => [nsToMs(b.start_ns), b.buy]) },
      { name: 'sell', type: 'bar', stack: 'v', large: true, barMaxWidth: 24,
        itemStyle: { color: p.sell }, data: overTime.map((b) => [nsToMs(b.start_ns), b.sell]) },
    ],
  }));
}

function symbolTable(symbols) {
  const rows = symbols.map((s) => el('tr', {
    class: 'link',
    onclick: () => { window.location.hash = `#/alerts?symbol=${encodeURIComponent(s.symbol)}`; },
  },
  el('td', {}, s.symbol), el('td', { class: 'num' }, fmtNum(s.risk)),
  el('td', { class: 'num' }, fmtInt(s.alerts)), el('td', { class: 'num' }, fmtNum(s.max_score)),
  SEVERITIES.map((sev) => el('td', { class: `num sev-${sev}` }, fmtInt(s[sev])))));
  return el('div', { class: 'table-wrap' }, el('table', { class: 'symbols' },
    el('thead', {}, el('tr', {}, ['symbol', 'risk', 'alerts', 'max score', ...SEVERITIES]
      .map((title) => el('th', {}, title)))),
    el('tbody', {}, rows)));
}

/** The timeline at `bucket`; a range too wide for minutes (a 400) falls back to hours. */
async function loadTimeline(bucket) {
  try {
    return await getJson('/api/stats/timeline', { bucket });
  } catch (error) {
    if (bucket === 'minute' && error instanceof ApiError && error.status === 400) {
      return getJson('/api/stats/timeline', { bucket: 'hour' });
    }
    throw error;
  }
}

function bucketButtons(onPick) {
  const buttons = ['minute', 'hour'].map((bucket) => el('button', {
    type: 'button', 'data-bucket': bucket, onclick: () => onPick(bucket),
  }, bucket));
  return el('span', { class: 'bucket-switch' }, buttons);
}

function markBucket(bucket) {
  for (const button of document.querySelectorAll('.bucket-switch button')) {
    button.classList.toggle('active', button.dataset.bucket === bucket);
  }
}

function layout(view, pickBucket) {
  view.append(
    el('h2', {}, 'Overview'),
    el('div', { class: 'cards', id: 'cards' }, el('div', { class: 'muted' }, 'loading...')),
    el('div', { class: 'grid' },
      panel('Alert timeline', 'timeline', '', bucketButtons(pickBucket)),
      panel('Alerts by rule', 'by_rule')),
    el('div', { class: 'grid' },
      panel('Rule x severity', 'heatmap'),
      panel('Symbol risk (top 20)', 'symbol_risk')),
    el('h2', {}, 'Wash trading'),
    el('div', { class: 'grid three' },
      panel('Wash alerts by severity', 'wash_severity'),
      panel('Wash scores by symbol (latest 500 wash alerts)', 'wash_scores'),
      el('section', { class: 'panel' }, el('h3', {}, 'Highest-scoring of the latest 500 wash alerts'),
        el('div', { id: 'wash-table' }))),
    el('h2', {}, 'Pump and dump'),
    el('div', { class: 'grid' },
      panel('Rise % against fall %, latest 500 (click a point for its replay)', 'pump_scatter'),
      el('section', { class: 'panel' }, el('h3', {}, 'Highest-scoring of the latest 500 pump-and-dump alerts'),
        el('div', { id: 'pump-table' }))),
    el('h2', {}, 'Volume'),
    el('div', { class: 'grid' },
      panel('Buy and sell volume by symbol', 'volume_symbols'),
      panel('Volume over time', 'volume_time')),
    el('h2', {}, 'Symbol risk (top 50; a row lists its alerts)'),
    el('section', { class: 'panel' }, el('div', { id: 'symbol-table' })),
  );
}

/**
 * Draws `data` once it arrives, unless the page left the overview meanwhile (`root` detached);
 * errors go to the banner on the same condition.
 */
function whenShown(root, promise, draw) {
  return promise.then((data) => (root.isConnected ? draw(data) : undefined))
    .catch((error) => { if (root.isConnected) showError(error); });
}

const SAMPLE = 500;
const DAY_MS = 24 * 3600e3;

function spanOf(summary) {
  return (Number(summary.last_end_ns ?? 0) - Number(summary.first_start_ns ?? 0)) / 1e6;
}

export async function renderOverview(view) {
  const showTimeline = (timeline) => {
    markBucket(timeline.bucket);
    drawTimeline(timeline);
  };
  const root = el('div', { class: 'overview' });
  view.append(root);
  const guarded = (promise, draw = () => {}) => whenShown(root, promise, draw);
  layout(root, (picked) => guarded(loadTimeline(picked), showTimeline));
  window.tapewatch.overview = { charts: OVERVIEW_CHARTS, startedAt: performance.now() };

  const showCards = (summary) => renderCards(document.getElementById('cards'), summary);
  // Every request leaves at once but the timeline's and volume's, whose buckets the summary's
  // data window picks (minutes for up to a day, hours beyond); the summary is the quickest answer.
  let bucket = 'minute';
  const summarized = guarded(getJson('/api/stats/summary'), (summary) => {
    showCards(summary);
    if (spanOf(summary) > DAY_MS) bucket = 'hour';
  });
  const drawn = [
    guarded(getJson('/api/stats/rules'), ({ rules }) => {
      drawByRule(rules);
      drawHeatmap(rules);
      drawWashSeverity(rules);
    }),
    guarded(getJson('/api/stats/symbols'), ({ symbols }) => {
      drawSymbolRisk(symbols);
      document.getElementById('symbol-table').replaceChildren(symbolTable(symbols.slice(0, 50)));
    }),
    // The wash and pump sections draw from the latest alerts of their rules (newest first is the
    // store's indexed order); statistics filtered by rule are far slower on a large store.
    guarded(getJson('/api/alerts', { rule: 'wash.*', limit: SAMPLE }), ({ alerts }) => {
      drawWashScores(scoresBySymbol(alerts));
      document.getElementById('wash-table').replaceChildren(
        alertTable(byScore(alerts).slice(0, 15), ['rule', 'symbol', 'severity', 'score', 'accounts']));
    }),
    guarded(getJson('/api/alerts', { rule: 'pump_and_dump', limit: SAMPLE }), ({ alerts }) => {
      drawPumpScatter(alerts);
      document.getElementById('pump-table').replaceChildren(
        alertTable(byScore(alerts).slice(0, 15), ['start', 'symbol', 'severity', 'score', 'rise', 'fall']));
    }),
  ];
  await summarized;
  await Promise.all([...drawn,
    guarded(loadTimeline(bucket), showTimeline),
    guarded(getJson('/api/stats/volume', { bucket }), drawVolume)]);

  // New alerts move the headline figures; one refresh per burst, not one per alert.
  let pending = null;
  return onLiveAlert(() => {
    clearTimeout(pending);
    pending = setTimeout(() => guarded(getJson('/api/stats/summary'), showCards), 300);
  });
}
