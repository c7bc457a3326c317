import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nginxFamily } from '../../src/lab/balancer/records/nginx.js';
import { findProgram } from '../../src/lab/components.js';
import { spawnOwned } from '../../src/lab/processes.js';
import type { Instance } from './apps.js';
import type { StartedBalancer } from './deployment.js';

/**
 * nginx from Debian in front of the instances, as a team would put it there: round robin (nginx's default,
 * no directive), the request's headers passed on, and no header saying which instance answered. So the tool
 * sees no sign of the backend, as on most stock setups. Files stay in the deployment's directory.
 */
function nginxRoundRobinConfig(port: number, instances: readonly Instance[], dir: string): string {
  return [
    'daemon off;',
    'worker_processes 1;',
    // As root, nginx drops its workers to nobody, who could not read the deployment's directory.
    ...(process.getuid?.() === 0 ? ['user root;'] : []),
    `pid ${dir}/nginx.pid;`,
    `lock_file ${dir}/nginx.lock;`,
    `error_log ${dir}/nginx-error.log warn;`,
    'events { worker_connections 1024; }',
    'http {',
    '  access_log off;',
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(
      (name) => `  ${name}_temp_path ${dir}/${name};`,
    ),
    '  upstream app {',
    ...instances.map((instance) => `    server 127.0.0.1:${instance.port};`),
    '    keepalive 32;',
    '  }',
    '  server {',
    `    listen 127.0.0.1:${port};`,
    '    location / {',
    '      proxy_pass http://app;',
    '      proxy_http_version 1.1;',
    '      proxy_set_header Connection "";',
    '      proxy_set_header Host $host;',
    '    }',
    '  }',
    '}',
    '',
  ].join('\n');
}

export function startNginxRoundRobin(
  port: number,
  instances: readonly Instance[],
  dir: string,
): StartedBalancer {
  const nginx = findProgram(nginxFamily.program);
  const home = join(dir, 'nginx');
  mkdirSync(home, { recursive: true });
  const configPath = join(home, 'nginx.conf');
  writeFileSync(configPath, nginxRoundRobinConfig(port, instances, home));
  const outputPath = join(home, 'output.log');
  const owned = spawnOwned(nginx, ['-p', `${home}/`, '-c', configPath], { env: {}, outputPath });
  return { url: `http://127.0.0.1:${port}`, process: owned, outputPath };
}
