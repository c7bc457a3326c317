import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatProblem, ProfileError } from '../../src/errors.js';
import { resolvePlan } from '../../src/profile/load.js';

/** The smallest valid profile, as YAML text, for tests to vary. */
export const minimalProfile = `
target:
  url: http://127.0.0.1:8080
auth:
  credentials:
    password: secret
`;

export function writeTempFile(name: string, text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'session-chaos-test-'));
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** The problems a profile text is refused with, as printed; fails the test if the profile is valid. */
export function problemsOf(text: string, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    resolvePlan('profile.yaml', text, { env });
  } catch (error) {
    if (error instanceof ProfileError) return error.problems.map(formatProblem);
    throw error;
  }
  throw new Error('expected the profile to be invalid');
}
