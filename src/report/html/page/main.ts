// The HTML report's script: runs in the browser, reads the embedded result documents and draws the charts.
// Bundled with uPlot by scripts/page-bundle.mjs into dist/report-page/page.js, which the renderer inlines.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import './page.css';
import { responseClasses } from '../../../classify/types.js';
import { pinCell } from '../../../metrics/pins.js';
import type { PinMap } from '../../../metrics/summary.js';
import type { RunResult } from '../../result.js';
import { backendColor, bandColors, classColors, pageDataId, unknownBackendColor } from '../palette.js';
import {
  type ChaosBand,
  type ChartScales,
  chaosBands,
  clockOffsetMs,
  type PageData,
  timelineSeries,
} from '../series.js';

/** What the browser test reads back: each chart and how many data points it was given. */
interface DrawnChart {
  run: number;
  chart: string;
  points: number;
  /** The seconds the x axis spans, on the charts' clock. */
  from: number;
  to: number;
}

declare global {
  interface Window {
    sessionChaosReport?: { charts: DrawnChart[]; done: boolean };
  }
}

/** The y axis has a fixed width so every chart's plot area, and the pin map's, starts at the same x. */
const axisWidth = 56;
const chartHeight = 200;
const axisFont = '12px system-ui, sans-serif';

function stacked(rows: ReadonlyArray<ReadonlyArray<number | null>>): number[][] {
  const sums: number[][] = [];
  rows.forEach((row, index) => {
    const below = sums[index - 1];
    sums.push(row.map((value, i) => (value ?? 0) + (below?.[i] ?? 0)));
  });
  return sums;
}

/** A time on the charts' clock: +3s, -0.5s. */
function signed(seconds: number): string {
  return `${seconds < 0 ? '-' : '+'}${+Math.abs(seconds).toFixed(2)}s`;
}

function timeAxis(): uPlot.Axis {
  return { font: axisFont, values: (_u, ticks) => ticks.map(signed) };
}

function valueAxis(unit: string): uPlot.Axis {
  return { font: axisFont, size: axisWidth, label: unit, labelFont: axisFont, labelSize: 14 };
}

/** Chaos actions as bands over a plot area: issued to done, done to back, with the action's name. */
function placeBands(
  over: HTMLElement,
  bands: readonly ChaosBand[],
  toX: (seconds: number) => number,
  withLabels: boolean,
): void {
  for (const old of over.querySelectorAll('.band, .band-label')) old.remove();
  for (const band of bands) {
    const issued = toX(band.at / 1000);
    const done = toX((band.doneAt ?? band.at) / 1000);
    const back = toX((band.backAt ?? band.doneAt ?? band.at) / 1000);
    const add = (className: string, left: number, right: number, color: string): void => {
      const element = document.createElement('div');
      element.className = `band ${className}`;
      element.dataset.at = String(band.at);
      element.dataset.id = band.id;
      element.style.left = `${left}px`;
      element.style.width = `${Math.max(2, right - left)}px`;
      element.style.background = color;
      element.title = band.label;
      over.append(element);
    };
    add('band-acting', issued, done, bandColors.acting);
    if (back > done) add('band-down', done, back, bandColors.down);
    if (withLabels) {
      const label = document.createElement('div');
      label.className = 'band-label';
      label.style.left = `${issued + 3}px`;
      label.textContent = band.label;
      over.append(label);
    }
  }
}

function bandsPlugin(bands: readonly ChaosBand[], withLabels: boolean): uPlot.Plugin {
  const place = (u: uPlot): void => placeBands(u.over, bands, (s) => u.valToPos(s, 'x'), withLabels);
  return { hooks: { ready: [place], setSize: [place] } };
}

interface Layer {
  label: string;
  color: string;
  values: Array<number | null>;
  fill?: boolean;
  dash?: number[];
  /** What the legend shows for a stacked layer: its own value, not the stack's height. */
  own?: ReadonlyArray<number | null>;
}

