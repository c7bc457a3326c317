import autocannon from 'autocannon';
import { announce, runChild } from './child.js';

export interface AutocannonOptions {
  url: string;
  connections: number;
  durationSeconds: number;
  cookie: string;
}

export interface LoadResult {
  requests: number;
  durationMs: number;
  /** Responses that were not 2xx plus failed requests: all should be 0 against a healthy lab. */
  bad: number;
}

/** Plain autocannon: one fixed cookie header, no checks beyond its own status counting. */
await runChild<AutocannonOptions>(async (options) => {
  announce({ type: 'start' });
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.durationSeconds,
    headers: { cookie: options.cookie },
  });
  const loaded: LoadResult = {
    requests: result.requests.total,
    durationMs: result.duration * 1000,
    bad: result.non2xx + result.errors,
  };
  return loaded;
});
