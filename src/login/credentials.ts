import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { FileUnreadableError, type Problem, ProfileError } from '../errors.js';
import type { Auth } from '../profile/schema/auth.js';
import type { Credential } from '../traffic/virtual-user.js';
import { fillTemplate } from './template.js';

/** Credentials for virtual users 0..users-1: from a file, else the template with {i} counted from `start`. */
export type Credentials = (vu: number) => Credential;

const field = 'auth.credentials.file';

/**
 * Parses `username,password` rows with a real CSV parser: quoted cells (a password holding a comma or a
 * quote), a byte order mark, CRLF line ends. An optional header row naming the columns is skipped.
 */
export function parseCsvCredentials(text: string): {
  entries: Array<Partial<Credential>>;
  problems: Problem[];
} {
  let rows: Array<{ record: string[]; info: { lines: number } }>;
  try {
    // `trim` drops the spaces around a delimiter, never inside quotes: `alice, "pw "` keeps its space.
    rows = parseCsv(text, {
      bom: true,
      trim: true,
      relax_column_count: true,
      skip_empty_lines: true,
      info: true,
    }) as unknown as typeof rows;
  } catch (error) {
    return {
      entries: [],
      problems: [{ path: field, message: `not valid CSV: ${(error as Error).message}` }],
    };
  }
  const entries: Array<Partial<Credential>> = [];
  const problems: Problem[] = [];
  rows.forEach(({ record, info }, index) => {
    if (record.every((cell) => cell === '')) return;
    const [username = '', password, ...rest] = record;
    if (index === 0 && username.toLowerCase() === 'username') return;
    if (username === '' || rest.length > 0) {
      problems.push({
        path: field,
        message: `line ${info.lines}: expected "username,password" or "username" (quote a password holding a comma)`,
      });
      return;
    }
    entries.push(password === undefined || password === '' ? { username } : { username, password });
  });
  return { entries, problems };
}

/** Parses a JSON array of `{ "username": ..., "password"?: ... }`. */
export function parseJsonCredentials(text: string): {
  entries: Array<Partial<Credential>>;
  problems: Problem[];
} {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return {
      entries: [],
      problems: [{ path: field, message: `not valid JSON: ${(error as Error).message}` }],
    };
  }
  if (!Array.isArray(value)) {
    return {
      entries: [],
      problems: [{ path: field, message: 'expected a JSON array of {username, password}' }],
    };
  }
  const entries: Array<Partial<Credential>> = [];
  const problems: Problem[] = [];
  value.forEach((item: unknown, index) => {
    const entry = item as { username?: unknown; password?: unknown } | null;
    const username = entry?.username;
    const password = entry?.password;
    if (
      typeof username !== 'string' ||
      username === '' ||
      (password !== undefined && typeof password !== 'string')
    ) {
      problems.push({
        path: field,
        message: `[${index}]: expected {"username": string, "password"?: string}`,
      });
      return;
    }
    entries.push(password === undefined ? { username } : { username, password });
  });
  return { entries, problems };
}

/** Builds the credential source for a run; problems name the field, never a password. */
export async function loadCredentials(
  credentials: Auth['credentials'],
  users: number,
  profileSource: string,
): Promise<Credentials> {
  const fallbackPassword = credentials.password ?? '';
  if (credentials.file === undefined) {
    return (vu) => ({
      username: fillTemplate(credentials.username, { i: String(credentials.start + vu) }),
      password: fallbackPassword,
    });
  }
  const path = resolve(dirname(profileSource), credentials.file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new FileUnreadableError(path, (error as NodeJS.ErrnoException).code ?? String(error));
  }
  const parsed = path.endsWith('.json') ? parseJsonCredentials(text) : parseCsvCredentials(text);
  const problems = [...parsed.problems];
  if (parsed.entries.length < users) {
    problems.push({
      path: field,
      message: `${parsed.entries.length} credentials for ${users} users; each user needs its own`,
    });
  }
  if (credentials.password === undefined && parsed.entries.some((entry) => entry.password === undefined)) {
    problems.push({
      path: 'auth.credentials.password',
      message: 'required: some file entries have no password',
    });
  }
  if (problems.length > 0) throw new ProfileError(profileSource, problems);
  const entries = parsed.entries.slice(0, users).map((entry) => ({
    username: entry.username ?? '',
    password: entry.password ?? fallbackPassword,
  }));
  return (vu) => entries[vu] ?? { username: '', password: '' };
}
