import { execFile, execFileSync, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { MatrixDocument } from '../../src/matrix/matrix.js';
import { matrixColumns } from '../../src/matrix/table.js';
import { runCli } from '../cli/run-cli.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const env = { ...process.env, npm_config_update_notifier: 'false', NO_COLOR: '1' };

/** Containers of these labs that still exist (running or not). */
function leftoverContainers(labIds: readonly string[]): string[] {
  return labIds.flatMap((id) =>
    execFileSync('docker', ['ps', '--all', '--quiet', '--filter', `label=session-chaos.lab=${id}`], {
      encoding: 'utf8',
    })
      .split('\n')
      .filter((line) => line !== ''),
  );
}

/**
 * `npx session-chaos demo` as a user runs it: from the packed tarball (what the registry would serve) in a
 * folder that holds nothing else. npm test builds dist/ first; --ignore-scripts keeps pack from rebuilding it.
 */
describe('session-chaos demo', () => {
  const workDir = mkdtempSync(join(tmpdir(), 'session-chaos-demo-'));
  afterAll(() => rmSync(workDir, { recursive: true, force: true }));
  // npx caches a package by its spec (./session-chaos-0.1.0.tgz): in a cache of its own, a run never starts
  // another checkout's tarball that an earlier run installed.
  const npxEnv = { ...env, npm_config_cache: join(workDir, 'npm-cache') };

  it('runs the whole strategy matrix from the packed package, in under 2 minutes, and cleans up', async () => {
    const output = execFileSync(
      'npm',
      ['pack', '--json', '--ignore-scripts', '--pack-destination', workDir],
      {
        cwd: repoRoot,
        encoding: 'utf8',
      },
    );
    const [info] = JSON.parse(output) as Array<{ filename: string; files: Array<{ path: string }> }>;
    if (info === undefined) throw new Error('npm pack printed no package');
    const files = info.files.map((file) => file.path);
    // What the demo needs at run time: its profiles, the lab backend and the built-in balancer.
    for (const needed of [
      'profiles/sticky-cookie.yaml',
      'profiles/jwt.yaml',
      'dist/lab/backend.cjs',
      'dist/lab/balancer.cjs',
      'dist/report-page/page.js',
    ]) {
      expect(files).toContain(needed);
    }
    const userDir = mkdtempSync(join(workDir, 'user-'));
    copyFileSync(join(workDir, info.filename), join(userDir, basename(info.filename)));
    // Installs the package first (npx caches it), so the timed part is the demo itself.
    execFileSync('npx', ['--yes', `./${info.filename}`, '--version'], {
      cwd: userDir,
      env: npxEnv,
      encoding: 'utf8',
    });

    const started = Date.now();
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      execFile(
        'npx',
        ['--yes', `./${info.filename}`, 'demo', '--json', 'demo.json'],
        { cwd: userDir, env: npxEnv, encoding: 'utf8', timeout: 170_000 },
        (error, stdout, stderr) =>
          resolve({ code: error === null ? 0 : (error.code as number), stdout, stderr }),
      );
    });
    const elapsedMs = Date.now() - started;
    expect(result.code, result.stderr).toBe(0);
    expect(elapsedMs).toBeLessThan(120_000);

    const document = JSON.parse(readFileSync(join(userDir, 'demo.json'), 'utf8')) as MatrixDocument;
    const strategies = [
      'round-robin-memory',
      'sticky-cookie',
      'sticky-source-ip',
      'clustering',
      'external-store-redis',
      'jwt',
      'store-failover',
      'services',
    ];
    expect(document.scenarios.map((scenario) => scenario.strategy)).toEqual(strategies);
    // This machine has Docker, HAProxy, nginx and Redis: every scenario runs on its real lab, with its chaos.
    expect(document.platform).toMatch(/^lab: backends as Docker containers/);
    for (const scenario of document.scenarios) {
      expect(scenario.error).toBeUndefined();
      expect(scenario.result?.summary.counts.total).toBeGreaterThan(0);
    }
    const byName = new Map(document.scenarios.map((scenario) => [scenario.strategy, scenario.result]));
    expect(byName.get('round-robin-memory')?.summary.mismatchRate.value).toBeGreaterThan(0.5);
    expect(byName.get('sticky-cookie')?.chaos.some((entry) => entry.action === 'restart')).toBe(true);
    expect(byName.get('jwt')?.summary.relogins.total).toBe(0);
    // Two services behind the gateway: the one the users did not log in at knows none of their sessions.
    const services = byName.get('services')?.summary.byRequest;
    expect(services?.['a-me']?.mismatchRate.mismatches).toBe(0);
    expect(services?.['b-me']?.mismatchRate.value).toBe(1);
    // The HTML report is written beside the JSON by default, and its path said.
    expect(result.stderr).toContain('HTML report: demo.html');
    const page = readFileSync(join(userDir, 'demo.html'), 'utf8');
    expect(page.match(/<section class="run"/g)).toHaveLength(strategies.length);

    for (const column of matrixColumns) expect(result.stdout).toContain(column);
    expect(result.stdout).toContain('What was measured:');
    expect(result.stdout.match(/^- .+ requests were mismatches/gm)).toHaveLength(strategies.length);
    // Each sentence ends with the seed's claim its scenario checks, and the figure measured.
    expect(result.stdout.match(/^- .+ It checks the seed's claim ".+": .+\.$/gm)).toHaveLength(
      strategies.length,
    );
    expect(result.stdout).toMatch(/mismatches per service a-me 0% \(0 of [\d,]+\), b-me 100% \(/);
    const labIds = document.scenarios.flatMap((scenario) =>
      scenario.lab === undefined ? [] : [scenario.lab.id],
    );
    expect(labIds).toHaveLength(strategies.length);
    expect(leftoverContainers(labIds)).toEqual([]);
  }, 300_000);

  it('on Ctrl-C removes the lab in progress, prints what it measured and exits 130', async () => {
    const child = spawn(process.execPath, [join(repoRoot, 'bin/session-chaos.js'), 'demo'], {
      cwd: workDir,
      env,
    });
    let stderr = '';
    const labId = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no traffic phase within 60 s:\n${stderr}`)), 60_000);
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        const id = /lab ([0-9a-f]+) up/.exec(stderr)?.[1];
        if (id !== undefined && stderr.includes('traffic phase')) {
          clearTimeout(timer);
          resolve(id);
        }
      });
    });
    expect(leftoverContainers([labId]).length).toBeGreaterThan(0);
    child.kill('SIGINT');
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    const exit = await new Promise<string>((resolve) =>
      child.on('exit', (code, signal) => resolve(signal ?? String(code))),
    );
    expect(exit, stderr).toBe('130');
    // What was measured up to the interrupt is still shown.
    expect(stdout).toMatch(/round-robin-memory .* interrupted/);
    expect(leftoverContainers([labId])).toEqual([]);
  }, 120_000);

  it('falls back to processes and the built-in balancer, and says so', async () => {
    // As on a machine without Docker, HAProxy and nginx: the flags make this one act so.
    const out = join(workDir, 'fallback.json');
    const { code, stdout, stderr } = await runCli([
      'demo',
      '--runtime',
      'process',
      '--builtin-balancer',
      '--json',
      out,
    ]);
    expect(code, stderr).toBe(0);
    expect(stderr).toContain(
      'lab: backends as processes (chaos by signals: the process driver); balancers: builtin-roundrobin, builtin-cookie, builtin-source',
    );
    const document = JSON.parse(readFileSync(out, 'utf8')) as MatrixDocument;
    expect(document.scenarios.map((scenario) => scenario.lab?.balancer)).toEqual([
      'builtin-roundrobin',
      'builtin-cookie',
      'builtin-source',
      'builtin-roundrobin',
      'builtin-roundrobin',
      'builtin-roundrobin',
      'builtin-roundrobin',
      // The services' gateway routes by path, which no built-in balancer does: skipped, and said so.
      undefined,
    ]);
    expect(stdout).toContain(
      "not run, needs haproxy-cookie as the services' gateway (a built-in balancer routes no paths).",
    );
    expect(stdout).toContain(
      '- sticky-source-ip: nginx-iphash is not available: the built-in builtin-source stands in',
    );
    // Every scenario's chaos ran, on processes: the sticky-cookie restart made its pinned users log in again.
    expect(stdout).not.toContain('chaos left out');
    const actions = (strategy: string) =>
      document.scenarios
        .find((scenario) => scenario.strategy === strategy)
        ?.result?.chaos.filter((entry) => entry.kind === 'action')
        .map((entry) => [entry.action, entry.outcome]);
    expect(actions('sticky-cookie')).toEqual([['restart', 'done']]);
    expect(actions('jwt')).toEqual([
      ['restart', 'done'],
      ['restart', 'done'],
      ['restart', 'done'],
    ]);
    // The strategies still show what they are for: round robin misses about 2/3, the sticky ones nothing.
    const byName = new Map(
      document.scenarios.map((scenario) => [scenario.strategy, scenario.result?.summary]),
    );
    expect(byName.get('round-robin-memory')?.mismatchRate.value).toBeGreaterThan(0.6);
    // Sticky: its only mismatches are the restart's (its pinned users', counted in the action's impact).
    const sticky = byName.get('sticky-cookie');
    expect(sticky?.mismatchRate.mismatches).toBe(sticky?.impact[0]?.mismatches);
    expect(byName.get('sticky-source-ip')?.affinity).toBe(1);
  }, 180_000);
});
