// One alert (#/alert/ID): why it fired, its metrics, accounts and evidence, its review status
// (changed through the API), and a replay of the market around it: bars and the recorded tape
// with the evidence trades marked, and for order-level alerts the book's best prices and depth
// with each suspicious order drawn from placement to its end at its price.
import { getJson, postJson } from '../api.js';
import { axis, baseOption, mountChart } from '../charts.js';
import { STATUSES, el, fmtInt, fmtNum, fmtTime, nsToMs } from '../format.js';
import { onLiveAlert } from '../live.js';
import { showError } from '../notify.js';

const SHOWN_EVIDENCE_IDS = 60;

function keyValues(pairs) {
  return el('dl', { class: 'kv' }, pairs.flatMap(([key, value]) => [el('dt', {}, key), el('dd', {}, value)]));
}

function metricsList(metrics) {
  const entries = Object.entries(metrics ?? {});
  if (entries.length === 0) return el('span', { class: 'muted' }, 'none');
  return keyValues(entries.map(([k, v]) => [k, typeof v === 'number' ? fmtNum(v) : JSON.stringify(v)]));
}

function evidenceIds(alert) {
  const ids = alert.evidence ?? [];
  const total = alert.evidence_total ?? ids.length;
  const more = total > Math.min(ids.length, SHOWN_EVIDENCE_IDS)
    ? ` ... (${fmtInt(total)} in all)` : '';
  return el('span', { class: 'ids', id: 'evidence-ids' }, ids.slice(0, SHOWN_EVIDENCE_IDS).join(' ') + more);
}

function header(alert) {
  return el('div', { class: 'detail-head' },
    el('h2', {}, `${alert.rule} on ${alert.symbol}`),
    el('span', { class: `sev sev-${alert.severity}`, id: 'detail-severity' }, alert.severity),
    el('span', {}, `score ${fmtNum(alert.score)}`),
    el('span', { class: 'muted' }, `${fmtTime(alert.start)} to ${fmtTime(alert.end)}`));
}

function facts(alert, evidence) {
  const missing = evidence?.missing?.length ? evidence.missing.join(' ') : 'none';
  return el('section', { class: 'panel', id: 'alert-facts' },
    el('h3', {}, 'Why it fired'),
    el('p', { id: 'alert-why' }, alert.why),
    keyValues([
      ['id', el('span', { class: 'ids' }, alert.id)],
      ['accounts', (alert.accounts ?? []).join(', ') || 'none'],
      ['metrics', metricsList(alert.metrics)],
      ['evidence', evidenceIds(alert)],
      ['older than the recording', el('span', { class: 'ids' }, missing)],
      ['runs', `first seen ${alert.first_seen_run ?? '-'}, last written by ${alert.run_id ?? '-'}`],
    ]));
}

function statusPanel(alert, onSaved) {
  const choice = el('select', { id: 'status-select' },
    STATUSES.map((s) => el('option', { value: s, selected: s === alert.status }, s)));
  const note = el('input', { id: 'status-note', type: 'text', placeholder: 'note', value: alert.status_note ?? '' });
  const result = el('span', { id: 'status-result', class: 'muted' },
    `now ${alert.status}${alert.updated_at ? `, updated ${fmtTime(alert.updated_at)}` : ''}`);
  const save = async () => {
    try {
      const answer = await postJson(`/api/alerts/${encodeURIComponent(alert.id)}/status`,
        { status: choice.value, note: note.value });
      const updated = answer.alert ?? answer;
      result.textContent = `saved: now ${updated.status}`;
      onSaved(updated);
    } catch (error) {
      showError(error);
    }
  };
  return el('section', { class: 'panel' }, el('h3', {}, 'Review status'),
    el('div', { class: 'status-form' }, choice, note,
      el('button', { type: 'button', id: 'status-save', onclick: save }, 'save'), result));
}

function alertWindow(alert, p) {
  return {
    silent: true,
    itemStyle: { color: p.accent, opacity: 0.12 },
    data: [[{ xAxis: nsToMs(alert.start_ns), name: 'alert window' }, { xAxis: nsToMs(alert.end_ns) }]],
    label: { color: p.muted, position: 'insideTop' },
  };
}

