import { mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { requireExecutable } from './components.js';
import { type OwnedProcess, spawnOwned } from './processes.js';

export interface RedisRecord {
  url: string;
  port: number;
  outputPath: string;
  /** What it was started with, so that `lab respawn` can start it again as it was. */
  args: string[];
  process: OwnedProcess;
}

export interface RedisOptions {
  /** Its directory under the lab's, also its name in messages: `redis`, `primary`, `replica`. */
  name?: string;
  /** Replicate from this port on 127.0.0.1 (the store's replica, through the replication link). */
  replicaOf?: number;
}

/** A throwaway Redis for one lab: loopback only, no persistence, in the lab's directory. */
export function startRedis(labDir: string, port: number, options: RedisOptions = {}): RedisRecord {
  const dir = join(labDir, options.name ?? 'redis');
  mkdirSync(dir, { recursive: true });
  const outputPath = join(dir, 'output.log');
  const args = [
    ...['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no'],
    // A replica's first copy goes at once, not after the default 5 s wait for more replicas.
    ...['--repl-diskless-sync-delay', '0'],
    ...(options.replicaOf === undefined ? [] : ['--replicaof', '127.0.0.1', String(options.replicaOf)]),
    ...['--dir', dir, '--daemonize', 'no'],
  ];
  return { url: `redis://127.0.0.1:${port}`, port, outputPath, args, process: spawnRedis(args, outputPath) };
}

/** Starts redis-server with these arguments (again, for respawn), its output appended to `outputPath`. */
export function spawnRedis(args: readonly string[], outputPath: string): OwnedProcess {
  return spawnOwned(requireExecutable('redis-server'), args, { env: {}, outputPath });
}

/** True when Redis answers PING on the port. */
export function redisAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.setTimeout(500);
    let reply = '';
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => {
      reply += data.toString();
      if (reply.includes('\r\n')) {
        socket.destroy();
        resolve(reply.startsWith('+PONG'));
      }
    });
    socket.on('timeout', () => socket.destroy());
    socket.on('error', () => resolve(false));
    socket.on('close', () => resolve(false));
  });
}
