import { describe, expect, it } from 'vitest';
import { FileUnreadableError, ResultFileError } from '../../src/errors.js';
import { serializeResult } from '../../src/report/formats.js';
import { parseResultText, readResult } from '../../src/report/read-result.js';
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
