const placeholder = '[redacted]';

/** Replaces every occurrence of each secret in the text; longest first, so a secret containing another is whole. */
export function redact(text: string, secrets: readonly string[]): string {
  const ordered = [...new Set(secrets)]
    .filter((secret) => secret.length > 0)
    .sort((a, b) => b.length - a.length);
  let result = text;
  for (const secret of ordered) result = result.split(secret).join(placeholder);
  return result;
}
