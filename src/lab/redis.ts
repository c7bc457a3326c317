import { mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { requireExecutable } from './components.js';
import { type OwnedProcess, spawnOwned } from './processes.js';

export interface RedisRecord {
  url: string;
  port: number;
  outputPath: string;
  process: OwnedProcess;
}

/** A throwaway Redis for one lab: loopback only, no persistence, in the lab's directory. */
export function startRedis(labDir: string, port: number): RedisRecord {
  const redis = requireExecutable('redis-server');
  const dir = join(labDir, 'redis');
  mkdirSync(dir, { recursive: true });
  const outputPath = join(dir, 'output.log');
  const args = ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no'];
  const owned = spawnOwned(redis, [...args, '--dir', dir, '--daemonize', 'no'], { env: {}, outputPath });
  return { url: `redis://127.0.0.1:${port}`, port, outputPath, process: owned };
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
