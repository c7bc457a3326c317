import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ResponseRecord } from '../../src/classify/record.js';
import { FileUnreadableError } from '../../src/errors.js';
import { openTrace } from '../../src/traffic/trace.js';

const record = (index: number): ResponseRecord => ({
  vu: index % 7,
  user: `user${index % 7}`,
  requestId: `r-${index}`,
  request: 'GET /me',
  method: 'GET',
  path: '/me',
  intendedStart: index,
  start: index,
  end: index + 1,
  status: 200,
  headers: {},
  cookies: {},
  body: 'x'.repeat(200),
  bodyBytes: 200,
  bodyTruncated: false,
  hadSession: true,
});

describe('openTrace', () => {
  it('writes one line per record and makes the writer wait when the buffer is full', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'trace-'));
    try {
      const path = join(dir, 'trace.jsonl');
      const trace = await openTrace(path);
      let waits = 0;
      for (let index = 0; index < 5000; index++) {
        const pending = trace.onResponse(record(index), { class: 'ok', backend: 'b1' });
        if (pending instanceof Promise) {
          waits += 1;
          await pending;
        }
      }
      await trace.close();
      const lines = (await readFile(path, 'utf8')).trim().split('\n');
      // The first line names the clock of every time in the file.
      expect(JSON.parse(lines.shift() ?? '')).toEqual({ type: 'clock', origin: 'run_start' });
      expect(lines).toHaveLength(5000);
      expect(JSON.parse(lines[42] ?? '')).toMatchObject({
        type: 'response',
        requestId: 'r-42',
        class: 'ok',
        backend: 'b1',
      });
      expect(lines[0]).not.toContain('xxxx');
      expect(waits).toBeGreaterThan(0);
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  it('says when the file cannot be written', async () => {
    await expect(openTrace('/nonexistent-dir/trace.jsonl')).rejects.toThrow(FileUnreadableError);
  });
});

describe('openTrace on a full disk', () => {
  it('stops tracing at the first failed write, says so once, and never keeps a user waiting', async () => {
    const messages: string[] = [];
    const trace = await openTrace('/dev/full', { onFailure: (message) => messages.push(message) });
    for (let index = 0; index < 5000; index++) {
      await trace.onResponse(record(index), { class: 'ok', backend: 'b1' });
    }
    await trace.close();
    expect(messages).toEqual(['trace: writing /dev/full failed (ENOSPC); tracing stopped, the run goes on']);
  });
});
