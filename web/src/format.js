// Text for numbers and times, and a small element builder the views share (text always goes in
// as text nodes, never as HTML).

export const SEVERITIES = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];
export const STATUSES = ['open', 'reviewing', 'escalated', 'dismissed', 'confirmed'];

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

export function fmtInt(value) {
  return value === undefined || value === null ? '-' : integer.format(value);
}

export function fmtNum(value) {
  return value === undefined || value === null || Number.isNaN(Number(value))
    ? '-' : decimal.format(Number(value));
}

/** "2025-01-06 12:00:00Z" from ISO-8601 text, seconds kept, fractions dropped. */
export function fmtTime(iso) {
  if (!iso) return '-';
  return String(iso).replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

/** Milliseconds for charts from nanoseconds since the epoch (a number or numeric text). */
export function nsToMs(ns) {
  return ns === null || ns === undefined ? null : Number(ns) / 1e6;
}

/** An element with attributes and children (strings become text nodes). */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (key === 'class') node.className = value;
    else node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) {
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }
  return node;
}

export function severityCell(severity) {
  return el('td', { class: `sev sev-${severity}` }, severity);
}

/** ISO-8601 UTC text for the API from a datetime-local value read as UTC. */
export function localInputToIso(value) {
  if (!value) return '';
  return value.length === 16 ? `${value}:00Z` : `${value}Z`;
}

/** The datetime-local value (UTC) for ISO-8601 text from the API or the address. */
export function isoToLocalInput(iso) {
  if (!iso) return '';
  return String(iso).replace(/Z$/, '').replace(/\.\d+$/, '').slice(0, 19);
}
