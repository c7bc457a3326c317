import { responseClasses } from '../../classify/types.js';
import { pinCell } from '../../metrics/pins.js';
import type { PinMap } from '../../metrics/summary.js';
import { formatCount, formatMs, formatRunTime } from '../format.js';
import type { RunResult } from '../result.js';
import { buildReportView, type Cell, type Section, type Text } from '../view.js';
import { pageAssets } from './assets.js';
import { backendColor, classColors, pageDataId, unknownBackendColor } from './palette.js';
import { chaosBands, clockOffsetMs, type PageData, sharedScales, timelineSeries } from './series.js';

/** One section of the page: a run, or a matrix scenario that may not have run. */
interface HtmlRun {
  heading: string;
  description?: string;
  /** What the matrix changed, why a scenario was skipped or failed. */
  notes: string[];
  result?: RunResult;
}

export interface HtmlPage {
  title: string;
  intro?: string[];
  /** The matrix's comparison table. */
  comparison?: { head: string[]; rows: string[][] };
  runs: HtmlRun[];
}

const escapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
function h(text: string): string {
  return text.replace(/[&<>"']/g, (char) => escapes[char] ?? char);
}

function tone(value: Text): string {
  return value.tone === undefined
    ? h(value.text)
    : `<span class="tone-${value.tone}">${h(value.text)}</span>`;
}

function cell(value: Cell): string {
  if (typeof value === 'string') return h(value);
  if ('bar' in value) {
    const percent = Math.round(Math.min(Math.max(value.bar, 0), 1) * 100);
    return `<span class="bar" style="width:${percent}px" title="${percent}%"></span>`;
  }
  return tone(value);
}

function table(
  head: readonly string[],
  rows: readonly string[][],
  align?: ReadonlyArray<'left' | 'right'>,
): string {
  const style = (index: number) => (align?.[index] === 'right' ? ' class="num"' : '');
  return [
    '<table>',
    `<thead><tr>${head.map((name, index) => `<th${style(index)}>${h(name)}</th>`).join('')}</tr></thead>`,
    '<tbody>',
    ...rows.map(
      (row) => `<tr>${row.map((value, index) => `<td${style(index)}>${value}</td>`).join('')}</tr>`,
    ),
    '</tbody></table>',
  ].join('\n');
}

function section(view: Section): string {
  return [
    `<section class="table"><h3>${h(view.title)}</h3>`,
    table(
      view.head,
      view.rows.map((row) => row.map(cell)),
      view.align,
    ),
    ...view.notes.flatMap((note) => [
      `<p class="note">${tone(note)}</p>`,
      ...(note.detail === undefined ? [] : [`<pre class="advice">${h(note.detail.join('\n'))}</pre>`]),
    ]),
    '</section>',
  ].join('\n');
}

function numbers(head: readonly string[], rows: readonly string[][]): string {
  return `<details><summary>The numbers (${formatCount(rows.length)} rows)</summary>${table(
    head,
    rows.map((row) => row.map(h)),
    head.map((_, index) => (index === 0 ? 'left' : 'right')),
  )}</details>`;
}

function figure(run: number, chart: string, caption: string, label: string, table: string): string {
  return [
    `<figure class="chart" data-chart="${chart}" data-run="${run}">`,
    `<figcaption>${caption}</figcaption>`,
    `<div class="plot" role="img" aria-label="${h(label)}"></div>`,
    table,
    '</figure>',
  ].join('\n');
}

function swatch(color: string, name: string): string {
  return `<span class="key"><span class="swatch" style="background:${color}"></span>${h(name)}</span>`;
}

function peak(values: readonly number[]): { value: number; at: number } {
  return values.reduce((best, value, at) => (value > best.value ? { value, at } : best), { value: 0, at: 0 });
}

/** A time on the charts' clock: `+3.2s`, `-0.4s`. */
function clockTime(ms: number): string {
  return ms < 0 ? `-${formatRunTime(-ms).slice(1)}` : formatRunTime(ms);
}

function pinRows(pins: PinMap, offsetMs: number): string[][] {
  const name = (code: number) =>
    code === pinCell.unknownBackend ? 'unknown' : (pins.backends[code - 1] ?? `backend ${code}`);
  return pins.vus.map((vu, row) => {
    const cells = pins.cells[row] ?? [];
    const moves: string[] = [];
    let last = pinCell.none as number;
    let mismatches = 0;
    let relogins = 0;
    let errors = 0;
    cells.forEach((value, column) => {
      const code = value & pinCell.backendMask;
      const at = clockTime(pins.from + column * pins.columnMs - offsetMs);
      if (code !== pinCell.none && code !== last) moves.push(`${name(code)} ${at}`);
      if (code !== pinCell.none) last = code;
      if (value & pinCell.mismatch) mismatches++;
      if (value & pinCell.relogin) relogins++;
      if (value & pinCell.error) errors++;
    });
    return [String(vu), moves.join(' → '), String(mismatches), String(errors), String(relogins)];
  });
}

function charts(result: RunResult, index: number): string {
  const offsetMs = clockOffsetMs(result);
  const series = timelineSeries(result.summary, offsetMs);
  const bands = chaosBands(result);
  const clock =
    result.trafficStartMs === undefined && result.summary.trafficStartedAt === undefined
      ? 'seconds from the run’s start'
      : 'seconds from the traffic phase’s start (the clock of the profile’s chaos times; logins before it are negative)';
  const busiest = peak(series.total);
  const bandText =
    bands.length === 0
      ? 'no chaos actions'
      : bands
          .map(
            (band) =>
              `${band.label} issued ${clockTime(band.at)}` +
              (band.doneAt === undefined ? '' : `, done ${clockTime(band.doneAt)}`) +
              (band.backAt === undefined ? '' : `, back ${clockTime(band.backAt)}`),
          )
          .join('; ');
  const time = (second: number) => clockTime(second * 1000);
  const timelineRows = series.seconds.map((second, i) => [
    time(second),
    ...responseClasses.map((name) => formatCount(series.classes[name][i] ?? 0)),
    formatCount(series.relogins[i] ?? 0),
  ]);
  const latencyRows = series.seconds.map((second, i) => [
    time(second),
    formatCount(series.total[i] ?? 0),
    formatMs(series.p50[i] ?? null),
    formatMs(series.p99[i] ?? null),
  ]);
  const shareRows = series.seconds.map((second, i) => {
    const total = series.backendCounts.reduce((sum, column) => sum + (column[i] ?? 0), 0);
    return [
      time(second),
      ...series.backendCounts.map((column) => {
        const count = column[i] ?? 0;
        return total === 0 ? '-' : `${formatCount(count)} (${Math.round((count / total) * 100)}%)`;
      }),
    ];
  });
  const classKeys = responseClasses.map((name) => swatch(classColors[name], name)).join('');
  const backendKeys = series.backends
    .map((name, i) => swatch(name === 'unknown' ? unknownBackendColor : backendColor(i), name))
    .join('');
  const latencyKnown = series.p50.some((value) => value !== null);
  const pins = result.summary.pins;
  const blocks = [
    figure(
      index,
      'timeline',
      `Requests per second by class, stacked (responses/s), with re-logins (dashed, /s) and chaos actions as bands: issued to done (dark), done to back (light); x: ${clock}. <span class="keys">${classKeys}</span>`,
      `Requests per second by class over ${series.seconds.length} s; peak ${formatCount(busiest.value)}/s at ${time(series.seconds[busiest.at] ?? 0)}; ` +
        `${formatCount(result.summary.relogins.total)} re-logins; chaos: ${bandText}.`,
      numbers(['second', ...responseClasses, 're-logins'], timelineRows),
    ),
    figure(
      index,
      'latency',
      `Latency per second: p50 and p99 of the responses that ended in each second (ms); x: ${clock}.`,
      latencyKnown
        ? `Latency per second: overall p50 ${formatMs(result.summary.latency.p50)}, p99 ${formatMs(result.summary.latency.p99)}.`
        : 'Latency per second: not in this result (written before schemaVersion 3).',
      numbers(['second', 'responses', 'p50', 'p99'], latencyRows),
    ),
    figure(
      index,
      'shares',
      `Each backend’s share of the responses in each second (%), stacked; x: ${clock}. <span class="keys">${backendKeys}</span>`,
      `Backend shares over time: ${Object.entries(result.summary.backendShare)
        .map(([name, share]) => `${name} ${Math.round(share.share * 100)}% overall`)
        .join(', ')}.`,
      numbers(['second', ...series.backends], shareRows),
    ),
  ];
  if (pins === undefined) {
    blocks.push('<p class="note">No pin map: this result was written before schemaVersion 3.</p>');
  } else {
    const sample =
      pins.vus.length < pins.ofVus
        ? `a sample of ${formatCount(pins.vus.length)} of ${formatCount(pins.ofVus)} VUs (every ${formatCount(pins.stride)}th)`
        : `all ${formatCount(pins.vus.length)} VUs`;
    const column =
      pins.columnMs === 1000
        ? 'one column per second'
        : `one column per ${pins.columnMs / 1000} s (downsampled)`;
    const pinKeys = pins.backends.map((name, i) => swatch(backendColor(i), name)).join('');
    blocks.push(
      figure(
        index,
        'pins',
        `Pin map: one row per VU, ${sample}, ${column}, coloured by the backend that answered last in it; ` +
          `<span class="mark mark-mismatch"></span> mismatch or wrong user, <span class="mark mark-relogin"></span> re-login, ` +
          `<span class="mark mark-error"></span> error; x: ${clock}. <span class="keys">${pinKeys}${swatch(unknownBackendColor, 'unknown')}</span>`,
        `Pin map of ${sample}: affinity ${result.summary.affinity === null ? 'n/a' : `${Math.round(result.summary.affinity * 100)}%`}, ` +
          `switch rate ${result.summary.switchRate === null ? 'n/a' : `${Math.round(result.summary.switchRate * 100)}%`}.`,
        numbers(
          ['VU', 'backends (from)', 'mismatch columns', 'error columns', 're-logins'],
          pinRows(pins, offsetMs),
        ),
      ),
    );
  }
  return `<div class="charts">${blocks.join('\n')}</div>`;
}

function runSection(run: HtmlRun, index: number, page: HtmlPage): string {
  // A page of one run has its title as the heading already.
  const heading = page.runs.length === 1 && run.heading === page.title ? '' : `<h2>${h(run.heading)}</h2>`;
  const parts = [`<section class="run" id="run-${index}">`, heading];
  if (run.description !== undefined) parts.push(`<p class="description">${h(run.description)}</p>`);
  parts.push(...run.notes.map((note) => `<p class="note">${h(note)}</p>`));
  const result = run.result;
  if (result !== undefined) {
    const view = buildReportView(result);
    const first = view.sections.filter((item) => item.title === 'Thresholds' || item.title === 'Findings');
    const rest = view.sections.filter((item) => !first.includes(item));
    parts.push(
      `<p class="verdict verdict-${view.verdict.tone ?? 'none'}">${h(view.verdict.text)}</p>`,
      `<ul class="facts">${view.facts.map((fact) => `<li>${h(fact)}</li>`).join('')}</ul>`,
      ...first.map(section),
      charts(result, index),
      ...rest.map(section),
    );
  }
  parts.push('</section>');
  return parts.join('\n');
}

/** JSON inside a script element: `<` escaped so that no `</script>` (or comment) in the data can end it. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * The HTML report: one self-contained file. The result documents are embedded as data and drawn by the
 * page's script (bundled with uPlot at build time); the content security policy allows no request at all, so
 * the page opens offline and cannot call out.
 */
export function renderReportPage(page: HtmlPage): string {
  const assets = pageAssets();
  const results = page.runs.flatMap((run) => (run.result === undefined ? [] : [run.result]));
  const data: PageData = { scales: sharedScales(results), runs: page.runs.map((run) => run.result ?? null) };
  const comparison =
    page.comparison === undefined
      ? ''
      : `<section class="table comparison"><h2>Comparison</h2>${table(
          page.comparison.head,
          page.comparison.rows.map((row) => row.map(h)),
        )}</section>`;
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">`,
    `<title>${h(page.title)}</title>`,
    `<style>${assets.style}</style>`,
    '</head><body><main>',
    `<header><h1>${h(page.title)}</h1>${(page.intro ?? []).map((line) => `<p>${h(line)}</p>`).join('')}</header>`,
    comparison,
    ...page.runs.map((run, index) => runSection(run, index, page)),
    '</main>',
    `<script type="application/json" id="${pageDataId}">${scriptJson(data)}</script>`,
    `<script>${assets.script.replace(/<\/script/gi, '<\\/script')}</script>`,
    '</body></html>',
    '',
  ].join('\n');
}

/** `--html FILE`, `report --format html`: the page of one run. */
export function renderHtml(result: RunResult): string {
  const title = buildReportView(result).title;
  return renderReportPage({ title, runs: [{ heading: title, notes: [], result }] });
}
