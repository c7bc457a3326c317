import autocannon from 'autocannon';
import { announce, obeyParent, type PausableLoad, runChild } from './child.js';

export interface AutocannonOptions {
  url: string;
  connections: number;
  durationSeconds: number;
  cookie: string;
  /** Sent with the cookie on every request, always the same values (the alternating section's middle row). */
  extraHeaders?: Record<string, string>;
}

export interface LoadResult {
  requests: number;
  durationMs: number;
  /** Responses that were not 2xx plus failed requests: all should be 0 against a healthy lab. */
  bad: number;
}

/** Plain autocannon: one fixed cookie header (and fixed extra headers if asked), no checks beyond its own status counting. */
await runChild<AutocannonOptions & PausableLoad>(async (options) => {
  let answered = 0;
  let load: autocannon.Instance | undefined;
  // Before `start`: the parent pauses us on it, and the SIGCONT that resumes us must find the handler.
  if (options.pausable)
    obeyParent(
      () => answered,
      () => load?.stop(),
    );
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    announce({ type: 'start' });
    load = autocannon(
      {
        url: options.url,
        connections: options.connections,
        duration: options.durationSeconds,
        headers: { cookie: options.cookie, ...options.extraHeaders },
        // A paused child's requests wait out the other generators' turns: they must not time out meanwhile.
        timeout: options.pausable ? 120 : 10,
      },
      (error: unknown, done) => (error ? reject(error) : resolve(done)),
    );
    if (options.pausable)
      load.on('response', () => {
        answered += 1;
      });
  });
  const loaded: LoadResult = {
    requests: result.requests.total,
    durationMs: result.duration * 1000,
    bad: result.non2xx + result.errors,
  };
  return loaded;
});
