/**
 * A small JSON path: `user`, `$.user`, `data.user.name`, `items[0].id`. Compiled once into its segments;
 * reading returns the value as a string when it is a string, number or boolean, else undefined.
 */
export type JsonPathReader = (value: unknown) => string | undefined;

const segmentPattern = /([^.[\]]+)|\[(\d+)\]/g;

export function compileJsonPath(path: string): JsonPathReader {
  const body = path.startsWith('$') ? path.slice(1) : path;
  const segments: (string | number)[] = [];
  for (const match of body.matchAll(segmentPattern)) {
    segments.push(match[2] === undefined ? (match[1] ?? '') : Number(match[2]));
  }
  return (value) => {
    let current: unknown = value;
    for (const segment of segments) {
      if (current === null || typeof current !== 'object') return undefined;
      current = (current as Record<string | number, unknown>)[segment];
    }
    if (typeof current === 'string') return current;
    if (typeof current === 'number' || typeof current === 'boolean') return String(current);
    return undefined;
  };
}
