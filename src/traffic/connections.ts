import type { HttpClientName } from '../http/client-names.js';
import { httpClients } from '../http/clients.js';
import { deadlines } from '../http/deadlines.js';
import type { HttpAgent } from '../http/types.js';
import type { Traffic } from '../profile/schema/traffic.js';

export interface ConnectionOptions {
  mode: Traffic['connection']['mode'];
  reconnectEvery?: number | undefined;
  connectTimeoutMs: number;
  /** Which HTTP client sends (`target.client`). */
  client: HttpClientName;
  /** Source addresses to spread users over; empty for the system's choice. */
  addresses: readonly string[];
  users: number;
  /**
   * Sockets per origin over all source addresses, split evenly between them (at least one each); users
   * beyond it queue in the client. A budget, not a per-address limit: 256 addresses times a per-address limit
   * would open more connections than a balancer such as nginx (1024 worker_connections) holds.
   */
  connectionBudget: number;
}

/**
 * The HTTP clients users send through. Connections are pooled per source address, not per user: a pool per
 * user would sink a 100,000-user run. Per-request and reconnect modes close the connection after a given
 * exchange (`closeAfter`), so they need no pool of their own.
 */
export class Connections {
  readonly #options: ConnectionOptions;
  readonly #agents = new Map<string, HttpAgent>();

  constructor(options: ConnectionOptions) {
    this.#options = options;
  }

  /** The source address a user binds to, if addresses are spread. */
  addressOf(vu: number): string | undefined {
    const { addresses } = this.#options;
    return addresses.length === 0 ? undefined : addresses[vu % addresses.length];
  }

  agentFor(vu: number): HttpAgent {
    const address = this.addressOf(vu) ?? '';
    let agent = this.#agents.get(address);
    if (agent === undefined) {
      const { addresses, users, connectionBudget, connectTimeoutMs } = this.#options;
      const sharing = Math.max(1, addresses.length);
      const usersHere = Math.ceil(users / sharing);
      agent = httpClients[this.#options.client](
        {
          maxConnections: Math.max(1, Math.min(usersHere, Math.floor(connectionBudget / sharing))),
          connectTimeoutMs,
          localAddress: address === '' ? undefined : address,
        },
        deadlines,
      );
      this.#agents.set(address, agent);
    }
    return agent;
  }

  /** Whether the user's `sent`-th request (counted from 1) closes its connection afterwards. */
  closesAfter(sent: number): boolean {
    const { mode, reconnectEvery } = this.#options;
    if (mode === 'per-request') return true;
    if (mode === 'reconnect') return sent % (reconnectEvery ?? 1) === 0;
    return false;
  }

  close(): void {
    for (const agent of this.#agents.values()) agent.close();
    this.#agents.clear();
  }
}
