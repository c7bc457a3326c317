import { describe, expect, it } from 'vitest';
import { ParseError, ResponseParser } from '../../../src/http/response-parser.js';
import { corpus } from './corpus.js';
import { startRawServer } from './raw-server.js';
import { readWithEngine } from './readers.js';

/**
 * A seeded mutation fuzzer over the corpus, bounded in time (FUZZ_MS, 3 s by default; FUZZ_SEED to replay):
 * whatever the bytes, the parser throws nothing but a ParseError, and the client settles every exchange
 * within its timeout (no hang, no exception escaping into the process).
 */
const budgetMs = Number(process.env.FUZZ_MS ?? 3000);
const seed = Number(process.env.FUZZ_SEED ?? 18);

/** mulberry32: small, seeded, good enough to pick mutations. */
function random(state: { s: number }): number {
  state.s = (state.s + 0x6d2b79f5) | 0;
  let t = state.s;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

const interesting = Buffer.from('\r\n: \t09af;-\0\x80\xff', 'latin1');

const seeds: Buffer[] = corpus.map((c) =>
  Buffer.concat(
    c
      .script(0)
      .flatMap((step) =>
        typeof step === 'object' && 'write' in step
          ? [typeof step.write === 'string' ? Buffer.from(step.write, 'latin1') : step.write]
          : [],
      ),
  ),
);

function mutate(input: Buffer, state: { s: number }): Buffer {
  let bytes = Buffer.from(input);
  const pick = (n: number): number => Math.floor(random(state) * n);
  for (let n = 1 + pick(4); n > 0; n--) {
    const at = pick(bytes.length + 1);
    switch (pick(7)) {
      case 0:
        if (at < bytes.length) bytes[at] = pick(256);
        break;
      case 1:
        bytes = Buffer.concat([
          bytes.subarray(0, at),
          interesting.subarray(pick(interesting.length)).subarray(0, 1),
          bytes.subarray(at),
        ]);
        break;
      case 2:
        bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1 + pick(8))]);
        break;
      case 3: {
        const end = Math.min(bytes.length, at + pick(40));
        bytes = Buffer.concat([bytes.subarray(0, end), bytes.subarray(at, end), bytes.subarray(end)]);
        break;
      }
      case 4:
        bytes = bytes.subarray(0, at);
        break;
      case 5: {
        const digits = /[0-9a-fA-F]+/g;
        const text = bytes.toString('latin1');
        const numbers = [...text.matchAll(digits)];
        const number = numbers[pick(numbers.length)];
        if (number?.index !== undefined) {
          const big = ['0', '99999999999999999999', 'ffffffff', '-1', '1e3'][pick(5)] ?? '0';
          bytes = Buffer.from(
            text.slice(0, number.index) + big + text.slice(number.index + number[0].length),
            'latin1',
          );
        }
        break;
      }
      default:
        bytes = Buffer.concat([bytes, seeds[pick(seeds.length)] ?? Buffer.alloc(0)]);
    }
  }
  return bytes;
}

/** Feeds `bytes` to a fresh parser in random pieces; returns the error it threw, if any. */
function parseInPieces(bytes: Buffer, state: { s: number }): unknown {
  let ends = 0;
  const parser = new ResponseParser({
    onHead: () => random(state) < 0.1,
    onBody: (chunk, start, end) => {
      if (start < 0 || end > chunk.length || start > end) throw new Error(`body range ${start}..${end}`);
    },
    onEnd: () => {
      ends += 1;
    },
  });
  parser.reset(random(state) < 0.5 ? undefined : ['set-cookie', 'x-user']);
  try {
    let from = 0;
    while (from < bytes.length) {
      const to = Math.min(bytes.length, from + 1 + Math.floor(random(state) * 64));
      // Through a buffer longer than the read, as the connection's shared read buffer is.
      const read = Buffer.concat([bytes.subarray(from, to), Buffer.from('JUNK')]);
      parser.execute(read, to - from);
      from = to;
    }
    parser.finish();
  } catch (error) {
    return error;
  }
  if (ends > 1) return new Error(`the answer ended ${ends} times`);
  return undefined;
}

describe('fuzz: mutated answers', () => {
  it(
    `the parser throws only ParseErrors (seed ${seed}, ${budgetMs} ms)`,
    () => {
      const state = { s: seed };
      const deadline = Date.now() + budgetMs / 2;
      let runs = 0;
      let refused = 0;
      while (Date.now() < deadline) {
        const input = mutate(seeds[Math.floor(random(state) * seeds.length)] as Buffer, state);
        const error = parseInPieces(input, state);
        runs += 1;
        if (error === undefined) continue;
        if (!(error instanceof ParseError)) {
          throw new Error(`${String(error)} on ${JSON.stringify(input.toString('latin1'))} (run ${runs})`);
        }
        refused += 1;
      }
      expect(runs).toBeGreaterThan(100);
      expect(refused).toBeGreaterThan(0);
    },
    budgetMs + 10_000,
  );

  it(
    `the client settles every exchange within its timeout (seed ${seed}, ${budgetMs} ms)`,
    async () => {
      const state = { s: seed + 1 };
      const deadline = Date.now() + budgetMs / 2;
      const timeoutMs = 150;
      let runs = 0;
      while (Date.now() < deadline) {
        const batch = Array.from({ length: 8 }, () =>
          mutate(seeds[Math.floor(random(state) * seeds.length)] as Buffer, state),
        );
        await Promise.all(
          batch.map(async (bytes) => {
            const split = Math.floor(random(state) * (bytes.length + 1));
            const server = await startRawServer(() => [
              { write: bytes.subarray(0, split) },
              { waitMs: 2 },
              { write: bytes.subarray(split) },
            ]);
            const started = Date.now();
            try {
              const reading = await readWithEngine(
                server.origin,
                { method: 'GET', requests: 2, timeoutMs, keep: undefined, pauseMs: 0 },
                () => server.connections,
              );
              // Each of the two requests may take the whole timeout, and one resend as much again.
              expect(Date.now() - started, JSON.stringify(bytes.toString('latin1'))).toBeLessThan(
                4 * timeoutMs + 500,
              );
              for (const outcome of reading.outcomes) {
                expect(
                  outcome.failure === undefined || ['parse', 'reset', 'timeout'].includes(outcome.failure),
                ).toBe(true);
              }
            } finally {
              await server.close();
            }
            runs += 1;
          }),
        );
      }
      expect(runs).toBeGreaterThan(8);
    },
    budgetMs + 10_000,
  );
});
