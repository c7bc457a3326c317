import type { RunResult } from './result.js';
import { buildReportView, type Cell, type Note, type Section, type Text } from './view.js';

const barWidth = 10;

function escapeCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function toneText(value: Text): string {
  if (value.text === '') return '';
  if (value.tone === 'bad') return `**${value.text}**`;
  return value.text;
}

function cell(value: Cell): string {
  if (typeof value === 'string') return escapeCell(value);
  if ('bar' in value) {
    const filled = Math.round(Math.min(Math.max(value.bar, 0), 1) * barWidth);
    return '█'.repeat(filled) + '░'.repeat(barWidth - filled);
  }
  return toneText({ ...value, text: escapeCell(value.text) });
}

function renderSection(section: Section): string {
  const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const lines = [`### ${section.title}`];
  if (section.head.length > 0) {
    lines.push(
      '',
      row(section.head.map(escapeCell)),
      row(section.align.map((align) => (align === 'right' ? '---:' : '---'))),
      ...section.rows.map((cells) => row(cells.map(cell))),
    );
  }
  // A section of lines alone is a list, so that each sentence stays a paragraph of its own.
  const bullet = section.head.length > 0 ? '' : '- ';
  // Detail lines are a config to copy: a code block inside the item (indented to its text).
  const indent = ' '.repeat(bullet.length);
  const detail = (note: Note): string[] =>
    note.detail === undefined
      ? []
      : ['', ...['```', ...note.detail, '```'].map((line) => `${indent}${line}`)];
  if (section.notes.length > 0) {
    lines.push('', ...section.notes.flatMap((note) => [`${bullet}${toneText(note)}`, ...detail(note)]));
  }
  return lines.join('\n');
}

const verdictMark = { good: '✅', bad: '❌', warn: '⚠️' } as const;

/** A summary of the run for a CI job page (GitHub's step summary renders it), from the same view as the table. */
export function renderMarkdown(result: RunResult): string {
  const view = buildReportView(result);
  const mark = view.verdict.tone === undefined ? '' : `${verdictMark[view.verdict.tone]} `;
  const blocks = [
    `## ${escapeCell(view.title)}`,
    `${mark}**${view.verdict.text}**`,
    view.facts.join('  \n'),
    ...view.sections.map(renderSection),
  ];
  return `${blocks.join('\n\n')}\n`;
}
