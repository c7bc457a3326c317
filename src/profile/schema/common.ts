import { z } from 'zod';
import { didYouMean } from '../../util/did-you-mean.js';
import { parseDuration } from '../../util/duration.js';
import { atMost, limits } from './limits.js';

/**
 * An object that refuses unknown fields. The message names each unknown key with the closest known one,
 * one line per key in the order zod reports them (issuesToProblems splits them back apart).
 */
export function strictObject<Shape extends z.ZodRawShape>(shape: Shape) {
  const known = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code !== 'unrecognized_keys') return undefined;
      return issue.keys
        .map((key) => {
          const suggestion = didYouMean(key, known);
          return suggestion === undefined ? 'unknown field' : `unknown field (did you mean "${suggestion}"?)`;
        })
        .join('\n');
    },
  });
}

function durationLabel(ms: number): string {
  return ms % 3_600_000 === 0 ? `${ms / 3_600_000}h` : ms % 60_000 === 0 ? `${ms / 60_000}m` : `${ms}ms`;
}

/** `500ms`, `30s`, `2m`, `1h`, at most `maxMs`; parsed to milliseconds. */
function durationUpTo(maxMs: number) {
  return z.string({ error: 'expected a duration such as 500ms, 30s or 2m' }).transform((text, ctx) => {
    const ms = parseDuration(text);
    if (ms === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `expected a duration such as 500ms, 30s or 2m, got "${text}"`,
      });
      return z.NEVER;
    }
    if (ms > maxMs) {
      ctx.addIssue({ code: 'custom', message: `"${text}" is too long: ${atMost(durationLabel(maxMs))}` });
      return z.NEVER;
    }
    return ms;
  });
}

/** Any duration in a profile: the longest a run may last. */
export const duration = durationUpTo(limits.durationMs);

/** A duration of one step in a run (a request, a pause, a wait): an hour at most. */
export const shortDuration = durationUpTo(limits.shortDurationMs);

function isHttpUrl(text: string): boolean {
  if (!URL.canParse(text)) return false;
  const { protocol } = new URL(text);
  return protocol === 'http:' || protocol === 'https:';
}

export const absoluteUrl = z
  .string()
  .refine(isHttpUrl, { error: (issue) => `expected an absolute http(s) URL, got "${String(issue.input)}"` });

/** A path on the target (`/login`) or an absolute URL. */
export const urlOrPath = z.string().refine((text) => text.startsWith('/') || isHttpUrl(text), {
  error: (issue) =>
    `expected a path starting with / or an absolute http(s) URL, got "${String(issue.input)}"`,
});

export const regex = z.string().refine(
  (text) => {
    try {
      new RegExp(text);
      return true;
    } catch {
      return false;
    }
  },
  { error: (issue) => `expected a valid regular expression, got "${String(issue.input)}"` },
);

export const positiveInt = z.number().int().positive();

export const httpStatus = z.number().int().min(100).max(599);

/** An HTTP field name (RFC 9110 token): checked here, once, so that requests need not check it each time. */
export const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, {
  error: "expected a header name (letters, digits and !#$%&'*+.^_`|~-)",
});

export const headers = z
  .record(
    headerName,
    z.string().regex(/^[^\r\n\0]*$/, { error: 'expected a header value without CR, LF or NUL' }),
  )
  .refine((record) => Object.keys(record).length <= limits.headers, {
    error: atMost(limits.headers, ' headers'),
  });

/** Where a value is read from in a response: used for the user's identity and for the backend's. */
export const extractor = z.discriminatedUnion('from', [
  strictObject({ from: z.literal('header'), name: z.string().min(1), pattern: regex.optional() }),
  strictObject({
    from: z.literal('cookie'),
    name: z.string().min(1),
    pattern: regex.optional().describe("A regex whose first capture group is read (Tomcat's jvmRoute)."),
  }),
  strictObject({ from: z.literal('json'), path: z.string().min(1) }),
  strictObject({
    from: z.literal('regex'),
    pattern: regex.describe('A regex over the decoded body; its first capture group is read.'),
  }),
]);
export type Extractor = z.output<typeof extractor>;
