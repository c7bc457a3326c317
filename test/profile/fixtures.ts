import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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
