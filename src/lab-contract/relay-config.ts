/** The JSON file the orchestrator writes and the replication-link relay program reads (its one argument). */
export interface DelayRelayConfig {
  port: number;
  /** The primary's port on 127.0.0.1. */
  upstreamPort: number;
  delayMs: number;
}

/** What the relay prints once a replica's link lags: the orchestrator waits for it before it starts Sentinel. */
export function holdingLine(delayMs: number): string {
  return `replica in sync: holding the primary's bytes for ${delayMs} ms`;
}
