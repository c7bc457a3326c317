// The engine's HTTP client alone, from the build in a given tree: exchange() over an Http1Agent in a bare loop
// of keep-alive GETs to a canned server. Plain JavaScript on bare node, so that a tree from before the client
// moved to src/http (it was src/traffic/) runs the same loop and valgrind sees no TypeScript loader.
// Usage: node bench/client-loop.mjs <tree> <port> <requests> <connections>
// Prints one JSON line: {requests, ms, cpuMicros} of the measured requests, after a warm-up.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [tree, port, total, connections] = process.argv.slice(2);
if (tree === undefined || port === undefined || total === undefined || connections === undefined) {
  console.error('usage: node bench/client-loop.mjs <tree> <port> <requests> <connections>');
  process.exit(2);
}
const dist = join(tree, 'dist');
const layout = existsSync(join(dist, 'http', 'exchange.js'))
  ? { exchange: 'http/exchange.js', agent: 'http/agent.js', deadlines: 'http/deadlines.js' }
  : { exchange: 'traffic/exchange.js', agent: 'traffic/http1/agent.js', deadlines: 'traffic/deadlines.js' };
const load = (file) => import(pathToFileURL(join(dist, file)).href);
const { exchange } = await load(layout.exchange);
const { Http1Agent } = await load(layout.agent);
const { deadlines } = await load(layout.deadlines);

const agent = new Http1Agent({ maxConnections: Number(connections), connectTimeoutMs: 10_000 }, deadlines);
const request = {
  origin: `http://127.0.0.1:${port}`,
  path: '/me',
  method: 'GET',
  headers: { cookie: 'sid=user1' },
  closeAfter: false,
};
const limits = { timeoutMs: 10_000, maxBodyBytes: 65_536, keepBody: false };

async function run(count) {
  let left = count;
  let bad = 0;
  await Promise.all(
    Array.from({ length: Number(connections) }, async () => {
      while (left > 0) {
        left -= 1;
        const answer = await exchange(agent, request, limits);
        if (answer.status !== 200) bad += 1;
      }
    }),
  );
  if (bad > 0) throw new Error(`${bad} of ${count} answers were not 200`);
}

await run(Math.min(5_000, Number(total)));
const cpuBefore = process.cpuUsage();
const started = performance.now();
await run(Number(total));
const ms = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
agent.close();
console.log(JSON.stringify({ requests: Number(total), ms, cpuMicros: cpu.user + cpu.system }));
