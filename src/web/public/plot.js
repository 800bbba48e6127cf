// Interactive line plots with uPlot (served from node_modules by this service): drag to zoom on energy,
// double-click to zoom out, hover to read every curve's value in the legend.
/* global uPlot */
import { h } from './dom.js';

/** Colours for overlaid curves (the measurement is drawn in black). */
export const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf', '#bcbd22', '#7f7f7f'];

/** Sorted copies of x and each y (uPlot needs increasing x). */
function sortedTable(x, ys) {
  const order = x.map((_, i) => i).sort((a, b) => x[a] - x[b]);
  return [order.map((i) => x[i]), ...ys.map((y) => order.map((i) => y[i]))];
}

/**
 * A line plot of curves with their own energy axes, in `container`:
 * `curves`: [{ label, x, y, color, width, dash }]; `band`: { x, lower, upper, label, color } drawn as a filled
 * region (e.g. ±σ); `yLabel`; `initialRange`: [from, to] eV shown first (double-click shows everything).
 * Returns the uPlot instance (its element is `.uplot` inside the container).
 */
export function linePlot(container, { curves, band = null, xLabel = 'Energy (eV)', yLabel = 'μ (normalised)', height = 360, initialRange = null }) {
  const tables = curves.map((c) => sortedTable(c.x, [c.y]));
  const series = [{ label: 'E (eV)', value: (_, v) => (v === null || v === undefined ? '—' : v.toFixed(2)) }];
  for (const c of curves) {
    series.push({ label: c.label, stroke: c.color, width: c.width ?? 1.5, dash: c.dash, spanGaps: true, value: (_, v) => (v === null || v === undefined ? '—' : v.toFixed(4)) });
  }
  const bands = [];
  if (band) {
    tables.push(sortedTable(band.x, [band.upper, band.lower]));
    const upperIndex = series.length;
    series.push({ label: `${band.label} (upper)`, stroke: band.color, width: 0.5, spanGaps: true, value: (_, v) => (v === null || v === undefined ? '—' : v.toFixed(4)) });
    series.push({ label: `${band.label} (lower)`, stroke: band.color, width: 0.5, spanGaps: true, value: (_, v) => (v === null || v === undefined ? '—' : v.toFixed(4)) });
    bands.push({ series: [upperIndex, upperIndex + 1], fill: band.fill ?? 'rgba(31, 95, 191, 0.18)' });
  }
  const data = tables.length === 1 ? tables[0] : uPlot.join(tables);
  const width = Math.max(320, container.clientWidth || 800);
  const plot = new uPlot(
    {
      width,
      height,
      series,
      bands,
      scales: { x: { time: false } },
      axes: [{ label: xLabel }, { label: yLabel, size: 60 }],
      cursor: { drag: { x: true, y: false }, focus: { prox: 16 } },
      focus: { alpha: 0.35 },
      legend: { live: true },
    },
    data,
    container,
  );
  if (initialRange) plot.setScale('x', { min: initialRange[0], max: initialRange[1] });
  if (typeof ResizeObserver === 'function') {
    const observer = new ResizeObserver(() => {
      const next = Math.max(320, container.clientWidth);
      if (Math.abs(next - plot.width) > 4) plot.setSize({ width: next, height });
    });
    observer.observe(container);
  }
  return plot;
}

/** A plot container with the interaction hint under it. */
export function plotPanel(testId) {
  const container = h('div', { class: 'plot', 'data-testid': testId });
  const hint = h('p', { class: 'plot-hint' }, 'Drag across the plot to zoom in on an energy range, double-click to zoom out; hover to read the values.');
  return { container, elements: [container, hint] };
}