function tradeMarks(evidence, p) {
  return (evidence?.trades ?? []).map((t) => ({
    value: [nsToMs(t.ts_ns), Number(t.price), Number(t.qty), t.id, t.side, t.buyer ?? '', t.seller ?? ''],
    itemStyle: { color: t.side === 'SELL' ? p.sell : p.buy, borderColor: p.text, borderWidth: 1 },
  }));
}

/**
 * The span a replay opens on: the alert window and its evidence trades and orders, widened by
 * `minPadMs` or the span's own length on each side (the slider zooms out to everything).
 */
function focusSpan(alert, evidence, minPadMs) {
  const times = [nsToMs(alert.start_ns), nsToMs(alert.end_ns),
    ...(evidence?.trades ?? []).map((t) => nsToMs(t.ts_ns)),
    ...(evidence?.orders ?? []).flatMap((o) => [nsToMs(o.placed_ns), nsToMs(o.ended_ns)])]
    .filter((t) => t !== null && Number.isFinite(t));
  const first = Math.min(...times);
  const last = Math.max(...times);
  const pad = Math.max(minPadMs, last - first);
  return [first - pad, last + pad];
}

function twoGrids(p, [startValue, endValue]) {
  return {
    grid: [
      { left: 16, right: 24, top: 36, height: '56%', containLabel: true },
      { left: 16, right: 24, top: '74%', bottom: 40, containLabel: true },
    ],
    axisPointer: { link: [{ xAxisIndex: 'all' }] },
    dataZoom: [
      { type: 'inside', xAxisIndex: [0, 1], startValue, endValue },
      { type: 'slider', xAxisIndex: [0, 1], height: 18, bottom: 4, startValue, endValue,
        textStyle: { color: p.muted }, borderColor: p.border },
    ],
    xAxis: [axis(p, { type: 'time' }), axis(p, { type: 'time', gridIndex: 1 })],
  };
}

function replayOption(p, alert, bars, evidence) {
  const tape = evidence?.tape ?? [];
  return baseOption(p, {
    ...twoGrids(p, focusSpan(alert, evidence, 5 * 60e3)),
    tooltip: { ...baseOption(p).tooltip, trigger: 'axis' },
    yAxis: [axis(p, { type: 'value', scale: true, name: 'price' }),
      axis(p, { type: 'value', gridIndex: 1, name: 'volume' })],
    series: [
      { name: 'bars', type: 'candlestick', barMaxWidth: 12,
        itemStyle: { color: p.buy, color0: p.sell, borderColor: p.buy, borderColor0: p.sell },
        data: bars.map((b) => [nsToMs(b.start_ns), b.open, b.close, b.low, b.high]),
        markArea: alertWindow(alert, p) },
      { name: 'tape', type: 'line', showSymbol: false, lineStyle: { width: 1, color: p.muted },
        itemStyle: { color: p.muted }, sampling: 'lttb', data: tape.map((t) => [nsToMs(t[0]), t[1]]) },
      { name: 'evidence trades', type: 'scatter', symbol: 'diamond', symbolSize: 11, z: 5,
        data: tradeMarks(evidence, p) },
      { name: 'buy volume', type: 'bar', stack: 'vol', xAxisIndex: 1, yAxisIndex: 1, barMaxWidth: 12,
        itemStyle: { color: p.buy }, data: bars.map((b) => [nsToMs(b.start_ns), b.buy_volume]) },
      { name: 'sell volume', type: 'bar', stack: 'vol', xAxisIndex: 1, yAxisIndex: 1, barMaxWidth: 12,
        itemStyle: { color: p.sell }, data: bars.map((b) => [nsToMs(b.start_ns), b.sell_volume]) },
    ],
  });
}

/** Each order as [placed, ended, price, side, id, end, qty, account]; open ends reach the span's edges. */
function orderSegments(evidence) {
  const from = nsToMs(evidence.from_ns);
  const to = nsToMs(evidence.to_ns);
  return (evidence.orders ?? []).filter((o) => Number(o.price) > 0).map((o) => [
    nsToMs(o.placed_ns) ?? from, nsToMs(o.ended_ns) ?? to, Number(o.price), o.side,
    o.id, o.end, o.qty, o.account ?? '']);
}

function drawSegment(p) {
  return (params, api) => {
    const start = api.coord([api.value(0), api.value(2)]);
    const end = api.coord([api.value(1), api.value(2)]);
    const color = api.value(3) === 'SELL' ? p.sell : p.buy;
    return {
      type: 'group',
      children: [
        { type: 'line', shape: { x1: start[0], y1: start[1], x2: end[0], y2: end[1] },
          style: { stroke: color, lineWidth: 3 } },
        { type: 'circle', shape: { cx: end[0], cy: end[1], r: 3 }, style: { fill: p.text } },
      ],
    };
  };
}

