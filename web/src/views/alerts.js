// The alert table (#/alerts?FILTERS): filters by time range, rule, severity, symbol, status and
// text, sorting by column, paging, CSV export of every match, and alerts arriving live.
import { getJson, queryString } from '../api.js';
import {
  SEVERITIES, STATUSES, el, fmtInt, isoToLocalInput, localInputToIso,
} from '../format.js';
import { onLiveAlert } from '../live.js';
import { showError } from '../notify.js';
import { alertRow, alertTable } from './table.js';

const PAGE = 50;
const FILTERS = ['from', 'to', 'rule', 'severity', 'symbol', 'status', 'q'];
const COLUMNS = ['start', 'rule', 'symbol', 'severity', 'score', 'status', 'accounts', 'why'];

function filtersOf(state) {
  return Object.fromEntries(FILTERS.filter((k) => state[k]).map((k) => [k, state[k]]));
}

/** Whether a live alert belongs in the table the filters select (the server's rules, mirrored). */
function matches(alert, state) {
  const ruleOk = !state.rule || (state.rule.endsWith('.*')
    ? alert.rule.startsWith(state.rule.slice(0, -1)) : alert.rule === state.rule);
  const text = state.q ? state.q.toLowerCase() : '';
  const haystack = [alert.why, alert.rule, alert.symbol, alert.id, ...(alert.accounts ?? [])]
    .join(' ').toLowerCase();
  const startMs = Number(alert.start_ns) / 1e6;
  return ruleOk
    && (!state.severity || alert.severity === state.severity)
    && (!state.symbol || alert.symbol === state.symbol)
    && (!state.status || alert.status === state.status)
    && (!text || haystack.includes(text))
    && (!state.from || startMs >= Date.parse(state.from))
    && (!state.to || startMs < Date.parse(state.to));
}

function select(name, label, options, value) {
  return el('label', {}, label, el('select', { name, 'data-filter': name },
    el('option', { value: '' }, 'any'),
    options.map((option) => el('option', { value: option, selected: option === value }, option))));
}

function filterForm(state, choices, onChange) {
  const changed = (event) => onChange(event.target.name, event.target.value);
  const time = (name, label) => el('label', {}, label, el('input', {
    type: 'datetime-local', step: 1, name, 'data-filter': name,
    value: isoToLocalInput(state[name]), onchange: (e) => onChange(name, localInputToIso(e.target.value)),
  }));
  let typing = null;
  const search = el('input', {
    type: 'search', name: 'q', 'data-filter': 'q', placeholder: 'text, id, account', value: state.q ?? '',
    oninput: (e) => { clearTimeout(typing); typing = setTimeout(() => onChange('q', e.target.value), 300); },
  });
  const form = el('form', { class: 'filters', onsubmit: (e) => e.preventDefault() },
    time('from', 'from (UTC)'), time('to', 'to (UTC)'),
    select('rule', 'rule', choices.rules, state.rule),
    select('severity', 'severity', SEVERITIES, state.severity),
    select('symbol', 'symbol', choices.symbols, state.symbol),
    select('status', 'status', STATUSES, state.status),
    el('label', {}, 'search', search),
    el('button', { type: 'button', onclick: () => onChange(null) }, 'clear'),
    el('a', { id: 'csv-export', download: 'alerts.csv' }, 'export CSV'));
  for (const node of form.querySelectorAll('select')) node.addEventListener('change', changed);
  return form;
}

async function loadChoices() {
  const [rules, symbols] = await Promise.all([
    getJson('/api/rules').catch(() => ({ rules: [] })),
    getJson('/api/stats/symbols').catch(() => ({ symbols: [] })),
  ]);
  const names = rules.rules.map((r) => r.name);
  const families = [...new Set(names.filter((n) => n.includes('.')).map((n) => `${n.split('.')[0]}.*`))];
  return { rules: [...families, ...names].sort(), symbols: symbols.symbols.map((s) => s.symbol).sort() };
}

function pager(state, total, go) {
  const first = total === 0 ? 0 : state.offset + 1;
  const last = Math.min(total, state.offset + PAGE);
  return el('div', { class: 'pager' },
    el('button', { type: 'button', disabled: state.offset === 0, onclick: () => go(state.offset - PAGE) }, 'previous'),
    el('span', { id: 'page-range' }, `${fmtInt(first)}-${fmtInt(last)} of ${fmtInt(total)}`),
    el('button', { type: 'button', disabled: last >= total, onclick: () => go(state.offset + PAGE) }, 'next'));
}

export async function renderAlerts(view, params) {
  const state = { sort: 'start', order: 'desc', ...params, offset: Number(params.offset ?? 0) };
  const totalNode = el('span', { id: 'alerts-total' }, '');
  const tableNode = el('div', { id: 'alerts-table' });
  const pagerNode = el('div');
  let total = 0;
  let loads = 0;

  const remember = () => {
    const query = queryString({ ...filtersOf(state), sort: state.sort, order: state.order,
      offset: state.offset || '' });
    // replaceState: the address follows the filters without a hashchange re-rendering the view.
    window.history.replaceState(null, '', `#/alerts${query}`);
    view.querySelector('#csv-export').href = `/api/alerts${queryString({ ...filtersOf(state),
      sort: state.sort, order: state.order, format: 'csv' })}`;
  };
  const goTo = (offset) => {
    state.offset = offset;
    load().catch(showError);
  };
  const showPager = () => pagerNode.replaceChildren(pager(state, total, goTo));
  const showTotal = () => {
    totalNode.textContent = `${fmtInt(total)} alert${total === 1 ? '' : 's'} match`;
  };
  const load = async () => {
    remember();
    const page = await getJson('/api/alerts', { ...filtersOf(state), sort: state.sort,
      order: state.order, limit: PAGE, offset: state.offset });
    total = page.total;
    showTotal();
    tableNode.replaceChildren(alertTable(page.alerts, COLUMNS, {
      sort: state.sort, order: state.order, onSort: (sort) => {
        state.order = state.sort === sort && state.order === 'desc' ? 'asc' : 'desc';
        state.sort = sort;
        state.offset = 0;
        load().catch(showError);
      },
    }));
    showPager();
    loads += 1;
    view.dataset.loaded = String(loads); // tests wait for this to change after a filter or page
  };
  const onChange = (name, value) => {
    if (name === null) {
      for (const key of FILTERS) delete state[key];
      for (const input of view.querySelectorAll('[data-filter]')) input.value = '';
    } else {
      state[name] = value;
    }
    state.offset = 0;
    load().catch(showError);
  };

  const choices = await loadChoices();
  if (!view.isConnected) return null; // the address changed while the choices were loading
  view.append(el('h2', {}, 'Alerts ', totalNode), filterForm(state, choices, onChange), tableNode, pagerNode);
  await load();

  return onLiveAlert((alert) => {
    const existing = tableNode.querySelector(`tr[data-id="${CSS.escape(alert.id)}"]`);
    if (existing) {
      existing.replaceWith(alertRow(alert, COLUMNS, true));
    } else if (matches(alert, state) && state.offset === 0) {
      const body = tableNode.querySelector('tbody');
      body.prepend(alertRow(alert, COLUMNS, true));
      while (body.rows.length > PAGE) body.lastElementChild.remove(); // a page stays a page
      total += 1;
      showTotal();
      showPager();
    }
  });
}
