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
  strictObject({ name: z.string().min(1), from: z.literal('body'), pattern: regex }),
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
  method: z.enum(['POST', 'PUT']).default('POST'),
  url: urlOrPath.default('/login'),
  format: z.enum(['form', 'json']).default('form').describe('How the fields are encoded.'),
  fields: z
    .record(z.string(), z.string())
    .default({ username: '{username}', password: '{password}' })
    .describe('Body fields; {username}, {password}, {i} and extracted {names} are replaced.'),
  headers: headers.default({}),
  successStatus: z.array(httpStatus).min(1).default([200, 201, 204, 302, 303]),
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
    method: z.enum(['GET', 'POST']).default('GET'),
    url: urlOrPath,
    extract: z.array(extraction).min(1),
  })
    .optional()
    .describe('A first request whose response supplies values such as a CSRF token.'),
});

const credentialsSchema = strictObject({
  username: z.string().min(1).default('user{i}').describe('Template; {i} is the virtual user number.'),
  password: z.string().optional().describe('Usually "${ENV_NAME}", resolved from the environment.'),
  file: z.string().min(1).optional().describe('A CSV (username,password) or JSON file of credentials.'),
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
  mode: z.enum(['cookie', 'bearer']).default('cookie'),
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
