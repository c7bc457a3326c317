import type { LoginRecord, ResponseRecord } from '../../src/classify/record.js';

/** A 200 from backend `b1` for VU 1 (`user1`), logged in, 10 ms long; override what a test is about. */
export function responseRecord(overrides: Partial<ResponseRecord> = {}): ResponseRecord {
  return {
    vu: 1,
    user: 'user1',
    requestId: 'r-1',
    request: 'GET /me',
    method: 'GET',
    path: '/me',
    intendedStart: 0,
    start: 0,
    end: 10,
    status: 200,
    headers: { 'x-backend-id': 'b1' },
    cookies: {},
    bodyBytes: 0,
    bodyTruncated: false,
    hadSession: true,
    ...overrides,
  };
}

export function loginRecord(overrides: Partial<LoginRecord> = {}): LoginRecord {
  return {
    vu: 1,
    user: 'user1',
    requestId: 'l-1',
    start: 0,
    end: 5,
    outcome: 'login_ok',
    cause: 'initial',
    status: 200,
    backend: 'b1',
    ...overrides,
  };
}
