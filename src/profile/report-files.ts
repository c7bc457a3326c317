/**
 * The report formats that write a file, as a profile, a flag and an environment variable name them: the
 * profile's `outputs.<field>`, `--<field> <file>`, `SESSION_CHAOS_<FIELD>`. The renderers are the report
 * layer's (src/report/formats.ts gives each of these fields its format); the profile, which every layer reads,
 * needs only the names.
 */
export const reportFiles = {
  json: {
    flag: '--json <file>',
    env: 'SESSION_CHAOS_JSON',
    description: 'write the result as JSON, - for stdout',
  },
  junit: {
    flag: '--junit <file>',
    env: 'SESSION_CHAOS_JUNIT',
    description: 'write thresholds as JUnit XML',
  },
  markdown: {
    flag: '--markdown <file>',
    env: 'SESSION_CHAOS_MARKDOWN',
    description: 'write a Markdown summary',
  },
  html: {
    flag: '--html <file>',
    env: 'SESSION_CHAOS_HTML',
    description: 'write a self-contained HTML report',
  },
} as const;

/** The `outputs` fields that hold a report file. */
export type OutputField = keyof typeof reportFiles;

/** A format written to a file: its `outputs` field, its flag and its environment variable. */
export interface FileOutput {
  field: OutputField;
  flag: string;
  env: string;
  description: string;
}

export const reportFileOutputs: readonly FileOutput[] = Object.entries(reportFiles).map(([field, file]) => ({
  field: field as OutputField,
  ...file,
}));
