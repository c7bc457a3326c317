import { describe, expect, it } from 'vitest';
import { chaosDryRun } from '../../src/chaos/dry-run.js';
import { DockerUnreachableError } from '../../src/errors.js';
import { resolvePlan } from '../../src/profile/load.js';

function planWith(events: unknown[]) {
  const text = JSON.stringify({
    target: { url: 'http://127.0.0.1:8080' },
    auth: { login: { url: '/login' }, credentials: { username: 'u{i}', password: 'p' } },
    traffic: { duration: '30s' },
    chaos: { events },
  });
  return resolvePlan('test.json', text, { env: {} });
}

describe('chaosDryRun', () => {
  it('shows the timeline with selectors and the reason when Docker cannot be asked', async () => {
    const plan = planWith([{ action: 'pause', at: '5s', target: { label: 'role=backend' }, for: '2s' }]);
    const result = await chaosDryRun(plan, { DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
    expect(result.text).toBe(
      'chaos: 1 action planned, times from the start of the traffic phase\n' +
        '  +5s  pause  events[0] #1  (not resolved: label=role=backend)  [unpause after 2s]\n',
    );
    expect(result.preflightError).toBeInstanceOf(DockerUnreachableError);
  });

  it('needs no Docker for exec-only chaos', async () => {
    const plan = planWith([
      { action: 'exec', at: '1s', command: ['kubectl', 'rollout', 'restart', 'deploy/web'] },
    ]);
    const result = await chaosDryRun(plan, { DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
    expect(result.preflightError).toBeUndefined();
    expect(result.text).toContain(
      '+1s  exec  events[0] #1  kubectl rollout restart deploy/web  [timeout 1m; done when it prints "session-chaos: done" or exits]',
    );
  });
});
