import { homedir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { resolveDockerEndpoint } from '../../src/docker/endpoint.js';
import { UsageError } from '../../src/errors.js';

describe('resolveDockerEndpoint', () => {
  it('defaults to the standard socket', () => {
    expect(resolveDockerEndpoint({})).toEqual({
      kind: 'unix',
      socketPath: '/var/run/docker.sock',
      label: 'unix:///var/run/docker.sock',
    });
  });

  it('reads unix:// from DOCKER_HOST, and lets chaos.docker.host win', () => {
    expect(resolveDockerEndpoint({ DOCKER_HOST: 'unix:///run/user/1000/docker.sock' })).toMatchObject({
      socketPath: '/run/user/1000/docker.sock',
    });
    expect(resolveDockerEndpoint({ DOCKER_HOST: 'unix:///a.sock' }, 'unix:///b.sock')).toMatchObject({
      socketPath: '/b.sock',
    });
  });

  it('reads tcp:// as plain HTTP, and with DOCKER_TLS_VERIFY as HTTPS with DOCKER_CERT_PATH', () => {
    expect(resolveDockerEndpoint({ DOCKER_HOST: 'tcp://127.0.0.1:2375' })).toEqual({
      kind: 'tcp',
      origin: 'http://127.0.0.1:2375',
      label: 'http://127.0.0.1:2375',
    });
    expect(
      resolveDockerEndpoint({
        DOCKER_HOST: 'tcp://docker.local:2376',
        DOCKER_TLS_VERIFY: '1',
        DOCKER_CERT_PATH: '/certs',
      }),
    ).toEqual({
      kind: 'tcp',
      origin: 'https://docker.local:2376',
      tls: { certPath: '/certs' },
      label: 'https://docker.local:2376',
    });
    expect(
      resolveDockerEndpoint({ DOCKER_HOST: 'tcp://docker.local', DOCKER_TLS_VERIFY: '1' }),
    ).toMatchObject({
      origin: 'https://docker.local:2376',
      tls: { certPath: `${homedir()}/.docker` },
    });
  });

  it('refuses schemes it cannot speak, naming the variable', () => {
    expect(() => resolveDockerEndpoint({ DOCKER_HOST: 'ssh://me@host' })).toThrow(UsageError);
    expect(() => resolveDockerEndpoint({ DOCKER_HOST: 'ssh://me@host' })).toThrow(
      /^DOCKER_HOST: the ssh:\/\/ scheme/,
    );
    expect(() => resolveDockerEndpoint({ DOCKER_HOST: 'not a url' })).toThrow(/^DOCKER_HOST: expected/);
  });
});
