import { execFile } from 'node:child_process';
import { LabComponentMissingError, LabError } from '../../errors.js';
import { requireExecutable } from '../components.js';
import { engine } from './engine.js';

// The classic builder builds FROM scratch without the buildx plugin, which Debian's docker.io may lack.
const dockerEnv = { ...process.env, DOCKER_BUILDKIT: '0' };

/**
 * Runs the docker CLI (only `docker build` is left to it) and returns its stdout; a failure becomes a LabError
 * carrying docker's own message.
 */
export function docker(args: readonly string[]): Promise<string> {
  const command = requireExecutable('docker');
  return new Promise((resolve, reject) => {
    execFile(command, args, { env: dockerEnv, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        reject(new LabError(`docker ${args[0]} failed: ${stderr.trim() || error.message}`, { cause: error }));
      } else {
        resolve(stdout.trim());
      }
    });
  });
}

/** Fails with a hint when the engine does not answer (asked through the Engine API, as chaos asks it). */
export async function requireDockerEngine(): Promise<void> {
  try {
    await engine().ping();
  } catch {
    throw new LabComponentMissingError(
      'a running Docker Engine',
      'start dockerd (dockerd --bridge=none --iptables=false --ip-masq=false), or run scripts/lab-setup.sh',
    );
  }
}
