import { UsageError } from '../errors.js';
import type { Plan } from '../profile/load.js';
import { type Chaos, chaosDrivers } from '../profile/schema/chaos.js';
import { type DockerDriverConfig, dockerDriverFrom } from './docker/driver.js';
import type { ChaosDriver } from './driver.js';
import { processDriver } from './process/driver.js';

type ChaosDriverName = (typeof chaosDrivers)[number];

/** How each driver is made: from a profile's chaos section, or from what a ledger kept (`recover`). */
export interface DriverFactory {
  fromProfile(chaos: Chaos, env: NodeJS.ProcessEnv): ChaosDriver;
  fromConfig(config: Readonly<Record<string, unknown>>, env: NodeJS.ProcessEnv): ChaosDriver;
}

function text(config: Readonly<Record<string, unknown>>, key: string): string | undefined {
  const value = config[key];
  return typeof value === 'string' ? value : undefined;
}

function dockerConfig(config: Readonly<Record<string, unknown>>): DockerDriverConfig {
  const host = text(config, 'host');
  const certPath = text(config, 'certPath');
  const tlsVerify = text(config, 'tlsVerify');
  return {
    ...(host === undefined ? {} : { host }),
    ...(certPath === undefined ? {} : { certPath }),
    ...(tlsVerify === undefined ? {} : { tlsVerify }),
  };
}

/** The one list of drivers: a new runtime (Kubernetes) is one more entry here. */
const driverRegistry: Record<ChaosDriverName, DriverFactory> = {
  docker: {
    fromProfile: (chaos, env) =>
      dockerDriverFrom(chaos.docker.host === undefined ? {} : { host: chaos.docker.host }, env),
    fromConfig: (config, env) => dockerDriverFrom(dockerConfig(config), env),
  },
  process: {
    fromProfile: () => processDriver(),
    fromConfig: () => processDriver(),
  },
};

export function driverFactory(name: string): DriverFactory {
  if (!(chaosDrivers as readonly string[]).includes(name)) {
    throw new UsageError(`unknown chaos driver "${name}" (known: ${chaosDrivers.join(', ')})`);
  }
  return driverRegistry[name as ChaosDriverName];
}

/** The drivers a plan's events use, in the order they first appear (exec needs none). */
function driversNeeded(plan: Plan): ChaosDriverName[] {
  const { chaos } = plan.profile;
  const names = chaos.events
    .filter((event) => event.action !== 'exec')
    .map((event) => event.driver ?? chaos.driver);
  return [...new Set(names)];
}

/** The drivers of one run, made on first use; `injected` replaces any of them (tests). */
export interface DriverSet {
  get(name: string): ChaosDriver;
  names(): string[];
  close(): Promise<void>;
}

export function openDrivers(
  plan: Plan,
  env: NodeJS.ProcessEnv,
  injected: Readonly<Partial<Record<string, ChaosDriver>>> = {},
): DriverSet {
  const open = new Map<string, ChaosDriver>();
  for (const name of driversNeeded(plan)) {
    open.set(name, injected[name] ?? driverFactory(name).fromProfile(plan.profile.chaos, env));
  }
  return {
    get: (name) => {
      const driver = open.get(name);
      if (driver === undefined) throw new Error(`chaos driver ${name} was not opened for this run`);
      return driver;
    },
    names: () => [...open.keys()],
    close: async () => {
      await Promise.allSettled([...open.values()].map((driver) => driver.close()));
    },
  };
}