function plot(
  element: HTMLElement,
  scales: ChartScales,
  xs: number[],
  layers: Layer[],
  y: { unit: string; max: number },
  bands: readonly ChaosBand[],
  labels: boolean,
): uPlot {
  const stepped = uPlot.paths.stepped?.({ align: 1 });
  const options: uPlot.Options = {
    width: Math.max(320, element.clientWidth),
    height: chartHeight,
    scales: { x: { time: false, range: [scales.from, scales.to] }, y: { range: [0, y.max] } },
    axes: [timeAxis(), valueAxis(y.unit)],
    legend: { live: true },
    cursor: { drag: { x: false, y: false } },
    series: [
      { label: 'time (s)', value: (_u, v) => (v === null ? '' : signed(v)) },
      ...layers.map(
        (layer): uPlot.Series => ({
          label: layer.label,
          stroke: layer.color,
          width: layer.fill ? 0.5 : 2,
          ...(layer.fill ? { fill: layer.color } : {}),
          ...(layer.dash === undefined ? {} : { dash: layer.dash }),
          ...(layer.own === undefined
            ? {}
            : {
                value: (_u: uPlot, _v: number | null, _s: number, i: number | null) =>
                  i === null ? '' : String(layer.own?.[i] ?? ''),
              }),
          ...(stepped === undefined ? {} : { paths: stepped }),
          points: { show: false },
          spanGaps: false,
        }),
      ),
    ],
    plugins: [bandsPlugin(bands, labels)],
  };
  // Each value covers its second [s, s + 1): a closing point repeats the last value, so the last second is
  // drawn to its end rather than cut at its start.
  const last = xs[xs.length - 1];
  const data: uPlot.AlignedData =
    last === undefined
      ? [xs, ...layers.map((layer) => layer.values)]
      : [
          [...xs, last + 1],
          ...layers.map((layer) => [...layer.values, layer.values[layer.values.length - 1] ?? null]),
        ];
  return new uPlot(options, data, element);
}

/** Stacked areas are drawn top first, so each lower layer paints over the one above; the legend shows each layer's own value. */
function stackedLayers(names: readonly string[], colors: readonly string[], rows: number[][]): Layer[] {
  const sums = stacked(rows);
  return names
    .map((name, index) => ({
      label: name,
      color: colors[index] ?? unknownBackendColor,
      values: sums[index] ?? [],
      own: rows[index] ?? [],
      fill: true,
    }))
    .reverse();
}

function drawTimeline(element: HTMLElement, result: RunResult, scales: ChartScales): number {
  const series = timelineSeries(result.summary, clockOffsetMs(result));
  const rows = responseClasses.map((name) => series.classes[name]);
  const layers = [
    ...stackedLayers(
      responseClasses,
      responseClasses.map((name) => classColors[name]),
      rows,
    ),
    { label: 're-logins', color: '#000000', values: series.relogins, dash: [6, 3] },
  ];
  plot(
    element,
    scales,
    series.seconds,
    layers,
    { unit: 'responses/s', max: scales.requests * 1.05 },
    chaosBands(result),
    true,
  );
  return series.seconds.length;
}

function drawLatency(element: HTMLElement, result: RunResult, scales: ChartScales): number {
  const series = timelineSeries(result.summary, clockOffsetMs(result));
  plot(
    element,
    scales,
    series.seconds,
    [
      { label: 'p50 (ms)', color: classColors.ok, values: series.p50 },
      { label: 'p99 (ms)', color: classColors.mismatch, values: series.p99 },
    ],
    { unit: 'ms', max: scales.latency * 1.1 },
    chaosBands(result),
    false,
  );
  return series.p50.filter((value) => value !== null).length;
}

function drawShares(element: HTMLElement, result: RunResult, scales: ChartScales): number {
  const series = timelineSeries(result.summary, clockOffsetMs(result));
  const totals = series.seconds.map((_second, i) =>
    series.backendCounts.reduce((sum, column) => sum + (column[i] ?? 0), 0),
  );
  const shares = series.backendCounts.map((column) =>
    column.map((count, second) => {
      const total = totals[second] ?? 0;
      return total === 0 ? 0 : (count / total) * 100;
    }),
  );
  const colors = series.backends.map((name, index) =>
    name === 'unknown' ? unknownBackendColor : backendColor(index),
  );
  plot(
    element,
    scales,
    series.seconds,
    stackedLayers(series.backends, colors, shares),
    { unit: '% of responses', max: 100 },
    chaosBands(result),
    false,
  );
  return totals.filter((total) => total > 0).length;
}

