import { describe, expect, it } from 'vitest';
import { serializeResult } from '../../src/report/formats.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { parseResultText } from '../../src/report/read-result.js';
import { renderSummaryTable } from '../../src/report/table.js';
import { resultValidator } from '../helpers/result-validator.js';
import { fixedEngine, snapshotResult } from './fixtures.js';

const openModel = {
  users: 20,
  loggedIn: 17,
  failedRelogins: 0,
  lateArrivals: 312,
};

describe("the engine's facts in the result", () => {
  it('carry users planned and logged in, failed re-logins, late arrivals and the background pressure', () => {
    const document = JSON.parse(serializeResult(snapshotResult())) as Record<string, unknown>;
    expect(document.engine).toEqual(fixedEngine);
    const validate = resultValidator();
    expect(validate(document), JSON.stringify(validate.errors)).toBe(true);
  });

  it('validate against the shipped schema without background pressure, and read back', () => {
    const result = snapshotResult({ engine: openModel });
    const text = serializeResult(result);
    expect(resultValidator()(JSON.parse(text))).toBe(true);
    expect(parseResultText('r.json', text).engine).toEqual(openModel);
  });

  it('are optional: a result written before they existed still validates and reads', () => {
    const { engine: _engine, ...older } = snapshotResult();
    const text = serializeResult(older);
    expect(resultValidator()(JSON.parse(text))).toBe(true);
    expect(parseResultText('r.json', text).engine).toBeUndefined();
    expect(renderSummaryTable(older, { color: false })).not.toContain('logged in');
  });

  it('are refused by the schema when a count is not a count', () => {
    const document = JSON.parse(serializeResult(snapshotResult())) as Record<string, unknown>;
    const broken = { ...document, engine: { ...openModel, lateArrivals: -1 } };
    expect(resultValidator()(broken)).toBe(false);
    expect(() => parseResultText('r.json', JSON.stringify(broken))).toThrow(/engine\.lateArrivals/);
  });

  it('show in the table and the Markdown: late arrivals when there were some, users who logged in', () => {
    const result = snapshotResult({ engine: openModel });
    for (const output of [renderSummaryTable(result, { color: false }), renderMarkdown(result)]) {
      expect(output).toContain(
        '17 of 20 users logged in; 312 arrivals due but never sent (every user was busy)',
      );
      expect(output).not.toContain('background pressure');
      expect(output).not.toContain('failed re-login');
    }
    expect(renderSummaryTable(snapshotResult(), { color: false })).toContain(
      'background pressure on /healthz: 500 responses in 10s (50 req/s, target 50; 1 error, 0 non-2xx)',
    );
  });

  it('say so when the run never reached the traffic phase', () => {
    const result = snapshotResult({ engine: { users: 20 } });
    expect(renderSummaryTable(result, { color: false })).toContain(
      '20 users planned, none reached the traffic phase',
    );
  });
});
