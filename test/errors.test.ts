import { describe, expect, it } from 'vitest';
import {
  DockerApiError,
  DockerUnreachableError,
  describeFatal,
  ExitCode,
  InterruptedError,
  PreflightError,
  ProfileError,
  RunAbortedError,
  UsageError,
} from '../src/errors.js';

describe('errors', () => {
  it.each([
    { error: new UsageError('x'), code: 2 },
    { error: new ProfileError('p.yaml', [{ path: 'a', message: 'b' }]), code: 2 },
    { error: new PreflightError('x'), code: 3 },
    { error: new DockerUnreachableError('unix:///var/run/docker.sock', 'ENOENT'), code: 3 },
    { error: new RunAbortedError('x'), code: 4 },
    { error: new DockerApiError('restart', 500, 'boom', 'b1'), code: 4 },
    { error: new InterruptedError('SIGINT'), code: 130 },
  ])('maps $error.name to exit code $code, as the design notes do', ({ error, code }) => {
    expect(error.exitCode).toBe(code);
  });

  it('keeps stable codes', () => {
    expect(new ProfileError('p', []).code).toBe('SC_PROFILE_INVALID');
    expect(new DockerApiError('stop', 404, 'no such container', 'b2').message).toBe(
      'Docker stop on container b2 failed with HTTP 404: no such container',
    );
  });

  it('prints a known error as one line with its hint', () => {
    const { text, exitCode } = describeFatal(new DockerUnreachableError('unix:///x.sock', 'ENOENT'));
    expect(text).toBe(
      'session-chaos: Docker Engine at unix:///x.sock is unreachable: ENOENT\nhint: start dockerd, or point DOCKER_HOST at a running engine',
    );
    expect(exitCode).toBe(ExitCode.preflightFailed);
  });

  it('prints an unknown error with its stack', () => {
    const { text, exitCode } = describeFatal(new TypeError('oops'));
    expect(text).toMatch(/unexpected error[\s\S]*TypeError: oops\n\s+at /);
    expect(exitCode).toBe(ExitCode.aborted);
  });
});
