import { z } from 'zod';
import { duration, headers, httpStatus, regex, strictObject, urlOrPath } from './common.js';

const tokenSource = z.discriminatedUnion('from', [
  strictObject({
    from: z.literal('json'),
    path: z.string().min(1).describe('Dotted path in the JSON body.'),
  }),
  strictObject({
    from: z.literal('header'),
    name: z.string().min(1),
    pattern: regex.optional().describe('A regex whose first capture group is the token.'),
  }),
]);

/** A value taken from the first step's response and offered to the login request as `{name}`. */
const extraction = z.discriminatedUnion('from', [
  strictObject({
    name: z.string().min(1),
    from: z.literal('body'),
    pattern: regex.describe('A regex over the body; its first capture group is the value.'),
  }),
  strictObject({ name: z.string().min(1), from: z.literal('json'), path: z.string().min(1) }),
  strictObject({
    name: z.string().min(1),
    from: z.literal('header'),
    header: z.string().min(1),
    pattern: regex.optional(),
  }),
  strictObject({ name: z.string().min(1), from: z.literal('cookie'), cookie: z.string().min(1) }),
]);

const loginSchema = strictObject({
  method: z.enum(['POST', 'PUT']).default('POST').describe("The login request's method."),
  url: urlOrPath.default('/login').describe('The login request: a path on the target or an absolute URL.'),
  format: z.enum(['form', 'json']).default('form').describe('How the fields are encoded.'),
  fields: z
    .record(z.string(), z.string())
    .default({ username: '{username}', password: '{password}' })
    .describe('Body fields; {username}, {password}, {i} and extracted {names} are replaced.'),
  headers: headers.default({}).describe('Extra headers sent with the login.'),
  successStatus: z
    .array(httpStatus)
    .min(1)
    .default([200, 201, 204, 302, 303])
    .describe(
      'Statuses that mean the login worked; one without a session (no cookie set, no token) is login_failed.',
    ),
  success: strictObject({
    redirectTo: regex.optional().describe('A successful login redirects to a Location matching this regex.'),
    bodyPattern: regex.optional().describe("A successful login's body matches this regex."),
    cookie: z
      .string()
      .min(1)
      .optional()
      .describe('A successful login sets this cookie, or gives it a new value (the session cookie).'),
  })
    .optional()
    .describe(
      'What tells a successful login beyond its status. Unset: learned in preflight from a right and a wrong ' +
        'password, when the status alone cannot tell them apart.',
    ),
  negativeControl: z
    .boolean()
    .default(true)
    .describe(
      'Preflight logs in once with a wrong password and requires it to be judged failed. false for targets ' +
        'that lock accounts after failed logins (the output says the control is off).',
    ),
  token: tokenSource.optional().describe('Where the bearer token is read (auth.mode bearer).'),
  prepare: strictObject({
    method: z.enum(['GET', 'POST']).default('GET').describe("The first request's method."),
    url: urlOrPath.describe(
      'The page to request first (its cookies go into the jar, as a browser keeps them).',
    ),
    extract: z
      .array(extraction)
      .min(1)
      .describe('Values read from its answer, filled in where the login names {name}.'),
  })
    .optional()
    .describe('A first request whose response supplies values such as a CSRF token.'),
});

const credentialsSchema = strictObject({
  username: z.string().min(1).default('user{i}').describe('Template; {i} is the virtual user number.'),
  password: z.string().optional().describe('Usually "${ENV_NAME}", resolved from the environment.'),
  file: z
    .string()
    .min(1)
    .optional()
    .describe(
      'A CSV (username,password; quoted cells for a password with a comma or a quote, a BOM and CRLF are ' +
        'read) or JSON file of credentials.',
    ),
  start: z.number().int().min(0).default(1).describe('The first {i}.'),
});

/** How long the server keeps a session, when it says so nowhere the client can read (no cookie expiry). */
const sessionSchema = strictObject({
  idleTimeout: duration
    .optional()
    .describe("The server's idle session lifetime: a session unused this long ends on the server."),
  absoluteTimeout: duration
    .optional()
    .describe("The server's absolute session lifetime, counted from the login, however busy the session."),
});

export const authSchema = strictObject({
  mode: z
    .enum(['cookie', 'bearer'])
    .default('cookie')
    .describe('`cookie`: the session is the cookies the login sets; `bearer`: a token read from the login.'),
  login: loginSchema.prefault({}),
  credentials: credentialsSchema.prefault({}),
  session: sessionSchema
    .prefault({})
    .describe('Answers "not logged in" past these lifetimes are `expired`, not mismatches.'),
}).superRefine((auth, ctx) => {
  if (auth.mode === 'bearer' && auth.login.token === undefined) {
    ctx.addIssue({ code: 'custom', path: ['login', 'token'], message: 'required when auth.mode is bearer' });
  }
  if (auth.credentials.file === undefined && auth.credentials.password === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['credentials', 'password'],
      message:
        'required unless credentials.file is given (use "${ENV_NAME}" to read it from the environment)',
    });
  }
});
export type Auth = z.output<typeof authSchema>;
export type LoginRequest = Auth['login'];
export type LoginSuccess = NonNullable<LoginRequest['success']>;
