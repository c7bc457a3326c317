import { UsageError } from '../errors.js';
import type { BalancerKind } from '../lab/balancer/registry.js';
import { containerName, labLabel } from '../lab/docker/containers.js';
import type { LabFacts, LabOptions } from '../lab/index.js';
import type { Runtime } from '../lab/state.js';
import type { Plan } from '../profile/load.js';
import type { ChaosEvent } from '../profile/schema/chaos.js';
import type { LabHint } from '../profile/schema/lab.js';

/** What this machine can run a lab with (found by src/matrix/platform.ts). */
export interface LabPlatform {
  runtime: Runtime;
  /** Balancers whose program is installed. */
  balancers: ReadonlySet<BalancerKind>;
  redis: boolean;
  /** redis-sentinel is installed (the store's failover). */
  sentinel: boolean;
}

export type LabChoice =
  | { kind: 'lab'; options: LabOptions; notes: string[] }
  | { kind: 'skip'; reason: string };

/** The lab accounts every profile user needs: user{start} .. user{start + users - 1}. */
function accountsNeeded(plan: Plan): number {
  const { credentials } = plan.profile.auth;
  return credentials.start + plan.profile.traffic.users - 1;
}

/**
 * The lab a profile's `lab:` hint asks for, on what the machine has: a missing balancer is replaced by its
 * stand-in when one is given (and said so), a missing Redis skips the scenario.
 */
export function chooseLab(
  hint: LabHint,
  plan: Plan,
  platform: LabPlatform,
  standIns: Partial<Record<BalancerKind, BalancerKind>> = {},
): LabChoice {
  if ((hint.sessions === 'redis' || hint.sessions === 'redis-sentinel') && !platform.redis) {
    return { kind: 'skip', reason: 'needs Redis (redis-server is not installed)' };
  }
  if (hint.sessions === 'redis-sentinel' && !platform.sentinel) {
    return { kind: 'skip', reason: 'needs Redis Sentinel (redis-sentinel is not installed)' };
  }
  const notes: string[] = [];
  let balancer = hint.balancer;
  if (!platform.balancers.has(balancer)) {
    // A stand-in routes no paths: services need the real gateway.
    if (hint.services !== undefined) {
      return {
        kind: 'skip',
        reason: `needs ${balancer} as the services' gateway (a built-in balancer routes no paths)`,
      };
    }
    const standIn = standIns[balancer];
    if (standIn === undefined || !platform.balancers.has(standIn)) {
      return { kind: 'skip', reason: `needs ${balancer}, which is not installed` };
    }
    notes.push(`${balancer} is not available: the built-in ${standIn} stands in`);
    balancer = standIn;
  }
  const options: LabOptions = {
    balancer,
    sessions: hint.sessions,
    backends: hint.backends,
    runtime: platform.runtime,
    users: Math.max(100, accountsNeeded(plan)),
    ...(plan.profile.auth.credentials.password === undefined
      ? {}
      : { password: plan.profile.auth.credentials.password }),
    ...(hint.replicationLag === undefined ? {} : { replicationLagMs: hint.replicationLag }),
    ...(hint.sessionTtl === undefined
      ? {}
      : { sessionTtlSeconds: Math.max(1, Math.round(hint.sessionTtl / 1000)) }),
    ...(hint.loggedOut === undefined ? {} : { loggedOut: hint.loggedOut }),
    ...(hint.jwtDivergentSecret === undefined ? {} : { jwtDivergentSecret: hint.jwtDivergentSecret }),
    ...(hint.services === undefined ? {} : { services: hint.services }),
    ...(hint.sessionScope === undefined ? {} : { sessionScope: hint.sessionScope }),
    seed: plan.profile.traffic.seed,
  };
  return { kind: 'lab', options, notes };
}

/** The selector name that means the lab's session store, whatever runs the backends. */
const storeTarget = 'store';

/**
 * `target: { name: store }`: the lab's session store, a process on every runtime: the Redis of `redis`, the
 * primary of `redis-sentinel` (the one the lab started with; after a failover the replica is primary). A
 * stopped or killed store is started again, empty, with the lab's own command.
 */
function bindStoreEvent(event: ChaosEvent, lab: LabFacts): ChaosEvent {
  if (lab.store === undefined) {
    throw new UsageError(
      `chaos target name "${storeTarget}": the lab has no session store (sessions ${lab.sessions}; redis and redis-sentinel have one)`,
    );
  }
  return { ...event, driver: 'process', target: { port: lab.store.port }, start: lab.store.respawnCommand };
}

/** A lab profile's chaos event pointed at the lab. */
function bindEvent(event: ChaosEvent, lab: LabFacts): ChaosEvent {
  if (event.action === 'scale-out' || event.action === 'scale-in') return bindScaleEvent(event, lab);
  return bindTargetEvent(event, lab);
}

/**
 * scale-out and scale-in act on the lab's backends through the driver of its runtime, with the lab's own
 * `lab scale` as the scale commands (the profile's own, where it gives them, are kept): scale-out adds a
 * backend, scale-in removes the one its target picks (a name, or one of the label's).
 */
function bindScaleEvent(event: ChaosEvent, lab: LabFacts): ChaosEvent {
  if (lab.services !== undefined) {
    throw new UsageError(
      `chaos ${event.action}: a lab of services does not scale (scaling is for one application)`,
    );
  }
  if (event.target?.name === storeTarget) {
    throw new UsageError(
      `chaos target name "${storeTarget}": the session store does not scale, the backends do`,
    );
  }
  const scale = event.scale ?? lab.scaleCommands;
  if (event.action === 'scale-out') return { ...event, driver: lab.runtime, scale };
  return { ...bindTargetEvent(event, lab), scale };
}

/**
 * A lab profile's selectors mean "the lab's backends": a label selects every backend of this lab (never
 * another lab's), a name selects the backend of that name (`b1`) in this lab. On a Docker lab they select its
 * containers; on a process lab, the backends' ports, through the process driver, which starts a stopped backend
 * again with the lab's own command. The name `store` selects the session store instead.
 */
function bindTargetEvent(event: ChaosEvent, lab: LabFacts): ChaosEvent {
  if (event.target === undefined) return event;
  const { name } = event.target;
  if (name === storeTarget) return bindStoreEvent(event, lab);
  if (lab.runtime === 'docker') {
    const target =
      name === undefined ? { label: `${labLabel}=${lab.id}` } : { name: containerName(lab.id, name) };
    return { ...event, driver: 'docker', target };
  }
  const backends =
    name === undefined ? lab.backends : lab.backends.filter((backend) => backend.name === name);
  return {
    ...event,
    driver: 'process',
    target: { port: backends.map((backend) => backend.port) },
    ...(lab.respawnCommand === undefined ? {} : { start: lab.respawnCommand }),
  };
}

/** The plan pointed at a running lab: target.url is the lab's balancer, chaos events act on the lab's own backends. */
export function bindPlanToLab(plan: Plan, lab: LabFacts): { plan: Plan; notes: string[] } {
  const { profile } = plan;
  return {
    plan: {
      ...plan,
      profile: {
        ...profile,
        target: { ...profile.target, url: lab.url },
        classify: {
          ...profile.classify,
          backends: profile.classify.backends ?? lab.backends.map((b) => b.name),
        },
        chaos: { ...profile.chaos, events: profile.chaos.events.map((event) => bindEvent(event, lab)) },
      },
    },
    notes: [],
  };
}
