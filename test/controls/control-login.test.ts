import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { runControls } from '../../src/controls/controls.js';
import { PreflightError } from '../../src/errors.js';
import { contextFor, planFor } from '../helpers/engine-fixtures.js';

/**
 * Two services on one origin, each knowing only the sessions of its own login (/a/login, /b/login), as
 * services behind a gateway with sessions kept inside each.
 */
async function twoServices(): Promise<{ url: string; server: Server }> {
  const sessions = { a: new Set<string>(), b: new Set<string>() };
  let next = 0;
  const server = createServer((req, res) => {
    const match = /^\/([ab])\/(login|me)$/.exec(req.url ?? '');
    const service = match?.[1] as 'a' | 'b' | undefined;
    if (service === undefined) {
      res.writeHead(404).end();
      return;
    }
    const sid = /sid=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
    if (match?.[2] === 'login') {
      const fresh = `${service}${++next}`;
      sessions[service].add(fresh);
      res.writeHead(200, { 'set-cookie': `sid=${fresh}; Path=/` }).end('{}');
      return;
    }
    if (sid !== undefined && sessions[service].has(sid)) res.writeHead(200).end('{"user":"user1"}');
    else res.writeHead(401).end('{"error":"not logged in"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

let server: Server | undefined;
const closers: Array<() => void> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) close();
  await new Promise((resolve) => server?.close(resolve));
});

async function controls(mix: unknown[]) {
  const started = await twoServices();
  server = started.server;
  const plan = planFor(started.url, {
    // The fake services take any password: the negative login is another control's test.
    auth: {
      login: { url: '/a/login', format: 'json', negativeControl: false },
      credentials: { password: 'secret' },
    },
    traffic: { mix } as never,
  });
  const { context, connections } = contextFor(plan.profile);
  closers.push(() => connections.close());
  return runControls({
    plan,
    context,
    probe: { id: 1, username: 'user1', password: 'secret' },
    log: () => {},
  });
}

describe("preflight's logged-in control for a request of another service (controlLogin)", () => {
  it("refuses a request the profile's login never reaches: it cannot show a mismatch", async () => {
    const error = await controls([{ path: '/a/me' }, { path: '/b/me' }]).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(PreflightError);
    expect((error as PreflightError).message).toContain('GET /b/me answered the same with and without');
  });

  it("proves it on the service's own login, and the profile's login for the entries after it", async () => {
    const { report } = await controls([{ path: '/b/me', controlLogin: '/b/login' }, { path: '/a/me' }]);
    expect(report.requests.map((request) => [request.request, request.loggedIn?.status])).toEqual([
      ['GET /b/me', 200],
      ['GET /a/me', 200],
    ]);
  });
});
