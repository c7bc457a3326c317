import type { Problem } from '../errors.js';
import { formatPath } from './problems.js';

const reference = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export interface Interpolated {
  value: unknown;
  /** Values read from the environment: treated as secrets and redacted from every output. */
  secrets: string[];
  problems: Problem[];
}

/**
 * Replaces `${NAME}` (or `${NAME:-default}`) in every string of a parsed profile with the environment's value.
 * A variable set to the empty string is told apart from an unset one in the message, and is never a value.
 * Runs before validation, so a missing variable is reported with the field that needs it.
 */
export function interpolateEnvironment(raw: unknown, env: NodeJS.ProcessEnv): Interpolated {
  const secrets: string[] = [];
  const problems: Problem[] = [];

  const visit = (value: unknown, path: PropertyKey[]): unknown => {
    if (typeof value === 'string') {
      return value.replace(reference, (_match, name: string, fallback: string | undefined) => {
        const found = env[name];
        if (found !== undefined && found !== '') {
          secrets.push(found);
          return found;
        }
        // As in the shell's ${NAME:-default}: an empty value takes the default too.
        if (fallback !== undefined) return fallback;
        const message =
          found === undefined
            ? `environment variable ${name} is not set`
            : `environment variable ${name} is set but empty (give it a value, or write \${${name}:-default})`;
        problems.push({ path: formatPath(path), message });
        return '';
      });
    }
    if (Array.isArray(value)) return value.map((item, index) => visit(item, [...path, index]));
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value).map(([key, item]) => [key, visit(item, [...path, key])]),
      );
    }
    return value;
  };

  return { value: visit(raw, []), secrets, problems };
}
