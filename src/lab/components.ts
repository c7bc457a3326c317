import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { LabComponentMissingError } from '../errors.js';

// haproxy and nginx live in sbin, which a non-root PATH often lacks.
const extraDirs = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

const installHints = {
  haproxy: 'install HAProxy 2.6 (apt-get install -y haproxy), or run scripts/lab-setup.sh',
  nginx: 'install nginx 1.22 (apt-get install -y nginx-light), or run scripts/lab-setup.sh',
  'redis-server': 'install Redis 7 (apt-get install -y redis-server), or run scripts/lab-setup.sh',
  'redis-sentinel':
    'install Redis Sentinel 7 (apt-get install -y redis-sentinel), or run scripts/lab-setup.sh',
  docker: 'install the Docker CLI and Engine (apt-get install -y docker.io), or run scripts/lab-setup.sh',
} as const;

/** The absolute path of a program the lab runs, or LabComponentMissingError saying what to install. */
export function requireExecutable(name: keyof typeof installHints): string {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter((dir) => dir !== ''), ...extraDirs];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  throw new LabComponentMissingError(name, installHints[name]);
}
