import { z } from 'zod';
import { duration, headerName, headers, positiveInt, shortDuration, strictObject } from './common.js';
import { atMost, limits } from './limits.js';

const requestSchema = strictObject({
  name: z.string().min(1).optional().describe('How the reports name it (default: method and path).'),
  method: z
    .enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'])
    .default('GET')
    .describe("The request's method."),
  path: z
    .string()
    .startsWith('/', { error: 'expected a path starting with /' })
    .describe('The path on the target.'),
  weight: z.number().positive().default(1).describe('How often it is drawn, relative to the others.'),
  headers: headers.default({}).describe('Headers sent with it.'),
  body: z.string().optional().describe('The request body, sent as it is.'),
  controlLogin: z
    .string()
    .startsWith('/', { error: 'expected a path starting with /' })
    .optional()
    .describe(
      "Where preflight's logged-in control logs in for this request, when it belongs to a service with a login " +
        'of its own (/b/login behind a gateway): the control proves the rules tell logged in from logged out on ' +
        "it; the run's users still log in at auth.login.url, and whether this service knows their session is what " +
        'the run measures.',
    ),
  public: z
    .boolean()
    .default(false)
    .describe(
      'Answers the same with and without a session (a public page): preflight does not ask it to tell ' +
        'logged-in from logged-out, and it cannot show a mismatch.',
    ),
});

const connectionSchema = strictObject({
  mode: z
    .enum(['keep-alive', 'per-request', 'reconnect'])
    .default('keep-alive')
    .describe('`keep-alive`: reuse connections; `per-request`: a new one each time; `reconnect`: every N.'),
  reconnectEvery: positiveInt.optional().describe('With mode reconnect: requests per connection.'),
}).superRefine((connection, ctx) => {
  if (connection.mode === 'reconnect' && connection.reconnectEvery === undefined) {
    ctx.addIssue({ code: 'custom', path: ['reconnectEvery'], message: 'required when mode is reconnect' });
  }
});

const sourceAddressesSchema = strictObject({
  cidr: z
    .string()
    .regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/, { error: 'expected an IPv4 CIDR such as 127.0.0.0/16' })
    .describe(
      'Client addresses are spread over this range; outside 127.0.0.0/8 only with --allow-non-loopback.',
    ),
  count: positiveInt
    .max(limits.sourceAddresses, { error: atMost(limits.sourceAddresses) })
    .optional()
    .describe('How many distinct addresses; default one per virtual user.'),
});

const backgroundSchema = strictObject({
  path: z
    .string()
    .startsWith('/', { error: 'expected a path starting with /' })
    .describe('The path the background load requests.'),
  rate: positiveInt
    .max(limits.backgroundRate, { error: atMost(limits.backgroundRate) })
    .describe('Session-less requests per second (autocannon).'),
  connections: positiveInt
    .max(limits.backgroundConnections, { error: atMost(limits.backgroundConnections) })
    .default(10)
    .describe('Connections the background load holds open.'),
});

export const trafficSchema = strictObject({
  users: positiveInt
    .max(limits.users, { error: atMost(limits.users) })
    .default(10)
    .describe('Virtual users, each logged in once with its own session.'),
  duration: duration
    .optional()
    .describe('How long the traffic phase lasts (default 30s when requests is unset).'),
  requests: positiveInt
    .max(limits.requests, { error: atMost(limits.requests) })
    .optional()
    .describe('Stop after this many requests in all (or at duration, whichever comes first).'),
  model: z
    .enum(['closed', 'open'])
    .default('closed')
    .describe(
      '`closed`: each VU sends its next request after the answer and thinkTime; `open`: arrivals at a fixed rate.',
    ),
  thinkTime: shortDuration
    .prefault('0ms')
    .describe('Closed model: pause between a response and the next request.'),
  rate: z
    .number()
    .positive()
    .max(limits.rate, { error: atMost(limits.rate) })
    .optional()
    .describe('Open model: target requests per second over all users.'),
  seed: z
    .number()
    .int()
    .default(1)
    .describe('Seeds request choice and random picks, so a run can be repeated.'),
  connection: connectionSchema.prefault({}),
  sourceAddresses: sourceAddressesSchema
    .optional()
    .describe('Spread the client addresses, so that an address-hash balancer sees many clients.'),
  login: strictObject({
    concurrency: positiveInt
      .max(limits.loginConcurrency, { error: atMost(limits.loginConcurrency) })
      .default(20)
      .describe('Logins in flight at once in the login phase.'),
    rampUp: shortDuration.prefault('0s').describe('VU k starts its login no sooner than rampUp * k / users.'),
  }).prefault({}),
  requestIdHeader: headerName
    .default('x-request-id')
    .describe('Carries `<run>-<vu>-<n>` on every request, for server logs.'),
  vuIdHeader: headerName
    .optional()
    .describe('Also send the VU id in a header of its own (off: every header costs the target work).'),
  mix: z
    .array(requestSchema)
    .min(1)
    .max(limits.mix, { error: atMost(limits.mix, ' requests') })
    .prefault([{ path: '/me' }])
    .describe("The requests a logged-in VU sends, each drawn by weight from the VU's seeded stream."),
  background: backgroundSchema
    .optional()
    .describe('Session-less load on the balancer beside the VUs, measured apart.'),
}).superRefine((traffic, ctx) => {
  traffic.mix.forEach((entry, index) => {
    if (entry.public && entry.controlLogin !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['mix', index, 'controlLogin'],
        message: 'a public request is not checked with a session, so it needs no login of its own',
      });
    }
  });
  if (traffic.model === 'open' && traffic.rate === undefined) {
    ctx.addIssue({ code: 'custom', path: ['rate'], message: 'required when model is open' });
  }
  if (traffic.model === 'closed' && traffic.rate !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['rate'], message: 'only used when model is open' });
  }
});
export type Traffic = z.output<typeof trafficSchema>;
export type TrafficRequest = Traffic['mix'][number];
