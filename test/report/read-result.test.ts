import { describe, expect, it } from 'vitest';
import { FileUnreadableError, ResultFileError } from '../../src/errors.js';
import { serializeResult } from '../../src/report/formats.js';
import { parseResultText, readResult } from '../../src/report/read-result.js';
import { renderSummaryTable } from '../../src/report/table.js';
import { writeTempFile } from '../profile/fixtures.js';
import { fixedResult } from './fixtures.js';

function refusal(text: string): ResultFileError {
  try {
    parseResultText('r.json', text);
  } catch (error) {
    if (error instanceof ResultFileError) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('reading a saved result', () => {
  it('reads a result this version wrote', async () => {
    const path = writeTempFile('r.json', serializeResult(fixedResult()));
    expect((await readResult(path)).verdict.status).toBe('thresholds_failed');
  });

  it('reads a result of schemaVersion 1 (no findings, statuses, errors outside chaos or session ages) and renders it', () => {
    const { findings: _findings, ...current } = fixedResult();
    const { statuses: _statuses, outsideChaos: _outside, ...counts } = current.summary.counts;
    const { sessionAgeAtLoss: _ages, ...summary } = current.summary;
    const older = { ...current, schemaVersion: 1, summary: { ...summary, counts } };
    const read = parseResultText('old.json', JSON.stringify(older));
    expect(read.findings).toEqual([]);
    expect(read.summary.counts.outsideChaos).toBeUndefined();
    const text = renderSummaryTable(read, { color: false });
    expect(text).toContain('Findings\nnone: no rule found a problem');
    expect(text).toContain('FAILED: 1 of 6 thresholds failed');
  });

  it('refuses text that is not JSON', () => {
    expect(refusal('nope').message).toMatch(/^r\.json: not JSON \(/);
  });

  it('refuses JSON that another tool wrote', () => {
    const error = refusal('{"metrics": {"http_reqs": 3}}');
    expect(error.message).toBe(
      'r.json: not a session-chaos result (no tool.name "session-chaos" and schemaVersion)',
    );
    expect(error.exitCode).toBe(2);
  });

  it('refuses a newer schemaVersion and says to upgrade', () => {
    const newer = { ...fixedResult(), schemaVersion: 99, tool: { name: 'session-chaos', version: '9.0.0' } };
    const error = refusal(JSON.stringify(newer));
    expect(error.message).toBe(
      'r.json: written by session-chaos 9.0.0 with schemaVersion 99; this version reads up to 3',
    );
    expect(error.hint).toBe('upgrade session-chaos to read it');
    expect(error.exitCode).toBe(2);
  });

  it('names the fields of a damaged result', () => {
    const result = fixedResult();
    const damaged = { ...result, summary: { ...result.summary, wrongUser: 'none' }, verdict: undefined };
    expect(refusal(JSON.stringify(damaged)).message).toBe(
      'r.json: not a valid result:\n  summary.wrongUser: expected number, received string\n  verdict: expected object, received undefined',
    );
  });

  it('says when the file is missing', async () => {
    await expect(readResult('/no/such/result.json')).rejects.toThrow(FileUnreadableError);
  });
});
