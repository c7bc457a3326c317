import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { type Case, corpus } from './corpus.js';
import { startRawServer } from './raw-server.js';
import { type Outcome, type Reading, type ReadOptions, readWithEngine, readWithNode } from './readers.js';

/**
 * The engine's client must read every response as llhttp does. Each scripted answer of the corpus
 * is served, byte for byte and in the same pieces, to the engine's client and to node:http (llhttp); status,
 * the kept headers, the body's bytes, whether the connection was reused and how a failure failed must agree,
 * unless the case documents the difference. The TLS cases run in a child process that trusts the test's CA.
 * With DIFFERENTIAL_TABLE=<file> the run writes every case's two answers there as a Markdown table.
 */

const timeoutMs = 300;
/** The headers the engine is asked for, as a profile's rules would ask (the framing ones are read anyway). */
const kept = ['set-cookie', 'x-backend-id', 'x-user', 'location', 'content-encoding', 'x-trailer', 'link'];

function optionsOf(c: Case, keep: readonly string[] | undefined): ReadOptions {
  return { method: c.method ?? 'GET', requests: c.requests ?? 1, timeoutMs, keep, pauseMs: c.pauseMs ?? 0 };
}

/** "200", "200/reset", "-/parse": what the design's classes see of an outcome. */
function summary(outcomes: readonly Outcome[]): string {
  return outcomes.map((o) => `${o.status ?? '-'}${o.failure === undefined ? '' : `/${o.failure}`}`).join(',');
}

/** The facts compared: everything but the error code's exact name. */
function facts(reading: Reading): unknown {
  return {
    outcomes: reading.outcomes.map(({ status, headers, body, failure }) => ({
      status,
      headers,
      body,
      failure,
    })),
    connections: reading.connections,
  };
}

/** One row of the table: what each side answered, per request, and on how many connections. */
interface Row {
  name: string;
  engine: string;
  reference: string;
  difference: string | undefined;
}
const rows: Row[] = [];

function answer(reading: Reading): string {
  const bodies = reading.outcomes.map((o) =>
    o.body === '' ? '' : ` ${Buffer.byteLength(o.body, 'latin1')} B`,
  );
  const outcomes = summary(reading.outcomes)
    .split(',')
    .map((outcome, index) => `${outcome}${bodies[index] ?? ''}`);
  return `${outcomes.join(', ')}; ${reading.connections} conn.`;
}

afterAll(() => {
  const path = process.env.DIFFERENTIAL_TABLE;
  if (path === undefined) return;
  const cell = (text: string): string => text.replaceAll('|', '\\|');
  const lines = [
    '| case | engine | llhttp (node:http) | verdict |',
    '|---|---|---|---|',
    ...rows.map(
      (row) =>
        `| ${cell(row.name)} | ${row.engine} | ${row.reference} | ${
          row.difference === undefined ? 'same' : `documented: ${cell(row.difference)}`
        } |`,
    ),
  ];
  writeFileSync(path, `${lines.join('\n')}\n`);
});

async function served(c: Case, read: (origin: string, connections: () => number) => Promise<Reading>) {
  const server = await startRawServer(c.script);
  try {
    return await read(server.origin, () => server.connections);
  } finally {
    await server.close();
  }
}

describe('differential: the engine reads what llhttp reads', () => {
  for (const c of corpus.filter((entry) => entry.tls !== true)) {
    it(c.name, async () => {
      const reference = await served(c, (origin, connections) =>
        readWithNode(origin, optionsOf(c, kept), connections),
      );
      const engine = await served(c, (origin, connections) =>
        readWithEngine(origin, optionsOf(c, kept), connections),
      );
      // The same with every header reported (the parser's other path).
      const engineAll = await served(c, (origin, connections) =>
        readWithEngine(origin, optionsOf(c, undefined), connections),
      );
      const referenceAll = await served(c, (origin, connections) =>
        readWithNode(origin, optionsOf(c, undefined), connections),
      );
      rows.push({
        name: c.name,
        engine: answer(engine),
        reference: answer(reference),
        difference: c.differs?.why,
      });
      if (c.differs !== undefined) {
        expect(summary(engine.outcomes), `${c.differs.why}; llhttp: ${summary(reference.outcomes)}`).toBe(
          c.differs.engine,
        );
        expect(summary(engineAll.outcomes)).toBe(c.differs.engine);
        return;
      }
      expect(facts(engine)).toEqual(facts(reference));
      expect(facts(engineAll)).toEqual(facts(referenceAll));
    });
  }

  it('TLS: the same answers over TLS', async () => {
    const child = fileURLToPath(new URL('./tls-child.ts', import.meta.url));
    const ca = fileURLToPath(new URL('../../fixtures/self-signed.crt', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', child], {
      env: { ...process.env, NODE_EXTRA_CA_CERTS: ca },
      timeout: 60_000,
    });
    const results = JSON.parse(stdout) as { name: string; engine: Reading; reference: Reading }[];
    expect(results.length).toBe(corpus.filter((entry) => entry.tls === true).length);
    for (const { name, engine, reference } of results) {
      rows.push({
        name,
        engine: answer(engine),
        reference: answer(reference),
        difference: undefined,
      });
      expect(facts(engine), name).toEqual(facts(reference));
      expect(summary(engine.outcomes), name).not.toMatch(/\//);
    }
  });
});
