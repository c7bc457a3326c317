import type { Classification } from '../../src/classify/types.js';
import { type LoginSetup, loginSetup } from '../../src/login/login.js';
import type { Plan } from '../../src/profile/load.js';
import { type Profile, type ProfileInput, profileSchema } from '../../src/profile/schema/index.js';
import { Connections } from '../../src/traffic/connections.js';
import { responseNeeds } from '../../src/traffic/needs.js';
import type { LoginRecord, ResponseRecord } from '../../src/traffic/record.js';
import { RequestIds } from '../../src/traffic/request-ids.js';
import type { HttpContext } from '../../src/traffic/send.js';
import type { RecordSink } from '../../src/traffic/sink.js';
import { systemClock } from '../../src/util/clock.js';

type Input = Omit<ProfileInput, 'target' | 'auth'> & {
  target?: Partial<ProfileInput['target']>;
  auth?: ProfileInput['auth'];
};

export function profileFor(url: string, input: Input = {}): Profile {
  return profileSchema.parse({
    ...input,
    target: { url, timeout: '2s', ...input.target },
    auth: input.auth ?? { credentials: { password: 'secret' } },
  });
}

export function planFor(url: string, input: Input = {}): Plan {
  return { source: 'test.yaml', profile: profileFor(url, input), secrets: ['secret'] };
}

export function contextFor(profile: Profile): {
  context: HttpContext;
  setup: LoginSetup;
  connections: Connections;
} {
  const connections = new Connections({
    mode: profile.traffic.connection.mode,
    reconnectEvery: profile.traffic.connection.reconnectEvery,
    connectTimeoutMs: profile.target.timeout,
    addresses: [],
    users: profile.traffic.users,
    maxConnectionsPerAddress: 16,
  });
  const context: HttpContext = {
    connections,
    clock: systemClock,
    wallNow: Date.now,
    ids: new RequestIds('t'),
    timeoutMs: profile.target.timeout,
    maxBodyBytes: profile.target.maxBodyBytes,
    headers: profile.target.headers,
    requestIdHeader: profile.traffic.requestIdHeader,
    vuIdHeader: profile.traffic.vuIdHeader,
  };
  const setup = loginSetup(
    profile.auth,
    profile.target.url,
    responseNeeds(profile.classify),
    standInBackend,
    context,
  );
  return { context, setup, connections };
}

function standInBackend(record: ResponseRecord): string {
  return record.headers['x-backend-id'] ?? 'unknown';
}

/**
 * A minimal stand-in for the classification (which lives in src/classify, built in parallel): enough for
 * the engine's re-login policy. Tests only.
 */
export function standInClassify(record: ResponseRecord): Classification {
  const backend = standInBackend(record);
  if (record.errorCode !== undefined) return { class: 'error', reason: 'other', backend };
  if (record.status === 401) return { class: record.hadSession ? 'mismatch' : 'unexpected', backend };
  if (record.status === 200) return { class: 'ok', backend };
  return { class: 'unexpected', backend };
}

export class CollectingSink implements RecordSink {
  readonly logins: LoginRecord[] = [];
  readonly responses: Array<{ record: ResponseRecord; classification: Classification | undefined }> = [];

  onLogin(record: LoginRecord): void {
    this.logins.push(record);
  }

  onResponse(record: ResponseRecord, classification: Classification | undefined): void {
    this.responses.push({ record, classification });
  }
}
