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

async function route() {
  if (leaveView) leaveView();
  leaveView = null;
  disposeCharts();
  clearError();
  const view = document.getElementById('view');
  view.replaceChildren();
  const target = parseRoute(window.location.hash);
  markNavigation(target.name);
  try {
    if (target.name === 'detail') leaveView = await renderDetail(view, target.id);
    else if (target.name === 'alerts') leaveView = await renderAlerts(view, target.params);
    else leaveView = await renderOverview(view);
  } catch (error) {
    showError(error);
  }
}

initTheme(document.getElementById('theme-toggle'));
startLive(document.getElementById('live-status'), document.getElementById('live-notice'));
window.addEventListener('hashchange', route);
route();