function depthOption(p, alert, evidence) {
  const depth = evidence.depth ?? [];
  const line = (name, index, color, extra = {}) => ({
    name, type: 'line', step: 'end', showSymbol: false, sampling: 'lttb',
    itemStyle: { color }, lineStyle: { width: 1.5, color },
    data: depth.map((d) => [nsToMs(d[0]), d[index]]), ...extra,
  });
  return baseOption(p, {
    ...twoGrids(p, focusSpan(alert, evidence, 20e3)),
    tooltip: { ...baseOption(p).tooltip, trigger: 'item' },
    yAxis: [axis(p, { type: 'value', scale: true, name: 'price' }),
      axis(p, { type: 'value', gridIndex: 1, name: 'depth' })],
    series: [
      line('best bid', 1, p.buy, { markArea: alertWindow(alert, p) }),
      line('best ask', 2, p.sell),
      { name: 'suspicious orders', type: 'custom', renderItem: drawSegment(p), z: 5,
        encode: { x: [0, 1], y: 2 }, data: orderSegments(evidence),
        tooltip: { formatter: (q) => `order ${q.data[4]} ${q.data[3]} ${q.data[6]} @ ${q.data[2]}<br>`
          + `${q.data[7]}, ended by ${q.data[5]}` } },
      line('bid depth', 3, p.buy, { xAxisIndex: 1, yAxisIndex: 1, areaStyle: { opacity: 0.25 } }),
      line('ask depth', 4, p.sell, { xAxisIndex: 1, yAxisIndex: 1, areaStyle: { opacity: 0.25 } }),
    ],
  });
}

function ordersTable(orders) {
  const titles = ['order', 'side', 'price', 'qty', 'filled', 'account', 'placed', 'ended', 'end'];
  const time = (ns) => (ns === null || ns === undefined ? '-' : new Date(nsToMs(ns)).toISOString().slice(11, 23));
  return el('div', { class: 'table-wrap' }, el('table', { id: 'orders-table' },
    el('thead', {}, el('tr', {}, titles.map((t) => el('th', {}, t)))),
    el('tbody', {}, orders.slice(0, 200).map((o) => el('tr', {},
      [o.id, o.side, o.price, o.qty, o.filled, o.account ?? '', time(o.placed_ns), time(o.ended_ns), o.end]
        .map((v) => el('td', {}, v)))))));
}

function hasOrderFlow(evidence) {
  return Boolean(evidence && ((evidence.orders ?? []).length > 0 || (evidence.depth ?? []).length > 0));
}

export async function renderDetail(view, id) {
  const answer = await getJson(`/api/alerts/${encodeURIComponent(id)}`);
  if (!view.isConnected) return null; // the address changed while the alert was loading
  let alert = answer.alert;
  const evidence = answer.evidence;
  const bars = answer.bars?.bars ?? [];
  const headNode = el('div', {}, header(alert));
  const redraw = (updated) => {
    alert = updated;
    headNode.replaceChildren(header(alert));
  };

  view.append(el('a', { href: '#/alerts' }, 'all alerts'), headNode,
    el('div', { class: 'grid' }, facts(alert, evidence), statusPanel(alert, redraw)),
    el('section', { class: 'panel' },
      el('h3', {}, `Market replay (${answer.bars?.interval ?? '1m'} bars${evidence ? ', recorded tape and evidence trades' : '; no evidence recorded for this alert'})`),
      el('div', { class: 'chart tall', id: 'chart-replay' })));
  mountChart('replay', view.querySelector('#chart-replay'), (p) => replayOption(p, alert, bars, evidence));

  if (hasOrderFlow(evidence)) {
    view.append(el('section', { class: 'panel' },
      el('h3', {}, 'Book depth and the suspicious orders (placement to cancel or fill)'),
      el('div', { class: 'chart tall', id: 'chart-depth' }), ordersTable(evidence.orders ?? [])));
    mountChart('depth', view.querySelector('#chart-depth'), (p) => depthOption(p, alert, evidence));
  }

  return onLiveAlert((changed) => {
    if (changed.id === alert.id) redraw(changed);
  });
}
