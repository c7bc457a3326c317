import { readFileSync } from 'node:fs';

/** True when the URL answers 2xx within a second; any failure is just "not yet". */
export async function answersOk(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

/** The last lines a process wrote, for an error that says why it did not come up. */
export function outputTail(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim().split('\n').slice(-5).join('\n');
  } catch {
    return '(no output)';
  }
}
