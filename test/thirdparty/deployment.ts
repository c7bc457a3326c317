import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BalancerKind } from '../../src/lab/balancer/registry.js';
import { startBalancer } from '../../src/lab/balancer/start.js';
import { freePort } from '../../src/lab/ports.js';
import { answersOk, outputTail } from '../../src/lab/probe.js';
import { isRunning, type OwnedProcess, signalOwned, spawnOwned } from '../../src/lab/processes.js';
import { waitUntil } from '../../src/lab/wait.js';
import { type AppLogLine, parseAppLog } from './app-log.js';
import type { Instance, ThirdPartyApp } from './apps.js';
import { startNginxRoundRobin } from './nginx.js';

/** Instances of one app behind a real balancer, all on 127.0.0.1 ports chosen now. */
export interface Deployment {
  url: string;
  dir: string;
  instances: Instance[];
  /** Every instance's request log, parsed, once the logs have stopped growing. */
  truth(): Promise<AppLogLine[]>;
  stop(): Promise<void>;
}

/** The balancers a deployment can stand behind: the lab's HAProxy modes, and nginx as the suite writes it. */
type DeploymentBalancer = Extract<BalancerKind, 'haproxy-roundrobin' | 'haproxy-cookie'> | 'nginx-roundrobin';

/** A balancer in front of the instances, started in the foreground; readiness is the caller's wait. */
export interface StartedBalancer {
  url: string;
  process: OwnedProcess;
  outputPath: string;
}

export interface DeploymentOptions {
  app: ThirdPartyApp;
  balancer: DeploymentBalancer;
  instances: number;
  users: number;
  password: string;
}

async function stopAll(processes: OwnedProcess[]): Promise<void> {
  for (const owned of processes) signalOwned(owned, 'SIGTERM');
  try {
    await waitUntil(async () => processes.every((owned) => !isRunning(owned)), {
      what: 'the deployment to exit',
      timeoutMs: 3000,
    });
  } catch {
    for (const owned of processes) signalOwned(owned, 'SIGKILL');
  }
}

export async function deploy(options: DeploymentOptions): Promise<Deployment> {
  options.app.requireInstalled();
  const dir = mkdtempSync(join(tmpdir(), `sc-thirdparty-${options.app.name}-`));
  const processes: OwnedProcess[] = [];
  const stop = async (): Promise<void> => {
    await stopAll(processes);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    options.app.prepare(dir, options.users, options.password);
    const instances: Instance[] = [];
    for (let i = 1; i <= options.instances; i++) {
      const instance = { name: `i${i}`, port: await freePort(), truthLog: join(dir, `i${i}-requests.log`) };
      const launch = options.app.launch(instance, dir, options.password);
      const outputPath = join(dir, `${instance.name}-output.log`);
      const owned = spawnOwned(launch.command, launch.args, { env: launch.env, outputPath });
      processes.push(owned);
      instances.push(instance);
      await waitUntil(
        async () => {
          if (!isRunning(owned))
            throw new Error(`${options.app.name} ${instance.name} exited: ${outputTail(outputPath)}`);
          return answersOk(`http://127.0.0.1:${instance.port}/healthz`);
        },
        {
          what: `${options.app.name} ${instance.name} to answer /healthz`,
          timeoutMs: 20_000,
          intervalMs: 100,
        },
      );
    }
    const port = await freePort();
    const balancer: StartedBalancer =
      options.balancer === 'nginx-roundrobin'
        ? startNginxRoundRobin(port, instances, dir)
        : startBalancer({
            kind: options.balancer,
            port,
            servers: instances.map(({ name, port }) => ({ name, port })),
            labDir: dir,
            // Read only by nginx-cookie-hash.
            cookieName: '',
          });
    processes.push(balancer.process);
    await waitUntil(
      async () => {
        if (!isRunning(balancer.process))
          throw new Error(`${options.balancer} exited while starting: ${outputTail(balancer.outputPath)}`);
        return answersOk(`${balancer.url}/healthz`);
      },
      { what: `${options.balancer} to pass /healthz to an instance`, timeoutMs: 10_000, intervalMs: 100 },
    );
    return {
      url: balancer.url,
      dir,
      instances,
      truth: () => settled(instances.map((instance) => instance.truthLog)),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The logged requests once no more came for a while (the balancer's health checks carry no request id and
 * do not count). morgan and Node-RED's middleware write on the response's 'finish', which can come a moment
 * after the client has read the answer.
 */
async function settled(paths: string[]): Promise<AppLogLine[]> {
  const read = () => paths.flatMap((path) => parseAppLog(readLog(path)));
  let last = read();
  for (let polls = 0; polls < 30; polls++) {
    await sleep(200);
    const now = read();
    if (now.length === last.length) return now;
    last = now;
  }
  throw new Error('the apps kept logging requests for 6 s after the run');
}

function readLog(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
