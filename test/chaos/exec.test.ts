import { describe, expect, it } from 'vitest';
import { execSucceeded, runExec } from '../../src/chaos/exec.js';

const node = process.execPath;

describe('runExec', () => {
  it('keeps stdout, stderr and the exit code', async () => {
    const result = await runExec([node, '-e', 'console.log("out"); console.error("err"); process.exit(3)'], {
      timeoutMs: 10_000,
    });
    expect(result).toEqual({
      exitCode: 3,
      timedOut: false,
      stdout: 'out\n',
      stderr: 'err\n',
      truncated: false,
    });
    expect(execSucceeded(result)).toBe(false);
  });

  it('keeps only the first bytes of a long output and says so', async () => {
    const result = await runExec([node, '-e', 'process.stdout.write("x".repeat(100000))'], {
      timeoutMs: 10_000,
      maxOutputBytes: 1000,
    });
    expect(result.stdout).toBe('x'.repeat(1000));
    expect(result.truncated).toBe(true);
    expect(execSucceeded(result)).toBe(true);
  });

  it('kills a command that outlives its timeout', async () => {
    const result = await runExec([node, '-e', 'setTimeout(() => {}, 60000)'], { timeoutMs: 300 });
    expect(result).toMatchObject({ signal: 'SIGKILL', timedOut: true });
    expect(result.exitCode).toBeUndefined();
  });

  it('reports a command that cannot start', async () => {
    const result = await runExec(['/nonexistent/kubectl', 'rollout'], { timeoutMs: 1000 });
    expect(result.spawnError).toBe('ENOENT');
    expect(execSucceeded(result)).toBe(false);
  });

  it('stops the command when the run ends (abort)', async () => {
    const controller = new AbortController();
    const running = runExec([node, '-e', 'setTimeout(() => {}, 60000)'], {
      timeoutMs: 60_000,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 100);
    const result = await running;
    expect(result.timedOut).toBe(false);
    expect(result.spawnError).toBeUndefined();
    expect(result.signal).toBeDefined();
  });
});
