import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatProblem, ProfileError } from '../../src/errors.js';
import { resolvePlan } from '../../src/profile/load.js';
import { testDir } from '../helpers/test-dir.js';

/** The smallest valid profile, as YAML text, for tests to vary. */
export const minimalProfile = `
target:
  url: http://127.0.0.1:8080
auth:
  credentials:
    password: secret
`;

/** A file of this text in a fresh directory, removed when the test that wrote it ends (call it inside a test). */
export function writeTempFile(name: string, text: string): string {
  const path = join(testDir('session-chaos-test-'), name);
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
