import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A profile of 2 users and 20 requests against a scripted server (password `pw`); returns its path. */
export function writeSmallProfile(dir: string, url: string): string {
  const profile = join(dir, 'p.yaml');
  writeFileSync(
    profile,
    [
      'name: outputs',
      'target:',
      `  url: ${url}`,
      'auth:',
      '  credentials:',
      '    password: pw',
      'traffic:',
      '  users: 2',
      '  requests: 20',
      '',
    ].join('\n'),
  );
  return profile;
}
