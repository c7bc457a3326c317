/** The container-client contract the rest of chaos uses; tests inject a fake (testcontainers-style). */

import type { ActionOutcome, TargetAction } from '../driver.js';

export type { ActionOutcome } from '../driver.js';
export type ContainerAction = TargetAction;

export interface ContainerSummary {
  id: string;
  name: string;
  image: string;
  /** Docker's State: created, running, paused, restarting, exited, dead. */
  state: string;
  labels: Readonly<Record<string, string>>;
}

export type HealthStatus = 'none' | 'starting' | 'healthy' | 'unhealthy';

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

export interface DockerClient {
  /** For messages: unix:///var/run/docker.sock, https://host:2376. */
  readonly endpoint: string;
  /** GET /_ping: checks the engine answers and fixes the API version; returns it. */
  ping(): Promise<{ apiVersion: string }>;
  listContainers(filter: ContainerFilter): Promise<ContainerSummary[]>;
  inspect(id: string): Promise<ContainerState>;
  act(id: string, action: ContainerAction, options?: ActionOptions): Promise<ActionOutcome>;
  /** Docker's event stream, one event per line, until the signal aborts. */
  events(query: EventsQuery): AsyncIterable<DockerEvent>;
  close(): Promise<void>;
}
