import { type BackendConfig, parseBackendEnv } from '../lab-contract/backend-config.js';
import { seededRandom } from '../util/random.js';
import { createBackendServer, type Sessions } from './app.js';
import { JwtSessions } from './jwt.js';
import { openGroundTruthLog } from './log.js';
import { RedisSessionStore } from './redis-store.js';
import { ReplicatedSessionStore } from './replicated-store.js';
import { MemorySessionStore } from './store.js';

/** The lab backend's entry point (bundled into one file, run as a process or as a container's PID 1). */

// Containers are stopped with SIGTERM and a short grace period; answer it well within 1 s.
const exitDeadlineMs = 500;

async function openSessions(config: BackendConfig): Promise<Sessions> {
  switch (config.sessions) {
    case 'memory':
      return { kind: 'cookie', store: new MemorySessionStore() };
    case 'replicated': {
      const store = new ReplicatedSessionStore(
        new MemorySessionStore(),
        config.peers,
        config.replicationLagMs,
      );
      await store.join();
      return { kind: 'cookie', store };
    }
    case 'redis':
      // parseBackendEnv guarantees the URL in redis mode.
      return { kind: 'cookie', store: await RedisSessionStore.connect(config.redisUrl ?? '') };
    case 'redis-sentinel': {
      // parseBackendEnv guarantees the Sentinel in redis-sentinel mode.
      const { port, name } = config.redisSentinel ?? { port: 0, name: '' };
      return { kind: 'cookie', store: await RedisSessionStore.connectSentinel(port, name) };
    }
    case 'jwt':
      return { kind: 'jwt', jwt: new JwtSessions(config.jwtSecret ?? '', config.sessionTtlSeconds) };
  }
}

async function main(): Promise<void> {
  const config = parseBackendEnv(process.env);
  const sessions = await openSessions(config);
  const log = openGroundTruthLog(config.logPath);
  const server = createBackendServer(config, {
    sessions,
    log,
    random: seededRandom(config.seed).next,
    now: Date.now,
  });

  const shutdown = (): void => {
    setTimeout(() => process.exit(0), exitDeadlineMs).unref();
    server.close();
    server.closeAllConnections();
    const closing = sessions.kind === 'cookie' ? sessions.store.close() : Promise.resolve();
    closing.finally(() => {
      log.close();
      process.exit(0);
    });
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);

  server.listen(config.port, config.host, () => {
    process.stdout.write(
      `lab backend ${config.name} (${config.sessions}) on ${config.host}:${config.port}\n`,
    );
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`lab backend failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
