import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProfileError } from '../../src/errors.js';
import { loadCredentials, parseCsvCredentials, parseJsonCredentials } from '../../src/login/credentials.js';

describe('credentials', () => {
  it('fills the template with {i} counted from start', async () => {
    const credentials = await loadCredentials({ username: 'user{i}', password: 'pw', start: 5 }, 3, 'p.yaml');
    expect(credentials(0)).toEqual({ username: 'user5', password: 'pw' });
    expect(credentials(2)).toEqual({ username: 'user7', password: 'pw' });
  });

  it('parses CSV with an optional header and a shared password', () => {
    expect(parseCsvCredentials('username,password\nalice,a1\nbob\n\n')).toEqual({
      entries: [{ username: 'alice', password: 'a1' }, { username: 'bob' }],
      problems: [],
    });
    expect(parseCsvCredentials('a,b,c').problems[0]?.message).toContain('line 1');
  });

  it('reads CSV as CSV: a quoted password with a comma or a quote, a BOM, CRLF line ends', () => {
    const text = '\ufeffusername,password\r\nalice,"a,b""c"\r\nbob, "  spaced "\r\n\r\ncarol,plain\r\n';
    expect(parseCsvCredentials(text)).toEqual({
      entries: [
        { username: 'alice', password: 'a,b"c' },
        { username: 'bob', password: '  spaced ' },
        { username: 'carol', password: 'plain' },
      ],
      problems: [],
    });
    expect(parseCsvCredentials('alice,"unclosed\n').problems[0]?.message).toContain('not valid CSV');
    expect(parseCsvCredentials('alice,a\nbob,b,c\n').problems[0]?.message).toContain('line 2');
  });

  it('parses JSON and names bad entries', () => {
    expect(parseJsonCredentials('[{"username":"a","password":"x"}]').entries).toEqual([
      { username: 'a', password: 'x' },
    ]);
    expect(parseJsonCredentials('[{"user":"a"}]').problems[0]?.message).toContain('[0]');
    expect(parseJsonCredentials('{').problems[0]?.message).toContain('not valid JSON');
  });

  it('reads a file next to the profile and refuses one with too few users, never naming a password', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'creds-'));
    try {
      await writeFile(join(dir, 'users.csv'), 'alice,hunter2\nbob,pw2\n');
      const credentials = await loadCredentials(
        { username: 'user{i}', file: 'users.csv', start: 1 },
        2,
        join(dir, 'profile.yaml'),
      );
      expect(credentials(1)).toEqual({ username: 'bob', password: 'pw2' });
      const error = await loadCredentials(
        { username: 'user{i}', file: 'users.csv', start: 1 },
        3,
        join(dir, 'p.yaml'),
      ).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ProfileError);
      expect((error as Error).message).toContain('auth.credentials.file: 2 credentials for 3 users');
      expect((error as Error).message).not.toContain('hunter2');
    } finally {
      await rm(dir, { recursive: true });
    }
  });
});
