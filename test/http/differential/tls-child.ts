// The corpus's TLS cases, read by the engine's client and by node:https in a process of its own: Node reads
// NODE_EXTRA_CA_CERTS (the test's CA) only at start-up. Prints each case's two readings as JSON.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:tls';
import { corpus } from './corpus.js';
import { startRawServer } from './raw-server.js';
import { readWithEngine, readWithNode } from './readers.js';

const fixture = (name: string): Buffer => readFileSync(new URL(`../../fixtures/${name}`, import.meta.url));
const credentials = { key: fixture('self-signed.key'), cert: fixture('self-signed.crt') };
const results: unknown[] = [];
for (const c of corpus.filter((entry) => entry.tls === true)) {
  const options = {
    method: c.method ?? 'GET',
    requests: c.requests ?? 1,
    timeoutMs: 1000,
    keep: undefined,
    pauseMs: 0,
  };
  const readings = [];
  for (const read of [readWithEngine, readWithNode]) {
    const server = await startRawServer(c.script, (handler) => createServer(credentials, handler));
    const origin = `https://127.0.0.1:${server.port}`;
    readings.push(await read(origin, options, () => server.connections));
    await server.close();
  }
  results.push({ name: c.name, engine: readings[0], reference: readings[1] });
}
process.stdout.write(JSON.stringify(results));
