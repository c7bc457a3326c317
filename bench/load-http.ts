import type { HttpClientName } from '../src/http/client-names.js';
import { httpClients } from '../src/http/clients.js';
import { deadlines } from '../src/http/deadlines.js';
import { exchange } from '../src/http/exchange.js';
import { announce, runChild } from './child.js';
import type { AutocannonOptions, LoadResult } from './load-autocannon.js';

/**
 * The floor under session-chaos: an HTTP client's exchange() in a plain loop, fixed cookie, no checks; the
 * engine's own client ("http loop") or undici's, the reference path ("undici loop").
 */
await runChild<AutocannonOptions & { client: HttpClientName }>(async (options) => {
  const url = new URL(options.url);
  const agent = httpClients[options.client](
    { maxConnections: options.connections, connectTimeoutMs: 10_000 },
    deadlines,
  );
  const endAt = performance.now() + options.durationSeconds * 1000;
  let requests = 0;
  let bad = 0;
  announce({ type: 'start' });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: options.connections }, async () => {
      while (performance.now() < endAt) {
        const answer = await exchange(
          agent,
          {
            origin: url.origin,
            path: url.pathname,
            method: 'GET',
            headers: { cookie: options.cookie, ...options.extraHeaders },
            closeAfter: false,
          },
          { timeoutMs: 10_000, maxBodyBytes: 65_536, keepBody: false },
        );
        requests += 1;
        if (answer.status !== 200) bad += 1;
      }
    }),
  );
  const result: LoadResult = { requests, durationMs: performance.now() - started, bad };
  agent.close();
  return result;
});
