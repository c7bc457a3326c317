import { describe, expect, it } from 'vitest';
import { reportFiles } from '../../src/profile/report-files.js';
import { fileFormats } from '../../src/report/formats.js';

describe('report formats', () => {
  it('render every report file the profile names, each once', () => {
    expect(fileFormats.map((format) => format.output.field).sort()).toEqual(Object.keys(reportFiles).sort());
  });
});
