import { type FileOutput, type OutputField, reportFiles } from '../profile/report-files.js';
import { renderHtml } from './html/render.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import type { RunResult } from './result.js';
import { renderSummaryTable } from './table.js';

interface RenderOptions {
  /** ANSI colour, for the terminal table only. */
  color: boolean;
}

export interface ReportFormat {
  /** The name `report --format` takes. */
  name: string;
  description: string;
  render(result: RunResult, options: RenderOptions): string;
  /** Absent for the terminal table, which every run prints. */
  output?: FileOutput;
}

function fileOutput(field: OutputField): FileOutput {
  return { field, ...reportFiles[field] };
}

export function serializeResult(result: RunResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}

/**
 * The one list of report formats (as vitest's ReportersMap, k6's output registry): `report --format` and the
 * files a run writes are made from it. A format that writes a file also has a row in src/profile/report-files.ts,
 * which names its `outputs` field, flag and environment variable for the profile layer.
 */
export const reportFormats = [
  {
    name: 'table',
    description: 'the terminal tables',
    render: (result, options) => renderSummaryTable(result, options),
  },
  {
    name: 'json',
    description: 'the result document',
    render: serializeResult,
    output: fileOutput('json'),
  },
  {
    name: 'junit',
    description: 'the thresholds as JUnit XML',
    render: renderJunit,
    output: fileOutput('junit'),
  },
  {
    name: 'markdown',
    description: 'a Markdown summary (GitHub step summary)',
    render: renderMarkdown,
    output: fileOutput('markdown'),
  },
  {
    name: 'html',
    description: 'a self-contained HTML page with the timeline, backend shares and pin map',
    render: renderHtml,
    output: fileOutput('html'),
  },
] as const satisfies readonly ReportFormat[];

export type FormatName = (typeof reportFormats)[number]['name'];
type WithOutput = Extract<(typeof reportFormats)[number], { output: FileOutput }>;

export const formatNames = reportFormats.map((format) => format.name);

export interface FileFormat extends ReportFormat {
  output: FileOutput;
}

export const fileFormats: readonly FileFormat[] = reportFormats.filter(
  (format): format is WithOutput => 'output' in format,
);

export function findFormat(name: FormatName): ReportFormat {
  const format = reportFormats.find((candidate) => candidate.name === name);
  if (format === undefined) throw new RangeError(`no report format ${name}`);
  return format;
}
