import { execFileSync } from 'node:child_process';
import { LabError } from '../../errors.js';
import { cliPath } from '../paths.js';
import { engine } from './engine.js';

export const labLabel = 'session-chaos.lab';
const roleLabel = 'session-chaos.role';
const backendLabel = 'session-chaos.backend';

export interface BackendContainerInput {
  labId: string;
  name: string;
  image: string;
  env: Record<string, string>;
  /** Mounted at the same path inside, so the backend writes its log where the host reads it. */
  logDir: string;
}

export function containerName(labId: string, backend: string): string {
  return `sc-lab-${labId}-${backend}`;
}

/** The create body: host network (the only kind this lab uses), named and labelled for chaos. */
export function backendContainerSpec(input: BackendContainerInput) {
  return {
    Image: input.image,
    Env: Object.entries(input.env).map(([key, value]) => `${key}=${value}`),
    Labels: { [labLabel]: input.labId, [roleLabel]: 'backend', [backendLabel]: input.name },
    StopTimeout: 2,
    HostConfig: { NetworkMode: 'host' as const, Binds: [`${input.logDir}:${input.logDir}`] },
  };
}

/** Creates and starts a backend container through the Engine API; returns its id. */
export async function runBackendContainer(input: BackendContainerInput): Promise<string> {
  const client = engine();
  const id = await client.createContainer(
    containerName(input.labId, input.name),
    backendContainerSpec(input),
  );
  const outcome = await client.act(id, 'start');
  if (outcome !== 'done' && outcome !== 'already-running') {
    throw new LabError(`Docker would not start ${containerName(input.labId, input.name)}: ${outcome}`);
  }
  return id;
}

/** Removes every container carrying this lab's label, whatever chaos did to them (stopped, paused). */
export async function removeLabContainers(labId: string): Promise<void> {
  const client = engine();
  const containers = await client.listContainers({ label: `${labLabel}=${labId}` });
  await Promise.all(containers.map((container) => client.removeContainer(container.id)));
}

/**
 * The same from a process 'exit' handler, where nothing asynchronous runs: the CLI's own `lab down` in a
 * child process, waited for, which removes them through the same client.
 */
export function removeLabContainersSync(labId: string): void {
  execFileSync(process.execPath, [cliPath, 'lab', 'down', labId], { stdio: 'ignore', timeout: 30_000 });
}

/** Container state by id ("running", "exited", "paused", ...), or "missing". */
export async function containerState(id: string): Promise<string> {
  try {
    return (await engine().inspect(id)).status;
  } catch {
    return 'missing';
  }
}
