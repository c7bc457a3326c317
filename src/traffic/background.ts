import autocannon from 'autocannon';
import type { Traffic } from '../profile/schema/traffic.js';

/** What the background pressure achieved, reported apart from the users' traffic. */
export interface BackgroundResult {
  path: string;
  targetRate: number;
  sent: number;
  responses: number;
  errors: number;
  non2xx: number;
  durationMs: number;
  /** Responses per second over its run. */
  throughput: number;
}

export interface Background {
  /** Stops it early (the traffic phase ended) and resolves with its result. */
  stop(): Promise<BackgroundResult>;
}

/**
 * Session-less load at a fixed rate (autocannon's overallRate) to one path, to load the balancer while the
 * users measure. It ends by itself after maxDurationMs if nobody stops it first.
 */
export function startBackground(
  spec: NonNullable<Traffic['background']>,
  baseUrl: string,
  maxDurationMs: number,
  timeoutMs: number,
): Background {
  const url = new URL(spec.path, baseUrl).href;
  let stopInstance: () => void = () => undefined;
  const done = new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url,
        connections: spec.connections,
        overallRate: spec.rate,
        duration: Math.max(1, Math.ceil(maxDurationMs / 1000)),
        timeout: Math.max(1, Math.ceil(timeoutMs / 1000)),
      },
      (error: unknown, result: autocannon.Result) => (error ? reject(error) : resolve(result)),
    );
    stopInstance = () => instance.stop();
  });
  return {
    async stop() {
      stopInstance();
      const result = await done;
      const durationMs = result.finish.getTime() - result.start.getTime();
      const responses = result['1xx'] + result['2xx'] + result['3xx'] + result['4xx'] + result['5xx'];
      return {
        path: spec.path,
        targetRate: spec.rate,
        sent: result.requests.sent,
        responses,
        errors: result.errors,
        non2xx: result.non2xx,
        durationMs,
        throughput: durationMs > 0 ? (responses * 1000) / durationMs : 0,
      };
    },
  };
}
