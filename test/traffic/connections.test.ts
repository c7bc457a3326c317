import { Agent } from 'undici';
import { describe, expect, it } from 'vitest';
import { Connections } from '../../src/traffic/connections.js';

function connections(addresses: string[], users: number) {
  return new Connections({
    mode: 'reconnect',
    reconnectEvery: 3,
    connectTimeoutMs: 1000,
    addresses,
    users,
    connectionBudget: 256,
  });
}

describe('Connections', () => {
  it('shares one dispatcher per source address, users assigned round the addresses', async () => {
    const pool = connections(['127.0.0.1', '127.0.1.1'], 10);
    expect(pool.addressOf(1)).toBe('127.0.1.1');
    expect(pool.addressOf(2)).toBe('127.0.0.1');
    expect(pool.dispatcherFor(2)).toBe(pool.dispatcherFor(4));
    expect(pool.dispatcherFor(1)).not.toBe(pool.dispatcherFor(2));
    expect(pool.dispatcherFor(1)).toBeInstanceOf(Agent);
    await pool.close();
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
