import { Cookie } from 'tough-cookie';
import type { Exchange } from '../http/exchange.js';
import type { Extractor } from '../profile/schema/common.js';

type ResponseHeaders = Exchange['headers'];

/**
 * The usual signs of the backend that served an answer, in the order they are tried. `server` names the
 * balancer as often as a backend, so it counts only where it varies between answers.
 */
const headerSigns = ['x-backend-id', 'x-served-by', 'x-upstream', 'x-backend', 'x-server'] as const;
const cookieSigns = ['SERVERID', 'ROUTEID', 'route', 'AWSALB', 'INGRESSCOOKIE'] as const;
/** Tomcat's jvmRoute: `JSESSIONID=<id>.<route>`. */
const jvmRoute: Extractor = { from: 'cookie', name: 'JSESSIONID', pattern: '\\.([^.]+)$' };

function headerText(headers: ResponseHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function setCookie(headers: ResponseHeaders, name: string): string | undefined {
  const raw = headers['set-cookie'];
  for (const value of raw === undefined ? [] : Array.isArray(raw) ? raw : [raw]) {
    const cookie = Cookie.parse(value);
    if (cookie?.key === name && cookie.value !== '') return cookie.value;
  }
  return undefined;
}

/**
 * The backend sign these answers carry (each answer's full headers), where the configured rule reads
 * nothing: a header on every answer, `server` where it takes more than one value, or a balancer cookie
 * that some answer sets. Undefined when there is none: stickiness cannot be measured.
 */
export function detectBackendSign(answers: readonly ResponseHeaders[]): Extractor | undefined {
  if (answers.length === 0) return undefined;
  for (const name of headerSigns) {
    if (answers.every((headers) => headerText(headers, name) !== undefined)) return { from: 'header', name };
  }
  const servers = new Set(answers.map((headers) => headerText(headers, 'server')));
  if (!servers.has(undefined) && servers.size > 1) return { from: 'header', name: 'server' };
  for (const name of cookieSigns) {
    if (answers.some((headers) => setCookie(headers, name) !== undefined)) return { from: 'cookie', name };
  }
  if (answers.some((headers) => /\.[^.]+$/.test(setCookie(headers, 'JSESSIONID') ?? ''))) return jvmRoute;
  return undefined;
}
