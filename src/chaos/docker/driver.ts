import { createDockerClient } from '../../docker/client.js';
import { resolveDockerEndpoint } from '../../docker/endpoint.js';
import type { ContainerState, DockerClient } from '../../docker/types.js';
import { DockerApiError } from '../../errors.js';
import type { ChaosSelector } from '../../profile/schema/chaos.js';
import type { ChaosDriver, ChaosTarget, RestoreResult, TargetEvent, WaitFor } from '../driver.js';
import { commandScale } from '../scale-command.js';
import { resolveSelector } from './targets.js';

/** How recover makes the same client again: the endpoint as DOCKER_HOST would say it, and its certificates. */
export interface DockerDriverConfig {
  host?: string;
  certPath?: string;
  tlsVerify?: string;
}

function isBack(state: ContainerState, waitFor: WaitFor | undefined): boolean {
  if (state.status !== 'running') return false;
  if (waitFor === 'running' || state.health === undefined) return true;
  return state.health === 'healthy';
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Containers through the Docker Engine API (also Podman's Docker-compatible service). */
export function dockerDriver(client: DockerClient, config: DockerDriverConfig = {}): ChaosDriver {
  async function restore(target: ChaosTarget): Promise<RestoreResult> {
    let state: ContainerState;
    try {
      state = await client.inspect(target.id);
    } catch (error) {
      if (error instanceof DockerApiError && error.status === 404) {
        return { outcome: 'gone', reason: 'Docker has no such container any more' };
      }
      return { outcome: 'failed', error: errorText(error) };
    }
    if (state.status === 'running' || state.status === 'restarting') {
      return { outcome: 'already-fine', state: state.status };
    }
    const action = state.status === 'paused' ? 'unpause' : 'start';
    try {
      const outcome = await client.act(target.id, action);
      if (outcome === 'done') return { outcome: 'restored', action };
      if (outcome === 'already-running' || outcome === 'not-paused') {
        return { outcome: 'already-fine', state: outcome };
      }
      return { outcome: 'failed', action, error: `Docker answered ${outcome}` };
    } catch (error) {
      return { outcome: 'failed', action, error: errorText(error) };
    }
  }

  async function* events(
    targets: readonly ChaosTarget[],
    sinceMs: number,
    signal: AbortSignal,
  ): AsyncGenerator<TargetEvent> {
    for await (const event of client.events({ containers: targets.map((t) => t.id), sinceMs, signal })) {
      yield {
        timeMs: event.timeMs,
        action: event.action,
        targetId: event.id,
        ...(event.name === undefined ? {} : { targetName: event.name }),
      };
    }
  }

  const resolve = async (selector: ChaosSelector): Promise<ChaosTarget[]> =>
    (await resolveSelector(client, selector)).map(({ id, name }) => ({ id, name }));

  return {
    name: 'docker',
    noun: 'container',
    config: { ...config },
    listHint: `list the candidates with: docker ps --all --filter label=... (Docker at ${client.endpoint})`,
    connect: async () => `Docker at ${client.endpoint}, API ${(await client.ping()).apiVersion}`,
    resolve,
    act: (target, action, options = {}) =>
      client.act(target.id, action, {
        ...(options.timeoutMs === undefined ? {} : { timeoutS: Math.round(options.timeoutMs / 1000) }),
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      }),
    isBack: async (target, waitFor) => isBack(await client.inspect(target.id), waitFor),
    restore,
    scale: commandScale({ resolve, noun: 'container' }, (member) => member.id),
    events,
    close: () => client.close(),
  };
}

/** The driver a profile (chaos.docker.host) or a ledger entry asks for, from the environment's DOCKER_* too. */
export function dockerDriverFrom(config: DockerDriverConfig, env: NodeJS.ProcessEnv): ChaosDriver {
  const merged: NodeJS.ProcessEnv = {
    ...env,
    ...(config.certPath === undefined ? {} : { DOCKER_CERT_PATH: config.certPath }),
    ...(config.tlsVerify === undefined ? {} : { DOCKER_TLS_VERIFY: config.tlsVerify }),
  };
  const host = config.host ?? env.DOCKER_HOST;
  const endpoint = resolveDockerEndpoint(merged, host);
  // The ledger keeps what this process used, so that recover in another shell reaches the same engine.
  const kept: DockerDriverConfig = {
    host: host ?? endpoint.label,
    ...(merged.DOCKER_CERT_PATH ? { certPath: merged.DOCKER_CERT_PATH } : {}),
    ...(merged.DOCKER_TLS_VERIFY ? { tlsVerify: merged.DOCKER_TLS_VERIFY } : {}),
  };
  return dockerDriver(createDockerClient(endpoint), kept);
}
