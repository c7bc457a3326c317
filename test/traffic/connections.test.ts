import { describe, expect, it } from 'vitest';
import { Http1Agent } from '../../src/http/agent.js';
import { Connections } from '../../src/traffic/connections.js';

function connections(addresses: string[], users: number) {
  return new Connections({
    mode: 'reconnect',
    reconnectEvery: 3,
    connectTimeoutMs: 1000,
    client: 'engine',
    addresses,
    users,
    connectionBudget: 256,
  });
}

describe('Connections', () => {
  it('shares one HTTP agent per source address, users assigned round the addresses', () => {
    const pool = connections(['127.0.0.1', '127.0.1.1'], 10);
    expect(pool.addressOf(1)).toBe('127.0.1.1');
    expect(pool.addressOf(2)).toBe('127.0.0.1');
    expect(pool.agentFor(2)).toBe(pool.agentFor(4));
    expect(pool.agentFor(1)).not.toBe(pool.agentFor(2));
    expect(pool.agentFor(1)).toBeInstanceOf(Http1Agent);
    pool.close();
  });

  it('closes the connection after every Nth request in reconnect mode', () => {
    const pool = connections([], 1);
    expect([1, 2, 3, 4, 5, 6].map((sent) => pool.closesAfter(sent))).toEqual([
      false,
      false,
      true,
      false,
      false,
      true,
    ]);
  });
});
