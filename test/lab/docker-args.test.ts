import { describe, expect, it } from 'vitest';
import { backendContainerSpec } from '../../src/lab/docker/containers.js';
import { backendDockerfile, parseLdd } from '../../src/lab/docker/image.js';
import { fixtureText } from '../helpers/fixture-text.js';

describe('parseLdd', () => {
  it('lists the libraries and the loader, not the vDSO', () => {
    // ldd of node: the vDSO (no path), libraries by name => path, the loader by its path alone.
    const output = fixtureText('ldd-node.txt');
    expect(parseLdd(output)).toEqual([
      '/lib/x86_64-linux-gnu/libstdc++.so.6',
      '/lib/x86_64-linux-gnu/libc.so.6',
      '/lib64/ld-linux-x86-64.so.2',
    ]);
  });

  it('gives nothing for a static binary', () => {
    expect(parseLdd('\tnot a dynamic executable')).toEqual([]);
  });
});

describe('backendDockerfile', () => {
  it('builds FROM scratch with the library dirs on the loader path and node as entry point', () => {
    const dockerfile = backendDockerfile('/usr/bin/node', [
      '/lib/x86_64-linux-gnu/libc.so.6',
      '/lib64/ld-linux-x86-64.so.2',
    ]);
    expect(dockerfile).toBe(`FROM scratch
COPY . /
ENV LD_LIBRARY_PATH=/lib/x86_64-linux-gnu:/lib64
LABEL session-chaos.image=lab-backend
ENTRYPOINT ["/usr/bin/node","/app/backend.cjs"]
`);
  });
});

describe('backendContainerSpec', () => {
  it('runs on the host network, named and labelled by lab and backend, logs mounted at the same path', () => {
    expect(
      backendContainerSpec({
        labId: 'ab12',
        name: 'b2',
        image: 'session-chaos-lab-backend:0123',
        env: { LAB_PORT: '9002' },
        logDir: '/tmp/lab/logs',
      }),
    ).toEqual({
      Image: 'session-chaos-lab-backend:0123',
      Env: ['LAB_PORT=9002'],
      Labels: { 'session-chaos.lab': 'ab12', 'session-chaos.role': 'backend', 'session-chaos.backend': 'b2' },
      StopTimeout: 2,
      HostConfig: { NetworkMode: 'host', Binds: ['/tmp/lab/logs:/tmp/lab/logs'] },
    });
  });
});
