import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Agent, type Dispatcher, request } from 'undici';
import type { z } from 'zod';
import { DockerApiError, DockerTimeoutError, DockerUnreachableError, PreflightError } from '../errors.js';
import type { DockerEndpoint } from './endpoint.js';
import {
  containerInspectSchema,
  containerListSchema,
  createdSchema,
  dockerEventSchema,
  errorBodySchema,
  parseApiVersion,
} from './responses.js';
import type {
  ActionOptions,
  ActionOutcome,
  ContainerAction,
  ContainerFilter,
  ContainerSpec,
  ContainerState,
  ContainerSummary,
  DockerClient,
  DockerEvent,
  EventsQuery,
} from './types.js';

/**
 * The API versions this client speaks. The version is negotiated (min of the engine's and ours), never pinned:
 * Debian's engine 20.10 speaks 1.41, Docker 29 refuses anything below 1.44.
 */
const oldestApiVersion: [number, number] = [1, 41];
const newestApiVersion: [number, number] = [1, 52];

/** An event line longer than this is not an event; the stream is broken. */
const maxEventLineBytes = 1 << 20;
const pingTimeoutMs = 5_000;
/** Every request has a deadline: a hung engine must not hang the run (its end waits for chaos to settle). */
const defaultRequestTimeoutMs = 10_000;
/** Docker's own default grace period, used to bound a stop or restart that gives none. */
const dockerDefaultGraceS = 10;

function compareVersions(a: [number, number], b: [number, number]): number {
  return a[0] - b[0] || a[1] - b[1];
}

export function negotiateApiVersion(engineVersion: string | undefined, endpoint: string): string {
  const engine = engineVersion === undefined ? undefined : parseApiVersion(engineVersion);
  if (engine === undefined) {
    throw new DockerUnreachableError(endpoint, `/_ping answered without a valid Api-Version header`);
  }
  if (compareVersions(engine, oldestApiVersion) < 0) {
    throw new PreflightError(
      `Docker Engine at ${endpoint} speaks API ${engineVersion}, older than ${oldestApiVersion.join('.')}, the oldest this tool speaks`,
    );
  }
  const chosen = compareVersions(engine, newestApiVersion) < 0 ? engine : newestApiVersion;
  return chosen.join('.');
}

