import Table from 'cli-table3';
import type { RunResult } from './result.js';
import { createStyle, type Style } from './style.js';
import { buildReportView, type Cell, type Section, type Text } from './view.js';

export interface TableOptions {
  /** Colour and box drawing; off for NO_COLOR and for output that is not a terminal (see wantsColor). */
  color: boolean;
}

const barWidth = 20;

export const noBorders = {
  top: '',
  'top-mid': '',
  'top-left': '',
  'top-right': '',
  bottom: '',
  'bottom-mid': '',
  'bottom-left': '',
  'bottom-right': '',
  left: '',
  'left-mid': '',
  mid: '',
  'mid-mid': '',
  right: '',
  'right-mid': '',
  middle: '  ',
};

function tone(style: Style, value: Text): string {
  switch (value.tone) {
    case 'good':
      return style.green(value.text);
    case 'bad':
      return style.red(value.text);
    case 'warn':
      return style.yellow(value.text);
    default:
      return value.text;
  }
}

function bar(share: number, color: boolean): string {
  const filled = Math.round(Math.min(Math.max(share, 0), 1) * barWidth);
  return color ? '█'.repeat(filled) + '░'.repeat(barWidth - filled) : '#'.repeat(filled);
}

function cell(value: Cell, style: Style, color: boolean): string {
  if (typeof value === 'string') return value;
  if ('bar' in value) return bar(value.bar, color);
  return tone(style, value);
}

/** A cli-table3 table: box drawing with colour, aligned plain columns without. */
export function newTable(
  head: readonly string[],
  align: Array<'left' | 'right'>,
  style: Style,
  color: boolean,
) {
  return new Table({
    head: head.map((heading) => (heading === '' ? '' : style.bold(heading))),
    colAligns: align,
    // cli-table3 colours through @colors/colors by default; styles are applied by the caller, once.
    style: {
      head: [],
      border: [],
      compact: true,
      'padding-left': color ? 1 : 0,
      'padding-right': color ? 1 : 0,
    },
    ...(color ? {} : { chars: noBorders }),
  });
}

/** Plain columns end in padding; logs and snapshots should not. */
export function trimLines(text: string): string {
  return text
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n');
}

function renderSection(section: Section, style: Style, color: boolean): string {
  const lines = [style.bold(section.title)];
  if (section.head.length > 0) {
    const table = newTable(section.head, section.align, style, color);
    for (const row of section.rows) table.push(row.map((value) => cell(value, style, color)));
    lines.push(table.toString());
  }
  for (const note of section.notes) {
    lines.push(tone(style, note), ...(note.detail ?? []).map((line) => `    ${line}`));
  }
  return lines.join('\n');
}

/**
 * The terminal summary of a run: pure, result in and text out (as autocannon's printResult). Without colour
 * it is plain text with aligned columns and no trailing spaces, fit for CI logs.
 */
export function renderSummaryTable(result: RunResult, options: TableOptions): string {
  const style = createStyle(options.color);
  const view = buildReportView(result);
  const blocks = [
    [style.bold(view.title), ...view.facts].join('\n'),
    ...view.sections.map((section) => renderSection(section, style, options.color)),
    style.bold(tone(style, view.verdict)),
  ];
  return trimLines(`${blocks.join('\n\n')}\n`);
}
