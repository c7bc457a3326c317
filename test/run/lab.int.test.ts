import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { Lab, LabOptions } from '../../src/lab/index.js';
import type { ProfileInput } from '../../src/profile/schema/index.js';
import type { CollectingSink } from '../helpers/engine-fixtures.js';
import { labRuns } from '../helpers/lab-runs.js';

const { run, start } = labRuns({ users: 40 });

async function runOnLab(options: LabOptions, input: Parameters<typeof run>[1]) {
  const { lab, sink, result } = await run(options, input);
  return { sink, result, truth: await lab.readGroundTruth() };
}

/** Every record matches the backend's own log line for its request id: status and backend, 100%. */
function expectGroundTruthAgreement(
  sink: CollectingSink,
  truth: Awaited<ReturnType<Lab['readGroundTruth']>>,
): void {
  const byId = new Map(truth.filter((line) => line.requestId !== null).map((line) => [line.requestId, line]));
  const sentMe = truth.filter((line) => line.path === '/me' && line.vuId !== null);
  expect(sink.responses.length).toBe(sentMe.length);
  let agreeing = 0;
  for (const { record, classification } of sink.responses) {
    const line = byId.get(record.requestId);
    if (
      line !== undefined &&
      line.status === record.status &&
      line.backend === classification.backend &&
      line.vuId === String(record.vu)
    ) {
      agreeing += 1;
    }
  }
  expect(agreeing).toBe(sink.responses.length);
  for (const login of sink.logins) {
    const line = byId.get(login.requestId);
    expect(line).toMatchObject({ path: '/login', status: login.status, backend: login.backend });
  }
}

const cookieAuth = (lab: Lab): ProfileInput['auth'] => ({ credentials: { password: lab.password } });

describe('the engine on the lab', () => {
  it('HAProxy cookie insert over memory sessions: sticky, every request agrees with the backends', async () => {
    const { sink, result, truth } = await runOnLab(
      { balancer: 'haproxy-cookie', sessions: 'memory' },
      (lab) => ({
        auth: cookieAuth(lab),
        classify: { identity: { from: 'json', path: 'user' } },
        traffic: { users: 30, requests: 600 },
      }),
    );
    expect(result.loggedIn).toBe(30);
    expect(result.traffic.sent).toBe(600);
    expect(sink.logins.every((login) => login.outcome === 'login_ok' && login.cause === 'initial')).toBe(
      true,
    );
    expect(result.summary.counts.classes.ok).toBe(600);
    expect(result.summary.affinity).toBe(1);
    expect(Object.keys(result.summary.backendShare).length).toBeGreaterThan(1);
    expectGroundTruthAgreement(sink, truth);
  });

  it('HAProxy round robin over memory sessions: mismatches and re-logins, still 100% agreement', async () => {
    const { sink, result, truth } = await runOnLab(
      { balancer: 'haproxy-roundrobin', sessions: 'memory' },
      (lab) => ({ auth: cookieAuth(lab), traffic: { users: 20, requests: 400 } }),
    );
    expect(result.loggedIn).toBe(20);
    expect(sink.responses).toHaveLength(400);
    expect(result.summary.counts.classes.mismatch).toBeGreaterThan(0);
    expect(result.summary.relogins.byCause.mismatch).toBeGreaterThan(0);
    expectGroundTruthAgreement(sink, truth);
  });

  it('jwt sessions in bearer mode: every user logs in with a token and stays ok across backends', async () => {
    const { sink, result, truth } = await runOnLab(
      { balancer: 'haproxy-roundrobin', sessions: 'jwt', runtime: 'process' },
      (lab) => ({
        auth: {
          mode: 'bearer',
          login: { format: 'json', token: { from: 'json', path: 'token' } },
          credentials: { password: lab.password },
        },
        classify: { identity: { from: 'header', name: 'x-user' } },
        traffic: { users: 20, requests: 400, model: 'open', rate: 400 },
      }),
    );
    expect(result.loggedIn).toBe(20);
    expect(result.summary.counts.classes.ok).toBe(400);
    expect(Object.keys(result.summary.backendShare).length).toBe(3);
    expectGroundTruthAgreement(sink, truth);
  });

  it('nginx ip_hash with spread source addresses: users reach every backend, each stays on one', async () => {
    const { sink, result, truth } = await runOnLab(
      { balancer: 'nginx-iphash', sessions: 'memory', runtime: 'process' },
      (lab) => ({
        auth: cookieAuth(lab),
        traffic: { users: 30, requests: 600, sourceAddresses: { cidr: '127.0.0.0/16' } },
      }),
    );
    expect(result.loggedIn).toBe(30);
    expect(result.summary.counts.classes.ok).toBe(600);
    expect(result.summary.affinity).toBe(1);
    expect(Object.keys(result.summary.backendShare).sort()).toEqual(['b1', 'b2', 'b3']);
    expectGroundTruthAgreement(sink, truth);
  });

  it('session-chaos run --profile <lab profile> logs in, sends traffic and prints the counts', async () => {
    const lab = await start({
      balancer: 'haproxy-cookie',
      sessions: 'memory',
      runtime: 'process',
      users: 100,
      password: 'pw-4f1c9e',
    });
    const dir = await mkdtemp(join(tmpdir(), 'run-cli-'));
    const profile = join(dir, 'lab.yaml');
    await writeFile(
      profile,
      [
        'target: { url: http://127.0.0.1:1 }',
        'auth: { credentials: { password: "${LAB_TEST_PASSWORD}" } }',
        'traffic: { users: 10, requests: 100, mix: [{ path: /me }] }',
        'classify: { identity: { from: json, path: user } }',
      ].join('\n'),
    );
    process.env.LAB_TEST_PASSWORD = lab.password;
    let printed = '';
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      printed += String(chunk);
      return true;
    });
    let logged = '';
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      logged += String(chunk);
      return true;
    });
    try {
      const code = await main(['node', 'session-chaos', 'run', '--profile', profile, '--target', lab.url]);
      expect(code).toBe(0);
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
      delete process.env.LAB_TEST_PASSWORD;
      await rm(dir, { recursive: true });
    }
    // The result table goes to stdout; the run's shape and raw counts to stderr, beside the progress.
    expect(printed).toMatch(/^\s*ok\s+100\b/m);
    expect(logged).toContain('10 of 10 logged in');
    expect(logged).toContain('status     200: 100');
    expect(printed + logged).not.toContain(lab.password);
  });
});
