import { type Lab, startLab } from '../src/lab/index.js';
import type { Watched } from './spawn.js';

/** The password of every lab user the bench logs in. */
export const password = 'bench';

/** What every section is handed besides its own options. */
export interface BenchContext {
  log: (line: string) => void;
}

/**
 * The lab of the throughput, alternating, open-model and soak sections: HAProxy round robin over 3 process
 * backends with Redis sessions, so that one login is valid on every backend and every answer is `ok`.
 */
export function startThroughputLab(): Promise<Lab> {
  return startLab({
    balancer: 'haproxy-roundrobin',
    sessions: 'redis',
    backends: 3,
    runtime: 'process',
    users: 5000,
    password,
  });
}

/** The lab's processes, whose CPU is charged to whichever generator ran. */
export function watchedOf(lab: Lab): Watched[] {
  const watched: Watched[] = [{ name: 'haproxy', pid: lab.balancer.pid }];
  for (const backend of lab.backends)
    if (backend.pid !== undefined) watched.push({ name: backend.name, pid: backend.pid });
  if (lab.redis !== undefined) watched.push({ name: 'redis', pid: lab.redis.pid });
  return watched;
}

/** One login through the balancer: the fixed cookie the plain generators send (valid on every backend). */
export async function fixedCookie(lab: Lab): Promise<string> {
  const response = await fetch(`${lab.url}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: 'user1', password }).toString(),
  });
  const setCookie = response.headers.get('set-cookie');
  await response.body?.cancel();
  const cookie = setCookie?.split(';')[0];
  if (!response.ok || cookie === undefined) throw new Error(`bench login failed: status ${response.status}`);
  return cookie;
}
