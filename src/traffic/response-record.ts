import type { RuleNeeds } from '../classify/classify.js';
import type { ResponseRecord } from '../classify/record.js';
import type { Sent } from './send.js';
import { cookieValue, setCookieValue } from './session.js';
import type { VirtualUser } from './virtual-user.js';

export interface RecordSubject {
  request: string;
  method: string;
  path: string;
  url: string;
  intendedStart: number;
  hadSession: boolean;
  sessionExpiresAt: number | undefined;
}

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

const nonAscii = /[\x80-\xff]/;

/**
 * A header value as the rules compare it: HTTP hands over bytes (the client reads them one character a
 * byte, as undici and llhttp do), and a server naming user `zoë1` sends those letters in UTF-8.
 */
function utf8Text(value: string | undefined): string | undefined {
  return value === undefined || !nonAscii.test(value) ? value : Buffer.from(value, 'latin1').toString('utf8');
}

/** The record of one exchange, keeping only the headers, cookies and body the rules need. */
export function toResponseRecord(
  vu: VirtualUser,
  subject: RecordSubject,
  sent: Sent,
  needs: RuleNeeds,
): ResponseRecord {
  const { exchange } = sent;
  const headers: Record<string, string> = {};
  for (const name of needs.headers) {
    const value = utf8Text(firstValue(exchange.headers[name]));
    if (value !== undefined) headers[name] = value;
  }
  const cookies: Record<string, string> = {};
  for (const name of needs.cookies) {
    const value = utf8Text(
      setCookieValue(exchange.headers['set-cookie'], name) ?? cookieValue(vu, subject.url, name),
    );
    if (value !== undefined) cookies[name] = value;
  }
  const record: ResponseRecord = {
    vu: vu.id,
    user: vu.username,
    requestId: sent.requestId,
    request: subject.request,
    method: subject.method,
    path: subject.path,
    intendedStart: subject.intendedStart,
    start: sent.start,
    end: sent.end,
    headers,
    cookies,
    bodyBytes: exchange.bodyBytes,
    bodyTruncated: exchange.bodyTruncated,
    hadSession: subject.hadSession,
  };
  if (exchange.status !== undefined) record.status = exchange.status;
  if (exchange.errorCode !== undefined) record.errorCode = exchange.errorCode;
  if (exchange.body !== undefined) record.body = exchange.body;
  if (subject.sessionExpiresAt !== undefined) record.sessionExpiresAt = subject.sessionExpiresAt;
  return record;
}
