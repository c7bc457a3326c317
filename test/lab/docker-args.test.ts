import { describe, expect, it } from 'vitest';
import { backendRunArgs } from '../../src/lab/docker/containers.js';
import { backendDockerfile, parseLdd } from '../../src/lab/docker/image.js';

describe('parseLdd', () => {
  it('lists the libraries and the loader, not the vDSO', () => {
    const output = [
      '\tlinux-vdso.so.1 (0x00007ffd3a1f2000)',
      '\tlibstdc++.so.6 => /lib/x86_64-linux-gnu/libstdc++.so.6 (0x00007f2a1c000000)',
      '\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f2a1bc1e000)',
      '\t/lib64/ld-linux-x86-64.so.2 (0x00007f2a1c4f0000)',
    ].join('\n');
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
    expect(dockerfile.split('\n')).toEqual([
      'FROM scratch',
      'COPY . /',
      'ENV LD_LIBRARY_PATH=/lib/x86_64-linux-gnu:/lib64',
      'LABEL session-chaos.image=lab-backend',
      'ENTRYPOINT ["/usr/bin/node","/app/backend.cjs"]',
      '',
    ]);
  });
});

describe('backendRunArgs', () => {
  it('runs on the host network, named and labelled by lab and backend, logs mounted at the same path', () => {
    const args = backendRunArgs({
      labId: 'ab12',
      name: 'b2',
      image: 'session-chaos-lab-backend:0123',
      env: { LAB_PORT: '9002' },
      logDir: '/tmp/lab/logs',
    });
    expect(args.join(' ')).toBe(
      'run --detach --name sc-lab-ab12-b2 --network host --label session-chaos.lab=ab12 ' +
        '--label session-chaos.role=backend --label session-chaos.backend=b2 --stop-timeout 2 ' +
        '--volume /tmp/lab/logs:/tmp/lab/logs --env LAB_PORT=9002 session-chaos-lab-backend:0123',
    );
  });
});
