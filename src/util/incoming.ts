import type { IncomingMessage } from 'node:http';

/** The servers here (the lab's backend and built-in balancer, the tests' scripted server) read requests alike. */

/** The value of cookie `name` in a Cookie header; undefined when it is absent or empty. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim() || undefined;
  }
  return undefined;
}

/** The whole request body; past `maxBytes` it rejects with `tooLarge()`, so a server never buffers without bound. */
export async function readBody(
  req: IncomingMessage,
  maxBytes: number,
  tooLarge: () => Error = () => new Error('request body too large'),
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
