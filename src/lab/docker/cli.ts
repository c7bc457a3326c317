import { execFile, execFileSync } from 'node:child_process';
import { LabComponentMissingError, LabError } from '../../errors.js';
import { requireExecutable } from '../components.js';

// The classic builder builds FROM scratch without the buildx plugin, which Debian's docker.io may lack.
const dockerEnv = { ...process.env, DOCKER_BUILDKIT: '0' };

/** Runs the docker CLI and returns its stdout; a failure becomes a LabError carrying docker's own message. */
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

/** The synchronous form, for cleanup in a process 'exit' handler, where nothing asynchronous runs. */
export function dockerSync(args: readonly string[]): string {
  return execFileSync(requireExecutable('docker'), args, { env: dockerEnv, stdio: 'pipe' }).toString().trim();
}

/** Fails with a hint when the CLI is missing or the engine does not answer. */
export async function requireDockerEngine(): Promise<void> {
  try {
    await docker(['version', '--format', '{{.Server.Version}}']);
  } catch (error) {
    if (error instanceof LabComponentMissingError) throw error;
    throw new LabComponentMissingError(
      'a running Docker Engine',
      'start dockerd (dockerd --bridge=none --iptables=false --ip-masq=false), or run scripts/lab-setup.sh',
    );
  }
}
