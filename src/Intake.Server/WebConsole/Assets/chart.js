// Two small SVG pictures drawn without a library: a dataset's loads over time, and a running load's rate.
import { h, num } from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';
function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
  for (const child of children) el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return el;
}

/**
 * Records written and rejected per load, oldest first, as stacked bars, with the same figures as a table
 * for screen readers and for anyone who would rather read them.
 */
export function loadsChart(imports) {
  const loads = imports.filter((i) => ['completed', 'completed_with_errors', 'failed'].includes(i.status)).reverse();
  if (!loads.length) return h('p.muted', 'No finished loads yet.');
  const width = 900;
  const height = 220;
  const left = 56;
  const bottom = 24;
  const top = 8;
  const max = Math.max(1, ...loads.map((l) => l.progress.records_written + l.progress.records_rejected));
  const slot = (width - left - 8) / loads.length;
  const barWidth = Math.max(3, Math.min(40, slot * 0.7));
  const y = (v) => top + (height - top - bottom) * (1 - v / max);
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-labelledby': 'loads-chart-title' },
    s('title', { id: 'loads-chart-title' }, `Records written and rejected in the last ${loads.length} loads`),
    s('line', { class: 'axis', x1: left, y1: height - bottom, x2: width, y2: height - bottom }),
    s('line', { class: 'axis', x1: left, y1: top, x2: left, y2: height - bottom }),
    s('text', { x: left - 6, y: top + 10, 'text-anchor': 'end' }, compact(max)),
    s('text', { x: left - 6, y: height - bottom, 'text-anchor': 'end' }, '0'));
  loads.forEach((load, i) => {
    const x = left + i * slot + (slot - barWidth) / 2;
    const written = load.progress.records_written;
    const rejected = load.progress.records_rejected;
    const label = `${new Date(load.created_at).toLocaleString('en-GB')}: ${num(written)} written, ${num(rejected)} rejected`;
    svg.append(s('rect', { class: 'bar-written', x, width: barWidth, y: y(written), height: Math.max(0, height - bottom - y(written)) }, s('title', {}, label)));
    svg.append(s('rect', { class: 'bar-rejected', x, width: barWidth, y: y(written + rejected), height: Math.max(0, y(written) - y(written + rejected)) }, s('title', {}, label)));
  });
  const first = new Date(loads[0].created_at).toLocaleDateString('en-GB');
  const last = new Date(loads[loads.length - 1].created_at).toLocaleDateString('en-GB');
  svg.append(s('text', { x: left, y: height - 6 }, first), s('text', { x: width - 4, y: height - 6, 'text-anchor': 'end' }, last));
  const rows = loads.map((l) => h('tr', h('td', new Date(l.created_at).toLocaleString('en-GB')), h('td.num', num(l.progress.records_written)), h('td.num', num(l.progress.records_rejected))));
  return h('div.chart', svg,
    h('div.legend', h('span', h('span.swatch.written'), 'Written'), h('span', h('span.swatch.rejected'), 'Rejected')),
    h('details', h('summary', 'Show these figures as a table'),
      h('table', h('thead', h('tr', h('th', { scope: 'col' }, 'Load'), h('th.num', { scope: 'col' }, 'Written'), h('th.num', { scope: 'col' }, 'Rejected'))), h('tbody', rows))));
}

function compact(n) {
  if (n >= 1e6) return `${(n / 1e6).toFixed(n >= 1e7 ? 0 : 1)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(n >= 1e4 ? 0 : 1)}k`;
  return String(n);
}

/**
 * A running load's rate: records per second, from the server's figure when the live stream gives one, else
 * measured here from successive progress snapshots over the last few seconds.
 */
export class RateMeter {
  constructor() {
    this.samples = [];
    this.rates = [];
    this.label = h('span', { 'aria-live': 'off' }, '–');
    this.line = s('polyline', { points: '' });
    this.el = h('div.spark', h('span.muted', 'Rate'),
      s('svg', { viewBox: '0 0 220 40', 'aria-hidden': 'true', preserveAspectRatio: 'none' }, this.line), this.label);
    this.el.hidden = true;
  }

  /** Adds a snapshot; returns records per second (null while unknown). */
  add(progress, serverRate) {
    const now = performance.now();
    this.samples.push([now, progress.records_read]);
    while (this.samples.length > 2 && now - this.samples[0][0] > 5000) this.samples.shift();
    let rate = serverRate?.records_per_second ?? null;
    if (rate === null && this.samples.length > 1) {
      const [t0, r0] = this.samples[0];
      rate = now > t0 ? ((progress.records_read - r0) * 1000) / (now - t0) : null;
    }
    if (rate !== null) {
      this.rates.push(rate);
      if (this.rates.length > 60) this.rates.shift();
      const max = Math.max(1, ...this.rates);
      const step = 220 / Math.max(1, this.rates.length - 1);
      this.line.setAttribute('points', this.rates.map((r, i) => `${(i * step).toFixed(1)},${(38 - (r / max) * 36).toFixed(1)}`).join(' '));
      this.label.textContent = `${num(Math.round(rate))} records/s`;
      this.el.hidden = false;
    }
    return rate;
  }
}
