import { redactor } from '../util/redact.js';

const placeholder = '[redacted]';

/** Fields whose value is a credential wherever they appear (a password, an Authorization or Cookie header). */
const sensitiveKey =
  /^(password|passwd|secret|token|cookie|set-cookie|authorization|proxy-authorization|x-api-key|api[-_]?key)$/i;

/**
 * A copy of a JSON value with every secret replaced: values of credential-named fields, and every occurrence
 * of a secret read from the environment, in any of its encodings, in any string value. Keys are left alone: they are field names, and
 * a short secret (the lab's password is "chaos") must not rename them. Works on strings only, so the JSON
 * stays valid (a secret "1" must not eat the digit of a count).
 */
export function redactDocument<T>(value: T, secrets: readonly string[]): T {
  const redact = redactor(secrets);
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') return redact(node);
    if (Array.isArray(node)) return node.map(walk);
    if (node !== null && typeof node === 'object') {
      return Object.fromEntries(
        Object.entries(node).map(([key, child]) => [
          key,
          sensitiveKey.test(key) && typeof child === 'string' ? placeholder : walk(child),
        ]),
      );
    }
    return node;
  };
  return walk(value) as T;
}
