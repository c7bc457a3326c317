/**
 * The cost of a change to the HTTP client: the same bare client loop (bench/client-loop.mjs) from two built
 * trees, before and after, in alternating rounds against one canned keep-alive server, so a slow minute of
 * the machine slows both sides of its pair. With --callgrind it counts the client's instructions per request
 * instead, which does not depend on the machine's load at all (about 10 minutes).
 * Usage: npx tsx bench/compare-builds.ts <before-tree> <after-tree> [--rounds 20] [--requests 30000]
 *        [--connections 50] [--callgrind]
 * Each tree must be built (`npm run build` in it); a tree from before the client moved to src/http works too.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join, resolve } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { median, type Pair, pairedRatio } from './stats.js';

const run = promisify(execFile);
const loop = resolve(import.meta.dirname, 'client-loop.mjs');

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    rounds: { type: 'string', default: '20' },
    requests: { type: 'string', default: '30000' },
    connections: { type: 'string', default: '50' },
    callgrind: { type: 'boolean', default: false },
  },
});
const [before, after] = positionals.map((tree) => resolve(tree));
const rounds = Number(values.rounds);
const requests = Number(values.requests);
const connections = Number(values.connections);
const problems = [
  ...(before === undefined || after === undefined || positionals.length !== 2
    ? ['expected two trees: <before-tree> <after-tree>']
    : [before, after].filter((tree) => !existsSync(join(tree, 'dist'))).map((tree) => `${tree}: not built`)),
  ...Object.entries({ rounds, requests, connections })
    .filter(([, value]) => !Number.isInteger(value) || value < 1)
    .map(([flag]) => `--${flag}: expected a whole number of at least 1`),
];
if (problems.length > 0 || before === undefined || after === undefined) {
  for (const problem of problems) console.error(`compare-builds: ${problem}`);
  process.exit(2);
}

// What the lab's HAProxy answers to GET /me, byte for byte in shape; one answer per request head read.
const answer = Buffer.from(
  'HTTP/1.1 200 OK\r\nx-backend-id: b2\r\nx-user: user1\r\ncontent-type: application/json\r\n' +
    'content-length: 31\r\ndate: Fri, 27 Nov 2026 03:00:00 GMT\r\nkeep-alive: timeout=65\r\n\r\n' +
    '{"user":"user1","backend":"b2"}',
  'latin1',
);
const server: Server = createServer((socket) => {
  let tail = '';
  socket.on('data', (chunk) => {
    const text = tail + chunk.toString('latin1');
    const heads = text.split('\r\n\r\n');
    tail = heads.pop() ?? '';
    if (heads.length > 0) socket.write(heads.length === 1 ? answer : Buffer.concat(heads.map(() => answer)));
  });
  socket.on('error', () => undefined);
});
await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
const address = server.address();
if (address === null || typeof address === 'string') throw new Error('the canned server has no port');
const port = String(address.port);

interface LoopResult {
  requests: number;
  ms: number;
  cpuMicros: number;
}

async function timed(tree: string): Promise<LoopResult> {
  const { stdout } = await run(process.execPath, [loop, tree, port, String(requests), String(connections)]);
  return JSON.parse(stdout) as LoopResult;
}

/** Instructions the client executes for `count` requests after its warm-up, all threads, user space. */
async function instructions(tree: string, count: number): Promise<number> {
  const { stderr } = await run(
    'valgrind',
    [
      '--tool=callgrind',
      '--callgrind-out-file=/dev/null',
      process.execPath,
      loop,
      tree,
      port,
      String(count),
      '1',
    ],
    { maxBuffer: 16 * 1024 * 1024 },
  );
  const collected = stderr.match(/Collected\s*:\s*(\d+)/)?.[1];
  if (collected === undefined) throw new Error(`callgrind printed no count:\n${stderr}`);
  return Number(collected);
}

try {
  if (values.callgrind) {
    // Two request counts, so that starting node and the warm-up cancel out of the difference.
    for (const [name, tree] of [
      ['before', before],
      ['after', after],
    ] as const) {
      const perRequest =
        ((await instructions(tree, 2 * requests)) - (await instructions(tree, requests))) / requests;
      console.log(`${name}: ${Math.round(perRequest)} instructions per request (${tree})`);
    }
  } else {
    const pairs: Pair[] = [];
    const cpu = { before: [] as number[], after: [] as number[] };
    const rates = { before: [] as number[], after: [] as number[] };
    for (let round = 0; round < rounds; round += 1) {
      // The order turns each round, so neither side always runs on a machine the other has just warmed.
      const [first, second] = round % 2 === 0 ? [before, after] : [after, before];
      const one = await timed(first);
      const two = await timed(second);
      const [was, is] = round % 2 === 0 ? [one, two] : [two, one];
      pairs.push({
        ours: { requests: is.requests, ms: is.ms },
        theirs: { requests: was.requests, ms: was.ms },
      });
      for (const [side, result] of [
        ['before', was],
        ['after', is],
      ] as const) {
        rates[side].push((result.requests / result.ms) * 1000);
        cpu[side].push(result.cpuMicros / result.requests);
      }
      console.log(
        `round ${round + 1}: before ${Math.round(rates.before.at(-1) ?? 0)} req/s, ` +
          `after ${Math.round(rates.after.at(-1) ?? 0)} req/s`,
      );
    }
    const estimate = pairedRatio(pairs.map((pair) => [pair]));
    for (const side of ['before', 'after'] as const) {
      console.log(
        `${side}: median ${Math.round(median(rates[side]))} req/s, ` +
          `client CPU ${median(cpu[side]).toFixed(2)} us/request (median of ${rounds} runs of ${requests})`,
      );
    }
    console.log(
      `after / before req/s: ${estimate.ratio.toFixed(3)}x ` +
        `(95% interval ${estimate.low.toFixed(3)}-${estimate.high.toFixed(3)}, ${rounds} paired rounds)`,
    );
  }
} finally {
  server.close();
}