function drawPins(element: HTMLElement, result: RunResult, scales: ChartScales): number {
  const pins: PinMap | undefined = result.summary.pins;
  if (pins === undefined) return 0;
  const rowHeight = Math.max(2, Math.min(14, Math.floor(360 / Math.max(1, pins.vus.length))));
  const width = Math.max(320, element.clientWidth);
  const plotWidth = width - axisWidth - 8;
  const height = pins.vus.length * rowHeight + 24;
  const ratio = window.devicePixelRatio || 1;
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  const context = canvas.getContext('2d');
  if (context === null) return 0;
  context.scale(ratio, ratio);
  const span = scales.to - scales.from;
  const toX = (seconds: number): number => ((seconds - scales.from) / span) * plotWidth;
  const columnWidth = Math.max(1, (pins.columnMs / 1000 / span) * plotWidth);
  const offsetMs = clockOffsetMs(result);
  let cells = 0;
  pins.cells.forEach((row, r) => {
    const top = r * rowHeight;
    row.forEach((value, column) => {
      const code = value & pinCell.backendMask;
      if (code === pinCell.none) return;
      const left = axisWidth + toX((pins.from + column * pins.columnMs - offsetMs) / 1000);
      context.fillStyle = code === pinCell.unknownBackend ? unknownBackendColor : backendColor(code - 1);
      context.fillRect(left, top, columnWidth, rowHeight - (rowHeight > 3 ? 1 : 0));
      cells++;
      const middle = top + rowHeight / 2;
      if (value & pinCell.error) {
        context.fillStyle = '#000000';
        context.fillRect(
          left,
          top + rowHeight - Math.max(1, rowHeight / 4),
          columnWidth,
          Math.max(1, rowHeight / 4),
        );
      }
      if (value & pinCell.mismatch) {
        context.fillStyle = '#000000';
        const size = Math.max(2, Math.min(columnWidth, rowHeight) * 0.6);
        context.fillRect(left + columnWidth / 2 - size / 2, middle - size / 2, size, size);
      }
      if (value & pinCell.relogin) {
        context.fillStyle = '#ffffff';
        context.strokeStyle = '#000000';
        const radius = Math.max(1.5, Math.min(columnWidth, rowHeight) * 0.3);
        context.beginPath();
        context.arc(
          left + Math.min(columnWidth / 4 + radius, columnWidth / 2),
          middle,
          radius,
          0,
          2 * Math.PI,
        );
        context.fill();
        context.stroke();
      }
    });
  });
  // Row labels (a few VU ids) and the time axis.
  context.fillStyle = '#333333';
  context.font = axisFont;
  context.textBaseline = 'middle';
  const labelEvery = Math.ceil(14 / rowHeight);
  pins.vus.forEach((vu, r) => {
    if (r % labelEvery === 0) context.fillText(`VU ${vu}`, 2, r * rowHeight + rowHeight / 2);
  });
  const axisTop = pins.vus.length * rowHeight + 12;
  const step = Math.max(1, Math.ceil(span / 10));
  for (let second = Math.ceil(scales.from); second <= scales.to; second += step) {
    context.fillText(signed(second), axisWidth + toX(second) - 8, axisTop);
  }
  const holder = document.createElement('div');
  holder.className = 'pins';
  const over = document.createElement('div');
  over.className = 'pins-over';
  over.style.left = `${axisWidth}px`;
  over.style.width = `${plotWidth}px`;
  over.style.height = `${pins.vus.length * rowHeight}px`;
  holder.append(canvas, over);
  element.append(holder);
  placeBands(over, chaosBands(result), toX, false);
  return cells;
}

const draw: Record<string, (element: HTMLElement, result: RunResult, scales: ChartScales) => number> = {
  timeline: drawTimeline,
  latency: drawLatency,
  shares: drawShares,
  pins: drawPins,
};

function main(): void {
  const data = JSON.parse(document.getElementById(pageDataId)?.textContent ?? '{}') as PageData;
  const report = { charts: [] as DrawnChart[], done: false };
  window.sessionChaosReport = report;
  for (const figure of document.querySelectorAll<HTMLElement>('figure.chart')) {
    const run = Number(figure.dataset.run);
    const chart = figure.dataset.chart ?? '';
    const result = data.runs?.[run];
    const element = figure.querySelector<HTMLElement>('.plot');
    const drawChart = draw[chart];
    if (result === null || result === undefined || element === null || drawChart === undefined) continue;
    const points = drawChart(element, result, data.scales);
    report.charts.push({ run, chart, points, from: data.scales.from, to: data.scales.to });
  }
  report.done = true;
  document.documentElement.dataset.drawn = 'true';
}

main();
