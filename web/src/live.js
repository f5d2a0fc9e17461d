// Live mode: one EventSource on /api/stream for the whole page. Views subscribe to the alerts it
// delivers (new ones and status changes alike); a notice counts what arrived since the page
// opened so an analyst sees the data moved without reloading.
import { el } from './format.js';

const subscribers = new Set();
const state = { received: 0, connected: false };

export function onLiveAlert(subscriber) {
  subscribers.add(subscriber);
  return () => subscribers.delete(subscriber);
}

function showNotice(notice, alert) {
  notice.replaceChildren(
    el('strong', {}, 'Live: '),
    `${state.received} alert${state.received === 1 ? '' : 's'} written or changed since this page opened; latest `,
    el('a', { href: `#/alert/${encodeURIComponent(alert.id)}` }, `${alert.rule} on ${alert.symbol}`),
    ` (${alert.severity}, ${alert.status}).`,
  );
  notice.hidden = false;
}

function setStatus(statusNode, connected) {
  state.connected = connected;
  statusNode.textContent = connected ? 'live: on' : 'live: reconnecting';
  statusNode.classList.toggle('on', connected);
}

export function startLive(statusNode, notice) {
  // EventSource reconnects by itself and sends Last-Event-ID, so nothing is lost in between.
  const source = new EventSource('/api/stream');
  source.addEventListener('open', () => setStatus(statusNode, true));
  source.addEventListener('error', () => setStatus(statusNode, false));
  source.addEventListener('alert', (event) => {
    let alert;
    try {
      alert = JSON.parse(event.data);
    } catch {
      return;
    }
    state.received += 1;
    showNotice(notice, alert);
    for (const subscriber of subscribers) subscriber(alert);
  });
  window.tapewatch = Object.assign(window.tapewatch ?? {}, { live: state });
}
