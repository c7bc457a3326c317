/**
 * What a virtual user costs and how fast the engine goes, on the real lab (HAProxy cookie insert over memory
 * sessions, backends as processes). Usage: npx tsx bench/engine.ts [users] [seconds] [thinkTimeMs]
 * Prints RSS before any user exists (the idle process), after the login phase, and the peak during traffic.
 * With LAB_URL (and LAB_PASSWORD) set it uses that lab instead of starting one in this process.
 */
import { startLab } from '../src/lab/index.js';
import { profileSchema } from '../src/profile/schema/index.js';
import { runPipeline } from '../src/run/pipeline.js';

const users = Number(process.argv[2] ?? 10_000);
const seconds = Number(process.argv[3] ?? 20);
const thinkTimeMs = Number(process.argv[4] ?? 1000);
const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

// A lab started elsewhere (`session-chaos lab up --users N --json`) keeps its memory out of this process.
const external = process.env.LAB_URL;
const lab =
  external === undefined
    ? await startLab({ balancer: 'haproxy-cookie', sessions: 'memory', runtime: 'process', users })
    : { url: external, password: process.env.LAB_PASSWORD ?? 'chaos', stop: async () => undefined };
try {
  const profile = profileSchema.parse({
    target: { url: lab.url, timeout: '10s' },
    auth: { credentials: { password: lab.password } },
    traffic: {
      users,
      duration: `${seconds}s`,
      thinkTime: `${thinkTimeMs}ms`,
      login: { concurrency: 100 },
      mix: [{ path: '/me' }],
      // BENCH_CIDR spreads the users over source addresses (one per user unless BENCH_ADDRESSES says).
      ...(process.env.BENCH_CIDR === undefined
        ? {}
        : {
            sourceAddresses: {
              cidr: process.env.BENCH_CIDR,
              ...(process.env.BENCH_ADDRESSES === undefined
                ? {}
                : { count: Number(process.env.BENCH_ADDRESSES) }),
            },
          }),
    },
    classify: { identity: { from: 'json', path: 'user' } },
  });
  global.gc?.();
  const idle = process.memoryUsage().rss;
  let peak = idle;
  let peakHeap = 0;
  let peakLive = 0;
  let afterLogin = 0;
  const sampler = setInterval(() => {
    const usage = process.memoryUsage();
    peak = Math.max(peak, usage.rss);
    peakHeap = Math.max(peakHeap, usage.heapUsed);
  }, 100);
  const liveSampler = process.env.BENCH_LIVE
    ? setInterval(() => {
        global.gc?.();
        peakLive = Math.max(peakLive, process.memoryUsage().heapUsed);
      }, 1000)
    : undefined;
  const started = performance.now();
  const { run: result, fault } = await runPipeline(
    { source: 'bench', profile, secrets: [lab.password] },
    {
      log: (line) => {
        if (line.startsWith('traffic phase')) {
          global.gc?.();
          afterLogin = process.memoryUsage().rss;
        }
        process.stderr.write(`${line} (${((performance.now() - started) / 1000).toFixed(1)}s)\n`);
      },
    },
  );
  clearInterval(sampler);
  clearInterval(liveSampler);
  if (result === undefined) throw fault;
  const { traffic, summary } = result;
  const trafficSeconds = (traffic.endedAt - traffic.startedAt) / 1000;
  console.log(
    JSON.stringify(
      {
        users,
        loggedIn: result.loggedIn,
        loginPhaseSeconds: (result.login.endedAt - result.login.startedAt) / 1000,
        requests: traffic.sent,
        requestsPerSecond: Math.round(traffic.sent / trafficSeconds),
        classes: summary.counts.classes,
        reasons: summary.counts.reasons,
        latencyMs: { p50: summary.latency.p50, p99: summary.latency.p99 },
        rss: {
          idle: mb(idle),
          afterLogin: mb(afterLogin),
          peak: mb(peak),
          peakAboveIdle: mb(peak - idle),
          peakHeapUsed: mb(peakHeap),
          peakLiveHeap: mb(peakLive),
        },
      },
      null,
      2,
    ),
  );
} finally {
  await lab.stop();
}
