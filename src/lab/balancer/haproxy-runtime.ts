import { connect } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { LabError } from '../../errors.js';
import type { ServerChange } from './family.js';

/** The lab's one HAProxy backend section, as haproxy.ts writes it. */
const backend = 'app';
const commandTimeoutMs = 5_000;
/** A server leaving is drained this long at most: requests under way finish, no new user is sent there. */
const drainMs = 2_000;
const settleTimeoutMs = 10_000;

/** One command on the runtime API (non-interactive: HAProxy answers and closes). */
function haproxyCommand(socketPath: string, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    let answer = '';
    socket.setEncoding('utf8');
    socket.setTimeout(commandTimeoutMs, () =>
      socket.destroy(new LabError(`HAProxy's runtime API did not answer "${command}"`)),
    );
    socket.on('data', (chunk: string) => {
      answer += chunk;
    });
    socket.once('end', () => resolve(answer.trim()));
    socket.once('error', (error) =>
      reject(error instanceof LabError ? error : new LabError(`HAProxy runtime API: ${error.message}`)),
    );
    socket.end(`${command}\n`);
  });
}

/** A command whose answer must be empty or an informational line; anything else is HAProxy refusing it. */
async function must(socketPath: string, command: string, accepted: RegExp = /^$/): Promise<void> {
  const answer = await haproxyCommand(socketPath, command);
  if (!accepted.test(answer)) throw new LabError(`HAProxy refused "${command}": ${answer}`);
}

/** The `show stat` row of one server: its status (UP, DOWN, MAINT, DRAIN, ...) and current sessions. */
async function serverStat(
  socketPath: string,
  name: string,
): Promise<{ status: string; sessions: number } | undefined> {
  const [header, ...rows] = (await haproxyCommand(socketPath, 'show stat')).split('\n');
  const columns = (header ?? '').replace(/^# /, '').split(',');
  const at = (field: string): number => columns.indexOf(field);
  for (const row of rows) {
    const cells = row.split(',');
    if (cells[at('pxname')] !== backend || cells[at('svname')] !== name) continue;
    return { status: cells[at('status')] ?? '', sessions: Number(cells[at('scur')] ?? 0) };
  }
  return undefined;
}

/** Polls until `check` holds or `timeoutMs` passed; whether it held. */
async function within(timeoutMs: number, check: () => Promise<boolean>): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await delay(100);
  }
}

/**
 * Scale out: the server's slot gets the backend's address and leaves maintenance; done when its health check
 * passed. Scale in: drain (no new users; requests under way finish), then maintenance and its connections cut.
 */
export async function changeHaproxyServer(socketPath: string, change: ServerChange): Promise<void> {
  const server = `${backend}/${change.server.name}`;
  if (change.kind === 'add') {
    await must(
      socketPath,
      `set server ${server} addr 127.0.0.1 port ${change.server.port}`,
      /port changed|^$/,
    );
    await must(socketPath, `set server ${server} state ready`);
    const up = await within(
      settleTimeoutMs,
      async () => (await serverStat(socketPath, change.server.name))?.status === 'UP',
    );
    if (!up) throw new LabError(`HAProxy: ${server} did not pass its health check in ${settleTimeoutMs} ms`);
    return;
  }
  await must(socketPath, `set server ${server} state drain`);
  // Whatever is still under way after the drain is cut: a scale in does not wait for idle keep-alives.
  await within(
    drainMs,
    async () => ((await serverStat(socketPath, change.server.name))?.sessions ?? 0) === 0,
  );
  await must(socketPath, `set server ${server} state maint`);
  await must(socketPath, `shutdown sessions server ${server}`);
}
