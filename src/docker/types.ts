import type { ActionOutcome, TargetAction as ContainerAction } from '../target-actions.js';

/** The container-client contract the rest of chaos uses; tests inject a fake (testcontainers-style). */

// Docker answers 304 and 409 where an action finds the container already so; the client says that as an outcome.
export type { ActionOutcome, ContainerAction };

export interface ContainerSummary {
  id: string;
  name: string;
  image: string;
  /** Docker's State: created, running, paused, restarting, exited, dead. */
  state: string;
  labels: Readonly<Record<string, string>>;
}

type HealthStatus = 'none' | 'starting' | 'healthy' | 'unhealthy';

export interface ContainerState {
  id: string;
  name: string;
  status: 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';
  /** Undefined when the container has no health check. */
  health?: HealthStatus;
}

/** Docker's list filters; every given one must match (Docker ANDs different keys). */
export interface ContainerFilter {
  /** Docker matches names as a substring; callers narrow further. */
  name?: string;
  /** An id prefix. */
  id?: string;
  /** `key` or `key=value`. */
  label?: string;
}

export interface ActionOptions {
  /** restart, stop: seconds Docker waits after SIGTERM before it kills. */
  timeoutS?: number;
  /** kill: the signal. */
  signal?: string;
}

export interface DockerEvent {
  /** Docker's clock: milliseconds since the epoch. */
  timeMs: number;
  type: string;
  action: string;
  id: string;
  /** The container name, from the event's attributes. */
  name?: string;
  attributes: Readonly<Record<string, string>>;
}

export interface EventsQuery {
  /** Container ids or names to filter on. */
  containers: readonly string[];
  /** Epoch milliseconds; events from then on (Docker replays recent ones). */
  sinceMs?: number;
  signal: AbortSignal;
}

/** The parts of Docker's container create body the lab uses (Engine API names). */
export interface ContainerSpec {
  Image: string;
  Env?: string[];
  Labels?: Record<string, string>;
  StopTimeout?: number;
  HostConfig?: { NetworkMode?: 'host'; Binds?: string[] };
}

export interface DockerClient {
  /** For messages: unix:///var/run/docker.sock, https://host:2376. */
  readonly endpoint: string;
  /** GET /_ping: checks the engine answers and fixes the API version; returns it. */
  ping(): Promise<{ apiVersion: string }>;
  listContainers(filter: ContainerFilter): Promise<ContainerSummary[]>;
  inspect(id: string): Promise<ContainerState>;
  act(id: string, action: ContainerAction, options?: ActionOptions): Promise<ActionOutcome>;
  /** POST /containers/create: returns the new container's id (not started). */
  createContainer(name: string, spec: ContainerSpec): Promise<string>;
  /** DELETE /containers/{id}, forced, with its anonymous volumes; a container already gone is fine. */
  removeContainer(id: string): Promise<void>;
  imageExists(tag: string): Promise<boolean>;
  pruneImages(filters: Readonly<Record<string, readonly string[]>>): Promise<void>;
  /** Docker's event stream, one event per line, until the signal aborts. */
  events(query: EventsQuery): AsyncIterable<DockerEvent>;
  close(): Promise<void>;
}
