import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { compileRules, ruleNeeds } from '../../src/classify/classify.js';
import { exchange } from '../../src/http/exchange.js';
import { classifySchema } from '../../src/profile/schema/classify.js';
import { toResponseRecord } from '../../src/traffic/response-record.js';
import { headersToKeep } from '../../src/traffic/send.js';
import { createVirtualUser } from '../../src/traffic/virtual-user.js';
import { agentServer } from '../helpers/agent-server.js';

// A backend that names its user in a UTF-8 header and in a gzip JSON body, and pins with a UTF-8 cookie.
const server = agentServer({ maxConnections: 1 }, (request, response) => {
  const user = new URL(request.url ?? '/', 'http://x').searchParams.get('as') ?? '';
  const body = gzipSync(JSON.stringify({ user }));
  // Node writes header strings as latin1: hand it the UTF-8 bytes one character a byte, as a server would send them.
  const raw = (text: string): string => Buffer.from(text, 'utf8').toString('latin1');
  response.writeHead(200, {
    'content-encoding': 'gzip',
    'content-length': body.length,
    'x-user': raw(user),
    'set-cookie': `owner=${raw(user)}; Path=/`,
  });
  response.end(body);
});
const { agent, deadlines } = server;

async function classifyAnswer(identity: unknown, as: string): Promise<string> {
  const rules = classifySchema.parse({ identity });
  const needs = ruleNeeds(rules);
  const path = `/me?as=${encodeURIComponent(as)}`;
  const start = deadlines.now();
  const answer = await exchange(
    agent,
    {
      origin: server.origin,
      path,
      method: 'GET',
      headers: {},
      closeAfter: false,
      keepHeaders: headersToKeep(needs.headers),
    },
    { timeoutMs: 2000, maxBodyBytes: 4096, keepBody: needs.body },
    deadlines,
  );
  const vu = createVirtualUser(1, { username: 'zoë1', password: 'x' }, 1);
  const subject = {
    request: 'me',
    method: 'GET',
    path,
    url: `${server.origin}${path}`,
    intendedStart: 0,
    hadSession: true,
    sessionExpiresAt: undefined,
  };
  const sent = { requestId: 'r-1', start, end: deadlines.now(), exchange: answer, stored: [] };
  return compileRules(rules)(toResponseRecord(vu, subject, sent, needs)).class;
}

describe('the record the rules read', () => {
  it('reads identity header and cookie values as UTF-8', async () => {
    expect(await classifyAnswer({ from: 'header', name: 'X-User' }, 'zoë1')).toBe('ok');
    expect(await classifyAnswer({ from: 'cookie', name: 'owner' }, 'zoë1')).toBe('ok');
    expect(await classifyAnswer({ from: 'header', name: 'X-User' }, 'zoë2')).toBe('wrong_user');
  });

  it('reads a compressed body decoded: a gzip JSON body naming another user is wrong_user', async () => {
    expect(await classifyAnswer({ from: 'json', path: '$.user' }, 'user2')).toBe('wrong_user');
    expect(await classifyAnswer({ from: 'json', path: '$.user' }, 'zoë1')).toBe('ok');
    expect(await classifyAnswer({ from: 'regex', pattern: '"user":"([^"]+)"' }, 'user2')).toBe('wrong_user');
  });
});
