import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { ChaosTarget } from '../../../src/chaos/driver.js';
import type { PlannedAction } from '../../../src/chaos/schedule.js';

const run = promisify(execFile);
// The classic builder builds FROM scratch without buildx, which Debian's docker.io may lack.
const dockerEnv = { ...process.env, DOCKER_BUILDKIT: '0' };

export const testImage = 'session-chaos-chaos-test:2';
/** The same with a health check (exec form: there is no shell FROM scratch). */
const testHealthImage = 'session-chaos-chaos-test:2-health';
export const testLabel = 'session-chaos.chaos-test';

/**
 * Listens on 127.0.0.1:$PORT, answers 200, exits at once on SIGTERM (as a well-behaved backend does), or with
 * ON_SIGTERM=ignore ignores it (as PID 1 without a handler does), so that a stop takes its whole grace period.
 */
const serverScript = `
const http = require('node:http');
const server = http.createServer((req, res) => res.end('ok'));
server.listen(Number(process.env.PORT), '127.0.0.1');
if (process.env.ON_SIGTERM !== 'ignore') process.on('SIGTERM', () => process.exit(0));
`;

const healthScript = `
fetch('http://127.0.0.1:' + process.env.PORT + '/').then(() => process.exit(0), () => process.exit(1));
`;

async function docker(args: readonly string[]): Promise<string> {
  const { stdout } = await run('docker', args, { env: dockerEnv, maxBuffer: 16 << 20 });
  return stdout.trim();
}

async function imageExists(image: string): Promise<boolean> {
  try {
    await docker(['image', 'inspect', image]);
    return true;
  } catch {
    return false;
  }
}

/**
 * Builds two FROM-scratch images holding this machine's node, its libraries (from ldd) and the server
 * script, the second with a health check.
 */
export async function ensureTestImages(): Promise<void> {
  if ((await imageExists(testImage)) && (await imageExists(testHealthImage))) return;
  const nodePath = realpathSync(process.execPath);
  const ldd = (await run('ldd', [nodePath])).stdout;
  const libraries = [...ldd.matchAll(/(\/\S+)\s+\(0x[0-9a-f]+\)/g)].map((match) => match[1] as string);
  const context = mkdtempSync(join(tmpdir(), 'sc-chaos-image-'));
  try {
    for (const path of [nodePath, ...libraries]) {
      mkdirSync(join(context, dirname(path)), { recursive: true });
      copyFileSync(realpathSync(path), join(context, path));
    }
    writeFileSync(join(context, 'server.js'), serverScript);
    writeFileSync(join(context, 'health.js'), healthScript);
    const dirs = [...new Set(libraries.map((path) => dirname(path)))].join(':');
    writeFileSync(
      join(context, 'Dockerfile'),
      `FROM scratch\nCOPY . /\nENV LD_LIBRARY_PATH=${dirs}\nENTRYPOINT ["${nodePath}", "/server.js"]\n`,
    );
    await docker(['build', '--quiet', '--tag', testImage, context]);
    const healthContext = join(context, 'health');
    mkdirSync(healthContext);
    writeFileSync(
      join(healthContext, 'Dockerfile'),
      `FROM ${testImage}\nHEALTHCHECK --interval=1s --timeout=2s CMD ["${nodePath}", "/health.js"]\n`,
    );
    await docker(['build', '--quiet', '--tag', testHealthImage, healthContext]);
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
}

export interface TestContainerOptions {
  name: string;
  port: number;
  labels?: Record<string, string>;
  /** Adds a health check that asks the server on its port. */
  healthCheck?: boolean;
  /** The server ignores SIGTERM: a stop lasts its whole grace period. */
  ignoreSigterm?: boolean;
}

/** Starts a test container on the host network (the only kind this machine allows); returns its id. */
export async function runTestContainer(options: TestContainerOptions): Promise<string> {
  const labels = { [testLabel]: '1', ...options.labels };
  return docker([
    'run',
    '--detach',
    '--network',
    'host',
    '--name',
    options.name,
    '--env',
    `PORT=${options.port}`,
    ...(options.ignoreSigterm ? ['--env', 'ON_SIGTERM=ignore'] : []),
    '--stop-timeout',
    '2',
    ...Object.entries(labels).flatMap(([key, value]) => ['--label', `${key}=${value}`]),
    options.healthCheck ? testHealthImage : testImage,
  ]);
}

export async function removeContainers(ids: readonly string[]): Promise<void> {
  if (ids.length > 0) await docker(['rm', '--force', ...ids]);
}

export async function containerStatus(id: string): Promise<string> {
  return docker(['inspect', '--format', '{{.State.Status}}', id]);
}

/** The opening action of a container test's timeline: pause the targets at once, undone 300 ms later. */
export function freezeAction(targets: ChaosTarget[]): PlannedAction {
  return {
    seq: 1,
    event: 0,
    label: 'freeze',
    occurrence: 1,
    atMs: 0,
    action: 'pause',
    driver: 'docker',
    targets,
    rolling: false,
    undoAfterMs: 300,
    waitTimeoutMs: 10_000,
  };
}
