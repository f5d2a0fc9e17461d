// The chart registry: every ECharts instance on the page by name, rebuilt from its data when the
// theme changes and resized with its box. window.tapewatch.charts exposes it (tests and the
// first-render measurement read the options and render times from there).
import { palette, onThemeChange } from './theme.js';

const charts = new Map();
const resizer = new ResizeObserver((entries) => {
  for (const entry of entries) window.echarts.getInstanceByDom(entry.target)?.resize();
});

function seriesHaveData(option) {
  const series = [].concat(option.series ?? []);
  return series.some((s) => Array.isArray(s.data) && s.data.length > 0);
}

function render(entry) {
  const option = entry.build(palette());
  entry.hasData = seriesHaveData(option);
  if (!entry.hasData) {
    option.graphic = [{
      type: 'text', left: 'center', top: 'middle',
      style: { text: 'no data', fill: palette().muted, fontSize: 14 },
    }];
  }
  entry.instance.setOption(option, true);
}

/** Draws the option `build(palette)` returns into `container`, under `name`. */
export function mountChart(name, container, build) {
  charts.get(name)?.instance.dispose();
  const entry = { instance: window.echarts.init(container), build, hasData: false, renderedAt: null };
  entry.instance.on('rendered', () => {
    if (entry.hasData && entry.renderedAt === null) entry.renderedAt = performance.now();
  });
  charts.set(name, entry);
  resizer.observe(container);
  render(entry);
  return entry.instance;
}

/** Forgets every chart (the view that drew them is going away). */
export function disposeCharts() {
  for (const entry of charts.values()) {
    resizer.unobserve(entry.instance.getDom());
    entry.instance.dispose();
  }
  charts.clear();
}

onThemeChange(() => {
  for (const entry of charts.values()) render(entry);
});

window.tapewatch = Object.assign(window.tapewatch ?? {}, { charts });

/** What every chart shares: theme colours for text, tooltip and legend. */
export function baseOption(p, extra = {}) {
  return {
    backgroundColor: 'transparent',
    color: p.series,
    textStyle: { color: p.text },
    // No entry animation: a large store's charts cost enough frames already, and every frame
    // shows the data as it is.
    animation: false,
    tooltip: {
      backgroundColor: p.background,
      borderColor: p.border,
      textStyle: { color: p.text },
    },
    legend: { top: 0, textStyle: { color: p.text }, inactiveColor: p.border },
    grid: { left: 16, right: 24, top: 36, bottom: 16, containLabel: true },
    ...extra,
  };
}

/** An axis in theme colours (labels, line, grid lines). */
export function axis(p, extra = {}) {
  return {
    axisLabel: { color: p.muted, hideOverlap: true },
    axisLine: { lineStyle: { color: p.border } },
    axisTick: { lineStyle: { color: p.border } },
    splitLine: { lineStyle: { color: p.border, opacity: 0.7 } },
    nameTextStyle: { color: p.muted },
    ...extra,
  };
}

/** Zoom by wheel and a slider under the grid, for long time axes. */
export function timeZoom(p, xAxisIndex = 0) {
  return [
    { type: 'inside', xAxisIndex },
    {
      type: 'slider', xAxisIndex, height: 18, bottom: 4,
      textStyle: { color: p.muted }, borderColor: p.border,
    },
  ];
}
