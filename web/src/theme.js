// Light and dark themes: the system's preference until the toggle picks one (remembered), and
// the chart palette read from the page's own custom properties so charts match the page.

const STORAGE_KEY = 'tapewatch-theme';
const listeners = new Set();
const systemDark = window.matchMedia('(prefers-color-scheme: dark)');

function chosenTheme() {
  const stored = window.localStorage.getItem(STORAGE_KEY);
  if (stored === 'light' || stored === 'dark') return stored;
  return systemDark.matches ? 'dark' : 'light';
}

function apply(theme) {
  document.documentElement.dataset.theme = theme;
  for (const listener of listeners) listener(theme);
}

function currentTheme() {
  return document.documentElement.dataset.theme;
}

export function onThemeChange(listener) {
  listeners.add(listener);
}

function toggleTheme() {
  const next = currentTheme() === 'dark' ? 'light' : 'dark';
  window.localStorage.setItem(STORAGE_KEY, next);
  apply(next);
}

export function initTheme(toggleButton) {
  apply(chosenTheme());
  systemDark.addEventListener('change', () => apply(chosenTheme()));
  toggleButton.addEventListener('click', toggleTheme);
}

/** The colours charts draw with, from the current theme's custom properties. */
export function palette() {
  const style = getComputedStyle(document.documentElement);
  const get = (name) => style.getPropertyValue(name).trim();
  return {
    dark: currentTheme() === 'dark',
    background: get('--panel'),
    text: get('--text'),
    muted: get('--muted'),
    border: get('--border'),
    accent: get('--accent'),
    severity: {
      LOW: get('--sev-low'),
      MEDIUM: get('--sev-medium'),
      HIGH: get('--sev-high'),
      CRITICAL: get('--sev-critical'),
    },
    buy: currentTheme() === 'dark' ? '#4cc38a' : '#1e8a55',
    sell: currentTheme() === 'dark' ? '#ff6b6b' : '#c43a3a',
    series: currentTheme() === 'dark'
      ? ['#6ea8ff', '#f0c04a', '#4cc38a', '#ff8a4f', '#c49bff', '#5fd3e0', '#ff6b9a']
      : ['#1f5fbf', '#c98a00', '#1e8a55', '#d9622b', '#7443c4', '#10818f', '#c2185b'],
  };
}
