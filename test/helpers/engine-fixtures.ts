import { compileRules, ruleNeeds } from '../../src/classify/classify.js';
import type { LoginRecord, ResponseRecord } from '../../src/classify/record.js';
import type { Classification } from '../../src/classify/types.js';
import { RequestIds } from '../../src/lab-contract/request-ids.js';
import { type LoginSetup, loginSetup } from '../../src/login/login.js';
import type { Plan } from '../../src/profile/load.js';
import { type Profile, type ProfileInput, profileSchema } from '../../src/profile/schema/index.js';
import { Connections } from '../../src/traffic/connections.js';
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
    client: profile.target.client,
    addresses: [],
    users: profile.traffic.users,
    connectionBudget: 16,
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
  const classify = compileRules(profile.classify);
  const setup = loginSetup(
    profile.auth,
    profile.target.url,
    ruleNeeds(profile.classify),
    (record) => classify(record).backend,
    context,
  );
  return { context, setup, connections };
}

export class CollectingSink implements RecordSink {
  readonly logins: LoginRecord[] = [];
  readonly responses: Array<{ record: ResponseRecord; classification: Classification }> = [];

  onLogin(record: LoginRecord): void {
    this.logins.push(record);
  }

  onResponse(record: ResponseRecord, classification: Classification): void {
    this.responses.push({ record, classification });
  }
}