/** The answers that mean "already so" or "means nothing now" (304, 409), per action. */
function idempotentOutcome(
  action: ContainerAction,
  status: number,
  message: string,
): ActionOutcome | undefined {
  if (status === 304) {
    if (action === 'start') return 'already-running';
    if (action === 'stop') return 'already-stopped';
    return 'conflict';
  }
  if (status === 409) {
    if (/already paused/i.test(message)) return 'already-paused';
    if (/not paused/i.test(message)) return 'not-paused';
    if (/not running/i.test(message)) return 'not-running';
    return 'conflict';
  }
  // Engines before 23 answer an unpause of a container that is not paused with a plain 500.
  if (status === 500 && action === 'unpause' && /is not paused/i.test(message)) return 'not-paused';
  // Podman's compatible API answers what Docker says with 409 as a 500 ending in "container state improper".
  if (status === 500 && /container state improper/i.test(message)) {
    if (/already paused/i.test(message)) return 'already-paused';
    if (/not paused/i.test(message)) return 'not-paused';
    if (/only kill running|not running/i.test(message)) return 'not-running';
    return 'conflict';
  }
  return undefined;
}

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`)
    .join('; ');
}

function dockerMessage(text: string): string {
  try {
    const parsed = errorBodySchema.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data.message;
  } catch {
    // Not JSON: the raw text is the best message there is.
  }
  const trimmed = text.trim();
  if (trimmed === '') return '(empty body)';
  return trimmed.length > 200 ? `${trimmed.slice(0, 200)}...` : trimmed;
}

function transportReason(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  return typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message;
}

function createDispatcher(endpoint: DockerEndpoint): { origin: string; agent: Agent } {
  if (endpoint.kind === 'unix') {
    return { origin: 'http://localhost', agent: new Agent({ connect: { socketPath: endpoint.socketPath } }) };
  }
  if (endpoint.tls === undefined) return { origin: endpoint.origin, agent: new Agent() };
  const read = (file: string): Buffer => {
    const path = join(endpoint.tls?.certPath ?? '', file);
    try {
      return readFileSync(path);
    } catch (error) {
      throw new DockerUnreachableError(
        endpoint.label,
        `cannot read ${path} (DOCKER_CERT_PATH): ${transportReason(error)}`,
      );
    }
  };
  const connect = {
    ca: read('ca.pem'),
    cert: read('cert.pem'),
    key: read('key.pem'),
    rejectUnauthorized: true,
  };
  return { origin: endpoint.origin, agent: new Agent({ connect }) };
}

interface Exchange {
  status: number;
  text: string;
}

export interface DockerClientOptions {
  /** The deadline of each request (a stop or restart gets its grace period on top). */
  requestTimeoutMs?: number;
}

/** A DockerClient over undici: a Unix socket, or TCP with TLS. */
export function createDockerClient(
  endpoint: DockerEndpoint,
  options: DockerClientOptions = {},
): DockerClient {
  const { origin, agent } = createDispatcher(endpoint);
  const requestTimeoutMs = options.requestTimeoutMs ?? defaultRequestTimeoutMs;
  let negotiated: Promise<string> | undefined;

  /**
   * One request under a deadline. `shown` is the path as messages name it, without the version prefix. The
   * deadline covers the whole answer unless `headOnly` (the event stream, open for the whole run).
   */
  async function send(
    method: Dispatcher.HttpMethod,
    path: string,
    shown: string,
    timeoutMs: number,
    options: { signal?: AbortSignal; headOnly?: boolean; body?: unknown } = {},
  ): Promise<{ response: Dispatcher.ResponseData; timedOut: () => boolean }> {
    const deadline = new AbortController();
    const timer = setTimeout(() => deadline.abort(), timeoutMs);
    timer.unref();
    const { signal } = options;
    const timedOut = (): boolean => deadline.signal.aborted && !signal?.aborted;
    try {
      const response = await request(`${origin}${path}`, {
        method,
        dispatcher: agent,
        headersTimeout: 0,
        bodyTimeout: 0,
        signal: signal === undefined ? deadline.signal : AbortSignal.any([signal, deadline.signal]),
        ...(options.body === undefined
          ? {}
          : { body: JSON.stringify(options.body), headers: { 'content-type': 'application/json' } }),
      });
      if (options.headOnly) clearTimeout(timer);
      else response.body.once('close', () => clearTimeout(timer));
      return { response, timedOut };
    } catch (error) {
      clearTimeout(timer);
      if (signal?.aborted) throw error;
      if (timedOut()) {
        if (shown === '/_ping') {
          throw new DockerUnreachableError(
            endpoint.label,
            `it did not answer GET /_ping within ${timeoutMs / 1000} s`,
          );
        }
        throw new DockerTimeoutError(method, shown, timeoutMs);
      }
      throw new DockerUnreachableError(endpoint.label, transportReason(error));
    }
  }

  async function exchange(
    method: Dispatcher.HttpMethod,
    path: string,
    timeoutMs = requestTimeoutMs,
    body?: unknown,
  ): Promise<Exchange> {
    const shown = path.split('?')[0] ?? path;
    const { response, timedOut } = await send(
      method,
      `/v${await apiVersion()}${path}`,
      shown,
      timeoutMs,
      body === undefined ? {} : { body },
    );
    try {
      return { status: response.statusCode, text: await response.body.text() };
    } catch (error) {
      if (timedOut()) throw new DockerTimeoutError(method, shown, timeoutMs);
      throw new DockerUnreachableError(endpoint.label, transportReason(error));
    }
  }

  function apiVersion(): Promise<string> {
    negotiated ??= ping().then((answer) => answer.apiVersion);
    return negotiated;
  }

  async function ping(): Promise<{ apiVersion: string }> {
    const { response } = await send('GET', '/_ping', '/_ping', Math.min(pingTimeoutMs, requestTimeoutMs));
    const body = await response.body.text();
    if (response.statusCode !== 200) {
      throw new DockerUnreachableError(
        endpoint.label,
        `/_ping answered HTTP ${response.statusCode}: ${dockerMessage(body)}`,
      );
    }
    const header = response.headers['api-version'];
    const version = negotiateApiVersion(Array.isArray(header) ? header[0] : header, endpoint.label);
    negotiated = Promise.resolve(version);
    return { apiVersion: version };
  }

  function parse<T>(schema: z.ZodType<T>, answer: Exchange, operation: string, container?: string): T {
    let json: unknown;
    try {
      json = JSON.parse(answer.text);
    } catch {
      throw new DockerApiError(
        operation,
        answer.status,
        `unexpected response, not JSON: ${dockerMessage(answer.text)}`,
        container,
      );
    }
    const result = schema.safeParse(json);
    if (!result.success) {
      throw new DockerApiError(
        operation,
        answer.status,
        `unexpected response: ${describeIssues(result.error)}`,
        container,
      );
    }
    return result.data;
  }

  async function listContainers(filter: ContainerFilter): Promise<ContainerSummary[]> {
    const filters: Record<string, string[]> = {};
    if (filter.name !== undefined) filters.name = [filter.name];
    if (filter.id !== undefined) filters.id = [filter.id];
    if (filter.label !== undefined) filters.label = [filter.label];
    const query = new URLSearchParams({ all: 'true', filters: JSON.stringify(filters) });
    const answer = await exchange('GET', `/containers/json?${query}`);
    if (answer.status !== 200)
      throw new DockerApiError('list containers', answer.status, dockerMessage(answer.text));
    return parse(containerListSchema, answer, 'list containers').map((container) => ({
      id: container.Id,
      // The first name is the container's own; others are legacy link aliases such as /web/db.
      name: (container.Names[0] ?? container.Id.slice(0, 12)).replace(/^\//, ''),
      image: container.Image,
      state: container.State,
      labels: container.Labels ?? {},
    }));
  }

  async function inspect(id: string): Promise<ContainerState> {
    const answer = await exchange('GET', `/containers/${encodeURIComponent(id)}/json`);
    if (answer.status !== 200)
      throw new DockerApiError('inspect', answer.status, dockerMessage(answer.text), id);
    const container = parse(containerInspectSchema, answer, 'inspect', id);
    const status = container.State.Health?.Status;
    const health = status === '' ? undefined : status;
    return {
      id: container.Id,
      name: container.Name.replace(/^\//, ''),
      status: container.State.Status,
      ...(health === undefined || health === 'none' ? {} : { health }),
    };
  }

  async function act(
    id: string,
    action: ContainerAction,
    options: ActionOptions = {},
  ): Promise<ActionOutcome> {
    const query = new URLSearchParams();
    const stopping = action === 'stop' || action === 'restart';
    if (stopping && options.timeoutS !== undefined) query.set('t', String(Math.round(options.timeoutS)));
    if (action === 'kill' && options.signal !== undefined) query.set('signal', options.signal);
    const suffix = query.size === 0 ? '' : `?${query}`;
    // Docker answers a stop or restart only after its grace period: the deadline is that on top of the usual.
    const grace = stopping ? (options.timeoutS ?? dockerDefaultGraceS) * 1000 : 0;
    const answer = await exchange(
      'POST',
      `/containers/${encodeURIComponent(id)}/${action}${suffix}`,
      requestTimeoutMs + grace,
    );
    if (answer.status === 204 || answer.status === 200) return 'done';
    const message = dockerMessage(answer.text);
    const outcome = idempotentOutcome(action, answer.status, message);
    if (outcome !== undefined) return outcome;
    throw new DockerApiError(action, answer.status, message, id);
  }

  async function* events(query: EventsQuery): AsyncGenerator<DockerEvent> {
    const filters = JSON.stringify({ type: ['container'], container: [...query.containers] });
    const params = new URLSearchParams({ filters });
    if (query.sinceMs !== undefined) params.set('since', (query.sinceMs / 1000).toFixed(3));
    // The stream stays open for the whole run: only its head has a deadline.
    const { response } = await send(
      'GET',
      `/v${await apiVersion()}/events?${params}`,
      '/events',
      requestTimeoutMs,
      {
        signal: query.signal,
        headOnly: true,
      },
    );
    if (response.statusCode !== 200) {
      throw new DockerApiError('events', response.statusCode, dockerMessage(await response.body.text()));
    }
    let pending = '';
    try {
      for await (const chunk of response.body) {
        pending += (chunk as Buffer).toString('utf8');
        let newline = pending.indexOf('\n');
        while (newline !== -1) {
          const line = pending.slice(0, newline).trim();
          pending = pending.slice(newline + 1);
          if (line !== '') yield parseEvent(line);
          newline = pending.indexOf('\n');
        }
        if (pending.length > maxEventLineBytes) {
          throw new DockerApiError('events', 200, `an event line exceeded ${maxEventLineBytes} bytes`);
        }
      }
    } catch (error) {
      if (query.signal.aborted) return;
      throw error;
    }
  }

  function parseEvent(line: string): DockerEvent {
    const event = parse(dockerEventSchema, { status: 200, text: line }, 'events');
    const attributes = event.Actor.Attributes ?? {};
    return {
      timeMs: event.timeNano / 1e6,
      type: event.Type,
      action: event.Action,
      id: event.Actor.ID,
      ...(attributes.name === undefined ? {} : { name: attributes.name }),
      attributes,
    };
  }

  async function createContainer(name: string, spec: ContainerSpec): Promise<string> {
    const query = new URLSearchParams({ name });
    const answer = await exchange('POST', `/containers/create?${query}`, requestTimeoutMs, spec);
    if (answer.status !== 201)
      throw new DockerApiError('create', answer.status, dockerMessage(answer.text), name);
    return parse(createdSchema, answer, 'create', name).Id;
  }

  async function removeContainer(id: string): Promise<void> {
    const query = new URLSearchParams({ force: 'true', v: 'true' });
    const answer = await exchange('DELETE', `/containers/${encodeURIComponent(id)}?${query}`);
    // 404: gone already, which is what was asked.
    if (answer.status !== 204 && answer.status !== 404)
      throw new DockerApiError('remove', answer.status, dockerMessage(answer.text), id);
  }

  async function imageExists(tag: string): Promise<boolean> {
    const answer = await exchange('GET', `/images/${encodeURIComponent(tag)}/json`);
    if (answer.status === 200) return true;
    if (answer.status === 404) return false;
    throw new DockerApiError('inspect image', answer.status, dockerMessage(answer.text), tag);
  }

  async function pruneImages(filters: Readonly<Record<string, readonly string[]>>): Promise<void> {
    const query = new URLSearchParams({ filters: JSON.stringify(filters) });
    const answer = await exchange('POST', `/images/prune?${query}`, requestTimeoutMs * 6);
    if (answer.status !== 200)
      throw new DockerApiError('prune images', answer.status, dockerMessage(answer.text));
  }

  return {
    endpoint: endpoint.label,
    ping,
    listContainers,
    inspect,
    act,
    createContainer,
    removeContainer,
    imageExists,
    pruneImages,
    events,
    close: () => agent.destroy(),
  };
}
