import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { LabComponentMissingError } from '../errors.js';

// haproxy and nginx live in sbin, which a non-root PATH often lacks.
const extraDirs = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

/** A program the lab runs, and what to install when it is missing. */
export interface Program {
  name: string;
  installHint: string;
}

const programs = {
  'redis-server': {
    name: 'redis-server',
    installHint: 'install Redis 7 (apt-get install -y redis-server), or run scripts/lab-setup.sh',
  },
  'redis-sentinel': {
    name: 'redis-sentinel',
    installHint: 'install Redis Sentinel 7 (apt-get install -y redis-sentinel), or run scripts/lab-setup.sh',
  },
  docker: {
    name: 'docker',
    installHint:
      'install the Docker CLI and Engine (apt-get install -y docker.io), or run scripts/lab-setup.sh',
  },
} as const satisfies Record<string, Program>;

/** The absolute path of a program, or LabComponentMissingError saying what to install. */
export function findProgram(program: Program): string {
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter((dir) => dir !== ''), ...extraDirs];
  for (const dir of dirs) {
    const candidate = join(dir, program.name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  throw new LabComponentMissingError(program.name, program.installHint);
}

/** Whether a program is installed. */
export function hasProgram(program: Program): boolean {
  try {
    findProgram(program);
    return true;
  } catch (error) {
    if (error instanceof LabComponentMissingError) return false;
    throw error;
  }
}

/** The lab's programs other than the balancers (each balancer family names its own). */
export function requireExecutable(name: keyof typeof programs): string {
  return findProgram(programs[name]);
}

export const redisProgram: Program = programs['redis-server'];
export const sentinelProgram: Program = programs['redis-sentinel'];
