import type { z } from 'zod';
import type { Problem } from '../errors.js';

export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, index) => (typeof key === 'number' ? `[${key}]` : `${index === 0 ? '' : '.'}${String(key)}`))
    .join('');
}

function describe(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    return 'expected one of the documented forms; see the JSON Schema';
  }
  return issue.message.replace(/^Invalid input: /, '');
}

/** Turns zod issues into problems, one per unknown key so that each names its own field. */
export function issuesToProblems(issues: readonly z.core.$ZodIssue[]): Problem[] {
  return issues.flatMap((issue): Problem[] => {
    if (issue.code === 'unrecognized_keys') {
      const messages = issue.message.split('\n');
      return issue.keys.map((key, index) => ({
        path: formatPath([...issue.path, key]),
        message: messages[index] ?? 'unknown field',
      }));
    }
    return [{ path: formatPath(issue.path), message: describe(issue) }];
  });
}
