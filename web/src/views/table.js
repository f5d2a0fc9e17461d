// The alert table the overview's sections and the alerts view share: one row per alert, each a
// link to its detail, with optional sortable headers.
import { el, fmtNum, fmtTime, severityCell } from '../format.js';

const COLUMNS = {
  start: { title: 'start (UTC)', sort: 'start', cell: (a) => el('td', { class: 'start' }, fmtTime(a.start)) },
  rule: { title: 'rule', sort: 'rule', cell: (a) => el('td', { class: 'rule' }, a.rule) },
  symbol: { title: 'symbol', sort: 'symbol', cell: (a) => el('td', { class: 'symbol' }, a.symbol) },
  severity: { title: 'severity', sort: 'severity', cell: (a) => severityCell(a.severity) },
  score: { title: 'score', sort: 'score', cell: (a) => el('td', { class: 'num score' }, fmtNum(a.score)) },
  status: { title: 'status', cell: (a) => el('td', { class: 'status' }, a.status) },
  accounts: {
    title: 'accounts',
    cell: (a) => el('td', { class: 'accounts' }, (a.accounts ?? []).slice(0, 4).join(', ')
      + ((a.accounts ?? []).length > 4 ? ` +${a.accounts.length - 4}` : '')),
  },
  rise: { title: 'rise %', cell: (a) => el('td', { class: 'num' }, fmtNum(a.metrics?.rise_pct)) },
  fall: { title: 'fall %', cell: (a) => el('td', { class: 'num' }, fmtNum(a.metrics?.fall_pct)) },
  why: { title: 'why', cell: (a) => el('td', { class: 'why', title: a.why }, el('div', {}, a.why)) },
};

function headerCell(name, sorting) {
  const column = COLUMNS[name];
  if (!sorting || !column.sort) return el('th', {}, column.title);
  const sorted = sorting.sort === column.sort;
  const classes = ['sortable', sorted ? 'sorted' : '', sorted && sorting.order === 'asc' ? 'asc' : ''];
  return el('th', {
    class: classes.join(' ').trim(),
    'data-sort': column.sort,
    title: 'Sort by this column',
    onclick: () => sorting.onSort(column.sort),
  }, column.title);
}

/** One row; `fresh` marks an alert that arrived live. */
export function alertRow(alert, columns, fresh = false) {
  const row = el('tr', {
    class: `link${fresh ? ' live-new' : ''}`,
    'data-id': alert.id,
    onclick: () => { window.location.hash = `#/alert/${encodeURIComponent(alert.id)}`; },
  });
  for (const name of columns) row.append(COLUMNS[name].cell(alert));
  return row;
}

/**
 * A table of `alerts` with `columns` (names above); `sorting` = {sort, order, onSort} makes the
 * headers of sortable columns clickable.
 */
export function alertTable(alerts, columns, sorting = null) {
  const body = el('tbody', {}, alerts.map((alert) => alertRow(alert, columns)));
  const table = el('table', { class: 'alerts' },
    el('thead', {}, el('tr', {}, columns.map((name) => headerCell(name, sorting)))),
    body);
  return el('div', { class: 'table-wrap' }, table);
}
