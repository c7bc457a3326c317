import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import { Http1Agent } from '../../src/http/agent.js';
import { Deadlines } from '../../src/http/deadlines.js';

/** A node:http server on 127.0.0.1 and our agent to reach it, shared by the tests of one file. */
export interface AgentServer {
  /** `http://127.0.0.1:<port>`; set once the file's beforeAll has run. */
  origin: string;
  readonly agent: Http1Agent;
  readonly deadlines: Deadlines;
}

/** Starts the server before the file's tests and closes it and the agent after them. */
export function agentServer(options: { maxConnections: number }, handler: RequestListener): AgentServer {
  const deadlines = new Deadlines();
  const shared: AgentServer = {
    origin: '',
    agent: new Http1Agent({ ...options, connectTimeoutMs: 2000 }, deadlines),
    deadlines,
  };
  const server = createServer(handler);
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    shared.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    shared.agent.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  return shared;
}
