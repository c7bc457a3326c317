/** How the built-in balancer picks a backend: rotation, an inserted pin cookie, or a hash of the client address. */
export type BuiltinMode = 'roundrobin' | 'cookie' | 'source';

/** The JSON file the orchestrator writes and the built-in balancer program reads (its one argument). */
export interface BuiltinBalancerConfig {
  mode: BuiltinMode;
  port: number;
  /** Every lab server listens on 127.0.0.1; a scaled-in one (removed) is out of the rotation. */
  servers: readonly { name: string; port: number; removed?: boolean }[];
  /** The cookie that pins a client in `cookie` mode: HAProxy's, so the same classify rules read it. */
  pinCookie: string;
  /** Counts the file's rewrites: on SIGHUP the balancer reads it again and prints `generation <n>:`. */
  generation: number;
}
