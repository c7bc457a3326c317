import type {
  ActionOptions,
  ActionOutcome,
  ContainerAction,
  ContainerFilter,
  ContainerState,
  ContainerSummary,
  DockerClient,
  DockerEvent,
} from '../../../src/docker/types.js';
import { DockerApiError } from '../../../src/errors.js';

export interface FakeContainer {
  id: string;
  name: string;
  labels?: Record<string, string>;
  status?: ContainerState['status'];
  /** Set to give the container a health check; it turns healthy after `healthyAfterInspects` inspections. */
  healthyAfterInspects?: number;
}

interface Live extends Required<Omit<FakeContainer, 'healthyAfterInspects'>> {
  healthyAfterInspects?: number;
  inspectsSinceStart: number;
}

export interface FakeDocker extends DockerClient {
  calls: string[];
  state(id: string): ContainerState['status'];
  /** Makes the next action on this container fail with this HTTP status. */
  failNext(id: string, status: number): void;
  /** Containers that never come back after a restart (their restart leaves them exited). */
  broken: Set<string>;
}

/** An in-memory engine with Docker's state rules and its 304/409 answers, for the runner and preflight. */
export function fakeDocker(containers: readonly FakeContainer[]): FakeDocker {
  const live = new Map<string, Live>(
    containers.map((c) => [
      c.id,
      {
        id: c.id,
        name: c.name,
        labels: c.labels ?? {},
        status: c.status ?? 'running',
        inspectsSinceStart: 0,
        ...(c.healthyAfterInspects === undefined ? {} : { healthyAfterInspects: c.healthyAfterInspects }),
      },
    ]),
  );
  const failures = new Map<string, number>();
  const calls: string[] = [];
  const broken = new Set<string>();

  function get(id: string, operation: string): Live {
    const container = live.get(id);
    if (container === undefined) throw new DockerApiError(operation, 404, `No such container: ${id}`, id);
    return container;
  }

  function transition(c: Live, action: ContainerAction): ActionOutcome {
    const running = c.status === 'running';
    switch (action) {
      case 'start':
        if (running || c.status === 'paused') return 'already-running';
        c.status = 'running';
        c.inspectsSinceStart = 0;
        return 'done';
      case 'stop':
        if (!running && c.status !== 'paused') return 'already-stopped';
        c.status = 'exited';
        return 'done';
      case 'restart':
        c.status = broken.has(c.id) ? 'exited' : 'running';
        c.inspectsSinceStart = 0;
        return 'done';
      case 'kill':
        if (!running) return 'not-running';
        c.status = 'exited';
        return 'done';
      case 'pause':
        if (c.status === 'paused') return 'already-paused';
        if (!running) return 'not-running';
        c.status = 'paused';
        return 'done';
      case 'unpause':
        if (c.status !== 'paused') return 'not-paused';
        c.status = 'running';
        return 'done';
    }
  }

  return {
    endpoint: 'fake://docker',
    calls,
    broken,
    state: (id) => get(id, 'state').status,
    failNext: (id, status) => failures.set(id, status),
    ping: async () => ({ apiVersion: '1.41' }),
    listContainers: async (filter: ContainerFilter): Promise<ContainerSummary[]> => {
      calls.push(`list ${JSON.stringify(filter)}`);
      return [...live.values()]
        .filter((c) => filter.name === undefined || c.name.includes(filter.name))
        .filter((c) => filter.id === undefined || c.id.startsWith(filter.id))
        .filter((c) => {
          if (filter.label === undefined) return true;
          const [key, value] = filter.label.split('=', 2) as [string, string | undefined];
          return key in c.labels && (value === undefined || c.labels[key] === value);
        })
        .map((c) => ({ id: c.id, name: c.name, image: 'fake', state: c.status, labels: c.labels }));
    },
    inspect: async (id) => {
      const c = get(id, 'inspect');
      c.inspectsSinceStart += 1;
      const health =
        c.healthyAfterInspects === undefined
          ? undefined
          : c.status === 'running' && c.inspectsSinceStart > c.healthyAfterInspects
            ? 'healthy'
            : 'starting';
      return { id: c.id, name: c.name, status: c.status, ...(health === undefined ? {} : { health }) };
    },
    act: async (id: string, action: ContainerAction, options: ActionOptions = {}) => {
      calls.push(
        `${action} ${id}${options.signal ? ` ${options.signal}` : ''}${options.timeoutS === undefined ? '' : ` t=${options.timeoutS}`}`,
      );
      const c = get(id, action);
      const status = failures.get(id);
      if (status !== undefined) {
        failures.delete(id);
        throw new DockerApiError(action, status, 'injected failure', id);
      }
      return transition(c, action);
    },
    createContainer: async () => {
      throw new Error('the fake engine creates no containers');
    },
    removeContainer: async () => undefined,
    imageExists: async () => false,
    pruneImages: async () => undefined,
    events: async function* (): AsyncGenerator<DockerEvent> {},
    close: async () => undefined,
  };
}
