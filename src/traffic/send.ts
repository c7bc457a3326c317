import type { Cookie } from 'tough-cookie';
import { type Exchange, exchange } from '../http/exchange.js';
import type { HttpMethod } from '../http/types.js';
import type { RequestIds } from '../lab-contract/request-ids.js';
import type { Clock } from '../util/clock.js';
import type { Connections } from './connections.js';
import { cookieHeader, storeCookies } from './session.js';
import type { VirtualUser } from './virtual-user.js';

/** What every request of a run shares: where it goes, how long it may take, how it is labelled. */
export interface HttpContext {
  connections: Connections;
  /** The run's clock: 0 is the start of the run. */
  clock: Clock;
  /** Wall-clock milliseconds since the epoch, for cookie and JWT expiry. */
  wallNow: () => number;
  ids: RequestIds;
  timeoutMs: number;
  maxBodyBytes: number;
  headers: Readonly<Record<string, string>>;
  requestIdHeader: string;
  /** Also send the VU's id in a header of its own (the request id carries it already). */
  vuIdHeader: string | undefined;
}

/** A request resolved against the target once: origin and path, plus the URL the cookie jar matches on. */
export interface Endpoint {
  origin: string;
  path: string;
  url: string;
}

export function resolveEndpoint(urlOrPath: string, base: string): Endpoint {
  const url = new URL(urlOrPath, base);
  return { origin: url.origin, path: `${url.pathname}${url.search}`, url: url.href };
}

/** What a response must keep of its headers for these names to be read, and for the cookie jar. */
export function headersToKeep(names: readonly string[]): readonly string[] {
  return [...new Set([...names.map((name) => name.toLowerCase()), 'set-cookie'])];
}

export interface SendSpec {
  endpoint: Endpoint;
  method: HttpMethod;
  headers?: Readonly<Record<string, string>>;
  body?: string | undefined;
  keepBody: boolean;
  /**
   * The response headers anyone will read (lower-case names), Set-Cookie always added; all when undefined.
   * Make it once (`headersToKeep`), not per request.
   */
  keepHeaders?: readonly string[] | undefined;
  /** Send the user's bearer token (not on a login request). */
  withToken: boolean;
  closeAfter: boolean;
  /** Ends the request early when aborted (see ExchangeLimits.signal). */
  signal?: AbortSignal | undefined;
}

export interface Sent {
  requestId: string;
  start: number;
  end: number;
  exchange: Exchange;
  /** The cookies the response set that the jar accepted. */
  stored: readonly Cookie[];
}

/**
 * Sends one request as a user: its cookies, token, request id and user id headers go with it, and every
 * cookie the response sets lands in its jar (as a browser's would, whatever the request was).
 */
export async function sendAs(vu: VirtualUser, spec: SendSpec, context: HttpContext): Promise<Sent> {
  const requestId = context.ids.next(vu.id);
  const headers: Record<string, string> = { ...context.headers, ...spec.headers };
  headers[context.requestIdHeader] = requestId;
  if (context.vuIdHeader !== undefined) headers[context.vuIdHeader] = String(vu.id);
  const cookies = cookieHeader(vu, spec.endpoint.url, context.wallNow());
  if (cookies !== '') headers.cookie = cookies;
  if (spec.withToken && vu.token !== undefined) headers.authorization = `Bearer ${vu.token}`;
  const start = context.clock.now();
  const result = await exchange(
    context.connections.agentFor(vu.id),
    {
      origin: spec.endpoint.origin,
      path: spec.endpoint.path,
      method: spec.method,
      headers,
      body: spec.body,
      closeAfter: spec.closeAfter,
      keepHeaders: spec.keepHeaders,
    },
    {
      timeoutMs: context.timeoutMs,
      maxBodyBytes: context.maxBodyBytes,
      keepBody: spec.keepBody,
      signal: spec.signal,
    },
  );
  const end = context.clock.now();
  const stored = storeCookies(vu, result.headers['set-cookie'], spec.endpoint.url);
  return { requestId, start, end, exchange: result, stored };
}
