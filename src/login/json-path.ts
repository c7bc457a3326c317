/** Reads a dotted path (`token`, `data.access_token`, `items[0].id`, optionally starting with `$.`). */
export function readJsonPath(value: unknown, path: string): unknown {
  const keys = path
    .replace(/^\$\.?/, '')
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter((key) => key !== '');
  let node = value;
  for (const key of keys) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** The value at the path as text, when the body is JSON and the value is a string or number. */
export function readJsonText(body: string | undefined, path: string): string | undefined {
  if (body === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  const value = readJsonPath(parsed, path);
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}
