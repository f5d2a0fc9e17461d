// The dashboard's entry point: theme, live stream, and the hash routes
// #/ (overview), #/alerts?FILTERS (the alert table) and #/alert/ID (one alert and its replay).
import { disposeCharts } from './charts.js';
import { startLive } from './live.js';
import { clearError, showError } from './notify.js';
import { initTheme } from './theme.js';
import { renderAlerts } from './views/alerts.js';
import { renderDetail } from './views/detail.js';
import { renderOverview } from './views/overview.js';

let leaveView = null;
let navigation = 0;

function parseRoute(hash) {
  const [path, query = ''] = hash.replace(/^#/, '').split('?');
  const params = Object.fromEntries(new URLSearchParams(query));
  const detail = path.match(/^\/alert\/(.+)$/);
  if (detail) return { name: 'detail', id: decodeURIComponent(detail[1]), params };
  if (path === '/alerts') return { name: 'alerts', params };
  return { name: 'overview', params };
}

function markNavigation(name) {
  for (const link of document.querySelectorAll('nav a')) {
    link.classList.toggle('current', link.dataset.route === name
      || (name === 'detail' && link.dataset.route === 'alerts'));
  }
}

function render(page, target) {
  if (target.name === 'detail') return renderDetail(page, target.id);
  if (target.name === 'alerts') return renderAlerts(page, target.params);
  return renderOverview(page);
}

async function route() {
  if (leaveView) leaveView();
  leaveView = null;
  disposeCharts();
  clearError();
  // Each view renders into a page of its own: one still loading when the address changes
  // again fills a detached page instead of the new one.
  navigation += 1;
  const current = navigation;
  const page = document.createElement('div');
  document.getElementById('view').replaceChildren(page);
  const target = parseRoute(window.location.hash);
  markNavigation(target.name);
  try {
    const leave = await render(page, target);
    if (current === navigation) leaveView = leave;
    else if (leave) leave();
  } catch (error) {
    if (current === navigation) showError(error);
  }
}

initTheme(document.getElementById('theme-toggle'));
startLive(document.getElementById('live-status'), document.getElementById('live-notice'));
window.addEventListener('hashchange', route);
route();
