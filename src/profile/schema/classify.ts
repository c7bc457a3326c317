import { z } from 'zod';
import { extractor, httpStatus, regex, strictObject } from './common.js';

const loggedOutSchema = strictObject({
  status: z.array(httpStatus).default([401, 403]).describe('Statuses that mean "not logged in".'),
  redirectTo: regex
    .optional()
    .default('/login')
    .describe('A redirect whose Location matches this regex means "not logged in".'),
  bodyPattern: regex.optional().describe('A body matching this regex means "not logged in".'),
});
/** A "not logged in" rule as the profile gives it, or as preflight learns it (which may name no redirect). */
export interface LoggedOutRule {
  status: number[];
  redirectTo?: string | undefined;
  bodyPattern?: string | undefined;
}
const givenRuleFits: z.output<typeof loggedOutSchema> extends LoggedOutRule ? true : false = true;
void givenRuleFits;

/** The rule used where none was given and none learned (the lab's answers: 401, or a redirect to /login). */
export const defaultLoggedOut: LoggedOutRule = { status: [401, 403], redirectTo: '/login' };

export const classifySchema = strictObject({
  loggedOut: loggedOutSchema
    .optional()
    .describe(
      'What "not logged in" looks like. Unset: learned in preflight from each mix request sent without a ' +
        'session, printed, and written to the result.',
    ),
  identity: extractor.optional().describe('Where the authenticated user is read; compared with the VU.'),
  backend: extractor
    .default({ from: 'header', name: 'x-backend-id' })
    .describe(
      'Which backend answered. Where it reads nothing, preflight looks for the usual signs (headers, balancer ' +
        "cookies) and says which it uses; where there is none, the report's findings show how to add a header.",
    ),
  backends: z
    .array(z.string().min(1))
    .min(1)
    .optional()
    .describe(
      'The backends behind the balancer, as the backend rule reads them. Without this list, a backend that ' +
        'answers nothing is unknown to the run, and all users on one of three backends reads as load skew 1.',
    ),
});
export type ClassifyRules = Omit<z.output<typeof classifySchema>, 'loggedOut'> & {
  loggedOut?: LoggedOutRule;
};

const afterPattern = /^after (\d+)$/;

/** `relogin` (at once), `never` (keep the stale session), or `after N` mismatches. */
export const reloginSchema = z
  .string()
  .refine((text) => text === 'relogin' || text === 'never' || afterPattern.test(text), {
    error: 'expected "relogin", "never" or "after N"',
  })
  .transform((text): ReloginPolicy => {
    const after = afterPattern.exec(text)?.[1];
    if (after !== undefined) return { policy: 'after', mismatches: Number(after) };
    return { policy: text === 'never' ? 'never' : 'relogin' };
  });
export type ReloginPolicy =
  | { policy: 'relogin' }
  | { policy: 'never' }
  | { policy: 'after'; mismatches: number };
