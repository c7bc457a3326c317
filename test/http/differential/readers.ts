import { Agent as HttpAgentOfNode, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgentOfNode, request as httpsRequest } from 'node:https';
import { errors as undiciErrors } from 'undici';
import { Http1Agent } from '../../../src/http/agent.js';
import { Deadlines } from '../../../src/http/deadlines.js';
import type { HttpMethod, ResponseHeaders, ResponseSink } from '../../../src/http/types.js';

/** How an exchange failed, in the terms both clients can be compared in. */
type Failure = 'parse' | 'reset' | 'timeout';

export interface Outcome {
  status?: number;
  headers: Record<string, string | string[]>;
  /** The body's bytes as latin1 text (one character a byte). */
  body: string;
  failure?: Failure;
  code?: string;
}

export interface Reading {
  outcomes: Outcome[];
  connections: number;
}

export interface ReadOptions {
  method: HttpMethod;
  /** Sequential requests on one client (so one connection while the server keeps it). */
  requests: number;
  timeoutMs: number;
  /** Only these response headers are compared (lower-case names); all when undefined. */
  keep: readonly string[] | undefined;
  /** How long to wait between two requests (0: at once, as a closed-model user does). */
  pauseMs: number;
}

const parseCodes = new Set(['UND_ERR_HEADERS_OVERFLOW', 'UND_ERR_INFO']);
const timeoutCodes = new Set([
  'ETIMEDOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_ABORTED',
  'TimeoutError',
  'AbortError',
  'ABORT_ERR',
]);

function failureOf(code: string): Failure {
  if (code.startsWith('HPE_') || parseCodes.has(code)) return 'parse';
  if (timeoutCodes.has(code)) return 'timeout';
  return 'reset';
}

/**
 * The headers compared, in one shape for every client: Set-Cookie a list (node:http always makes it one),
 * other repeats joined with ", " (as node:http joins them).
 */
function keptHeaders(
  headers: ResponseHeaders,
  keep: readonly string[] | undefined,
): Record<string, string | string[]> {
  const kept: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || (keep !== undefined && !keep.includes(name))) continue;
    if (name === 'set-cookie') kept[name] = Array.isArray(value) ? value : [value];
    else kept[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return kept;
}

/** One exchange through the engine's client, heard at its lowest layer (raw body bytes, no decoding). */
function engineExchange(agent: Http1Agent, origin: string, options: ReadOptions): Promise<Outcome> {
  return new Promise((resolve) => {
    const outcome: Outcome = { headers: {}, body: '' };
    let abort: ((code: string) => void) | undefined;
    const timer = setTimeout(
      () => (abort === undefined ? sink.onError('ETIMEDOUT') : abort('ETIMEDOUT')),
      options.timeoutMs,
    );
    const settle = (): void => {
      clearTimeout(timer);
      sink.settled = true;
      resolve(outcome);
    };
    const sink: ResponseSink & { settled: boolean } = {
      headOnly: options.method === 'HEAD',
      keepHeaders: options.keep,
      settled: false,
      onSent: (abortIt) => {
        abort = abortIt;
      },
      onHeaders: (status, headers) => {
        outcome.status = status;
        outcome.headers = keptHeaders(headers, options.keep);
      },
      onData: (chunk, start, end) => {
        outcome.body += chunk.toString('latin1', start, end);
      },
      onComplete: () => {
        if (!sink.settled) settle();
      },
      onError: (code) => {
        if (sink.settled) return;
        outcome.code = code;
        outcome.failure = failureOf(code);
        settle();
      },
    };
    agent.send(
      {
        origin,
        method: options.method,
        path: '/',
        headers: {},
        closeAfter: false,
        keepHeaders: options.keep,
      },
      sink,
    );
  });
}

export async function readWithEngine(
  origin: string,
  options: ReadOptions,
  connections: () => number,
): Promise<Reading> {
  const agent = new Http1Agent({ maxConnections: 1, connectTimeoutMs: options.timeoutMs }, new Deadlines());
  const outcomes: Outcome[] = [];
  try {
    for (let i = 0; i < options.requests; i++) {
      if (i > 0 && options.pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, options.pauseMs));
      outcomes.push(await engineExchange(agent, origin, options));
    }
  } finally {
    agent.close();
  }
  return { outcomes, connections: connections() };
}

function codeOfError(error: unknown): string {
  if (error instanceof undiciErrors.UndiciError) return (error as { code: string }).code;
  if (error instanceof Error) {
    const { code } = error as { code?: unknown };
    if (typeof code === 'string') return code;
    // undici's HTTPParserError carries llhttp's code only when llhttp named one.
    return error.name === 'HTTPParserError' ? 'HPE_UNNAMED' : error.name;
  }
  return String(error);
}

/** The same exchanges through node:http (llhttp too, with Node's own policy around it), one socket. */
export async function readWithNode(
  origin: string,
  options: ReadOptions,
  connections: () => number,
): Promise<Reading> {
  const tls = origin.startsWith('https:');
  const agent = new (tls ? HttpsAgentOfNode : HttpAgentOfNode)({ keepAlive: true, maxSockets: 1 });
  const nodeRequest = tls ? httpsRequest : httpRequest;
  const outcomes: Outcome[] = [];
  try {
    for (let i = 0; i < options.requests; i++) {
      if (i > 0 && options.pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, options.pauseMs));
      outcomes.push(
        await new Promise<Outcome>((resolve) => {
          const outcome: Outcome = { headers: {}, body: '' };
          let settled = false;
          const settle = (code?: string): void => {
            if (settled) return;
            settled = true;
            if (code !== undefined) {
              outcome.code = code;
              outcome.failure = failureOf(code);
            }
            resolve(outcome);
          };
          const request = nodeRequest(
            `${origin}/`,
            { method: options.method, agent, signal: AbortSignal.timeout(options.timeoutMs) },
            (response) => {
              outcome.status = response.statusCode;
              outcome.headers = keptHeaders(response.headers as ResponseHeaders, options.keep);
              response.on('data', (chunk: Buffer) => {
                outcome.body += chunk.toString('latin1');
              });
              response.on('end', () => settle(response.complete ? undefined : 'ECONNRESET'));
              response.on('error', (error) => settle(codeOfError(error)));
              response.on('aborted', () => settle('ECONNRESET'));
              answer = response;
            },
          );
          // An error after a complete answer is about bytes after it: the answer stands.
          let answer: IncomingMessage | undefined;
          // llhttp stops at a 101 (HPE_PAUSED_UPGRADE) and node:http hands the socket over; nobody asked for it.
          request.on('upgrade', (_response, socket) => {
            socket.destroy();
            settle('HPE_PAUSED_UPGRADE');
          });
          request.on('error', (error) => settle(answer?.complete ? undefined : codeOfError(error)));
          request.end();
        }),
      );
    }
  } finally {
    agent.destroy();
  }
  return { outcomes, connections: connections() };
}
