import type { Program } from '../components.js';
import type { OwnedProcess } from '../processes.js';
import type { GatewayRoute } from './gateway.js';
import type { UpstreamServer } from './upstream.js';

/** What a balancer's config is made from, at start and again at each scale event. */
export interface BalancerConfigInput<K extends string = string> {
  kind: K;
  port: number;
  /** Every server the lab has had, in order; scaled-in ones marked removed. */
  servers: readonly UpstreamServer[];
  /** Names the lab may still add (scale out): a balancer that cannot add servers declares slots for them. */
  spare: readonly string[];
  /** The balancer's own directory: config, pid, sockets, logs. */
  dir: string;
  /** The backends' session cookie (`nginx-cookie-hash` hashes on it). */
  cookieName: string;
  /** Services behind one gateway that routes by path, each to its own servers (then `servers` is unused). */
  routes?: readonly GatewayRoute[];
}

/** The running balancer as its family needs it to change it: its main process and its files. */
interface RunningBalancer {
  process: OwnedProcess;
  configPath: string;
  outputPath: string;
}

/** One scale event, as the balancer applies it. */
export interface ServerChange {
  kind: 'add' | 'remove';
  server: UpstreamServer;
}

/**
 * One balancer family (HAProxy, nginx, the built-in one): everything the lab knows about it. Adding a balancer
 * is one more record in registry.ts, its config generator and its test.
 */
export interface BalancerFamily<K extends string = string, S extends string = string> {
  readonly name: string;
  /** lab/README.md's name for it, with the version the lab is tested with. */
  readonly title: string;
  /** How it adds and removes a server while it runs, for lab/README.md. */
  readonly changesBy: string;
  readonly kinds: readonly K[];
  /** The program it runs, found on PATH; undefined: Node runs the lab's own bundle. */
  readonly program?: Program;
  /** Files `npm run build` makes that it needs. */
  readonly bundles: readonly string[];
  /** The built-in kind standing in for each kind on a machine without the program. */
  readonly standIns: Readonly<Partial<Record<K, S>>>;
  /** Writes the config (the generator's output) and gives the arguments that run it in the foreground. */
  prepare(input: BalancerConfigInput<K>): { configPath: string; args: string[] };
  /**
   * Scale out or in on the running balancer: resolves once it routes by the new list (a removed server
   * drained first, where the balancer can drain).
   */
  change(running: RunningBalancer, input: BalancerConfigInput<K>, change: ServerChange): Promise<void>;
}
