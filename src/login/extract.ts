import { compileJsonPath } from '../classify/json-path.js';
import type { Exchange } from '../http/exchange.js';
import type { LoginRequest } from '../profile/schema/auth.js';
import { cookieValue, type Session } from '../traffic/session.js';

export type Extraction = NonNullable<LoginRequest['prepare']>['extract'][number];

/** The value at a JSON path of a body, when the body is JSON and the value a scalar. */
function readJsonText(body: string | undefined, path: string): string | undefined {
  if (body === undefined) return undefined;
  try {
    return compileJsonPath(path)(JSON.parse(body));
  } catch {
    return undefined;
  }
}

function firstHeader(exchange: Exchange, name: string): string | undefined {
  const value = exchange.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

function capture(text: string | undefined, pattern: string | undefined): string | undefined {
  if (text === undefined || pattern === undefined) return text;
  const match = new RegExp(pattern).exec(text);
  return match === null ? undefined : (match[1] ?? match[0]);
}

/** Reads one value (a CSRF token, say) from the first step's response; cookies come from the user's jar. */
export function extractValue(
  extraction: Extraction,
  exchange: Exchange,
  session: Session,
  url: string,
): string | undefined {
  switch (extraction.from) {
    case 'body':
      return capture(exchange.body ?? '', extraction.pattern);
    case 'json':
      return readJsonText(exchange.body, extraction.path);
    case 'header':
      return capture(firstHeader(exchange, extraction.header), extraction.pattern);
    case 'cookie':
      return cookieValue(session, url, extraction.cookie);
  }
}

/** The bearer token a login response carries, from a JSON path or a header. */
export function extractToken(
  source: NonNullable<LoginRequest['token']>,
  exchange: Exchange,
): string | undefined {
  if (source.from === 'json') return readJsonText(exchange.body, source.path);
  const value = capture(firstHeader(exchange, source.name), source.pattern);
  return value?.replace(/^Bearer\s+/i, '');
}
