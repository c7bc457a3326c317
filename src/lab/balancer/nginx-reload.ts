import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { LabError } from '../../errors.js';
import { type OwnedProcess, signalOwned } from '../processes.js';

const reloadTimeoutMs = 10_000;

/** The master's children now (its workers), from /proc. */
function children(master: OwnedProcess): Set<number> {
  try {
    const text = readFileSync(`/proc/${master.pid}/task/${master.pid}/children`, 'utf8');
    return new Set(
      text
        .split(/\s+/)
        .filter((pid) => pid !== '')
        .map(Number),
    );
  } catch {
    return new Set();
  }
}

/** `nginx -t`: a config nginx would refuse on reload is refused here, with nginx's own words. */
function testConfig(nginx: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(nginx, ['-t', ...args], { timeout: reloadTimeoutMs }, (error, _stdout, stderr) => {
      if (error) reject(new LabError(`nginx refused the new config: ${stderr.trim() || error.message}`));
      else resolve();
    });
  });
}

/**
 * Reloads the lab's nginx after its config file was rewritten: the config is tested, the master the lab
 * started gets SIGHUP, and the reload is done when `workers` new workers run and the old ones have exited
 * (until then an old worker may still accept a connection and route it by the old list). An old worker that
 * is still finishing a request after the timeout is left to finish it.
 */
export async function reloadNginx(
  nginx: string,
  args: readonly string[],
  master: OwnedProcess,
  workers: number,
): Promise<void> {
  await testConfig(nginx, args);
  const before = children(master);
  signalOwned(master, 'SIGHUP');
  const deadline = Date.now() + reloadTimeoutMs;
  while ([...children(master)].filter((pid) => !before.has(pid)).length < workers) {
    if (Date.now() >= deadline) {
      throw new LabError(`nginx did not start new workers within ${reloadTimeoutMs} ms of SIGHUP`);
    }
    await delay(50);
  }
  while ([...children(master)].some((pid) => before.has(pid)) && Date.now() < deadline) await delay(50);
}
