import { renderHtml } from './html/render.js';
import { renderJunit } from './junit.js';
import { renderMarkdown } from './markdown.js';
import type { RunResult } from './result.js';
import { renderSummaryTable } from './table.js';

interface RenderOptions {
  /** ANSI colour, for the terminal table only. */
  color: boolean;
}

/** A format written to a file: the profile's `outputs.<field>`, its flag and its environment variable. */
interface FileOutput {
  field: string;
  flag: string;
  env: string;
  description: string;
}

export interface ReportFormat {
  /** The name `report --format` takes. */
  name: string;
  description: string;
  render(result: RunResult, options: RenderOptions): string;
  /** Absent for the terminal table, which every run prints. */
  output?: FileOutput;
}

export function serializeResult(result: RunResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}

/**
 * The one list of report formats (as vitest's ReportersMap, k6's output registry): the profile's `outputs`
 * fields, the run's flags and environment variables and `report --format` are all made from it, so adding a
 * format is adding a row here.
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
    output: {
      field: 'json',
      flag: '--json <file>',
      env: 'SESSION_CHAOS_JSON',
      description: 'write the result as JSON, - for stdout',
    },
  },
  {
    name: 'junit',
    description: 'the thresholds as JUnit XML',
    render: renderJunit,
    output: {
      field: 'junit',
      flag: '--junit <file>',
      env: 'SESSION_CHAOS_JUNIT',
      description: 'write thresholds as JUnit XML',
    },
  },
  {
    name: 'markdown',
    description: 'a Markdown summary (GitHub step summary)',
    render: renderMarkdown,
    output: {
      field: 'markdown',
      flag: '--markdown <file>',
      env: 'SESSION_CHAOS_MARKDOWN',
      description: 'write a Markdown summary',
    },
  },
  {
    name: 'html',
    description: 'a self-contained HTML page with the timeline, backend shares and pin map',
    render: renderHtml,
    output: {
      field: 'html',
      flag: '--html <file>',
      env: 'SESSION_CHAOS_HTML',
      description: 'write a self-contained HTML report',
    },
  },
] as const satisfies readonly ReportFormat[];

export type FormatName = (typeof reportFormats)[number]['name'];
type WithOutput = Extract<(typeof reportFormats)[number], { output: FileOutput }>;
/** The `outputs` fields that hold a report file. */
export type OutputField = WithOutput['output']['field'];

export const formatNames = reportFormats.map((format) => format.name);

export interface FileFormat extends ReportFormat {
  output: FileOutput & { field: OutputField };
}

export const fileFormats: readonly FileFormat[] = reportFormats.filter(
  (format): format is WithOutput => 'output' in format,
);

export function findFormat(name: FormatName): ReportFormat {
  const format = reportFormats.find((candidate) => candidate.name === name);
  if (format === undefined) throw new RangeError(`no report format ${name}`);
  return format;
}
