import { Http1Agent } from './agent.js';
import type { HttpClientName } from './client-names.js';
import type { Deadlines } from './deadlines.js';
import type { AgentOptions, HttpAgent } from './types.js';
import { UndiciAgent } from './undici-agent.js';

/**
 * The HTTP clients a run can send through (`target.client`): the engine's own, built for CPU per request and
 * memory per user, and undici (llhttp) as the reference to check it against. One entry each.
 */
export const httpClients = {
  engine: (options: AgentOptions, deadlines: Deadlines): HttpAgent => new Http1Agent(options, deadlines),
  undici: (options: AgentOptions): HttpAgent => new UndiciAgent(options),
} as const satisfies Record<HttpClientName, (options: AgentOptions, deadlines: Deadlines) => HttpAgent>;
