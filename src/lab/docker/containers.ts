import { docker, dockerSync } from './cli.js';

export const labLabel = 'session-chaos.lab';
export const roleLabel = 'session-chaos.role';
export const backendLabel = 'session-chaos.backend';

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

/** `docker run` arguments: host network (the only kind this lab uses), named and labelled for chaos. */
export function backendRunArgs(input: BackendContainerInput): string[] {
  return [
    'run',
    '--detach',
    '--name',
    containerName(input.labId, input.name),
    '--network',
    'host',
    '--label',
    `${labLabel}=${input.labId}`,
    '--label',
    `${roleLabel}=backend`,
    '--label',
    `${backendLabel}=${input.name}`,
    '--stop-timeout',
    '2',
    '--volume',
    `${input.logDir}:${input.logDir}`,
    ...Object.entries(input.env).flatMap(([key, value]) => ['--env', `${key}=${value}`]),
    input.image,
  ];
}

/** Starts a backend container and returns its id. */
export function runBackendContainer(input: BackendContainerInput): Promise<string> {
  return docker(backendRunArgs(input));
}

const labFilter = (labId: string): string[] => ['--all', '--quiet', '--filter', `label=${labLabel}=${labId}`];

/** Removes every container carrying this lab's label, whatever chaos did to them (stopped, paused). */
export async function removeLabContainers(labId: string): Promise<void> {
  const ids = (await docker(['ps', ...labFilter(labId)])).split('\n').filter((id) => id !== '');
  if (ids.length > 0) await docker(['rm', '--force', '--volumes', ...ids]);
}

export function removeLabContainersSync(labId: string): void {
  const ids = dockerSync(['ps', ...labFilter(labId)])
    .split('\n')
    .filter((id) => id !== '');
  if (ids.length > 0) dockerSync(['rm', '--force', '--volumes', ...ids]);
}

/** Container state by id ("running", "exited", "paused", ...), or "missing". */
export async function containerState(id: string): Promise<string> {
  try {
    return await docker(['inspect', '--format', '{{.State.Status}}', id]);
  } catch {
    return 'missing';
  }
}
