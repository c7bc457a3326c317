import { createClient, createSentinel } from 'redis';
import type { HeldSessions, Session, SessionStore } from './store.js';

const keyPrefix = 'sc:sess:';

/**
 * A store command that has no answer by then fails the request (a 500): while the Sentinel client looks for a
 * new primary it holds commands (its own command timeout does not cover that wait), and a user should see the
 * outage, not wait it out. The command may still run later.
 */
const commandTimeoutMs = 1000;

function answerWithin<T>(command: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`the session store did not answer within ${commandTimeoutMs} ms`)),
      commandTimeoutMs,
    );
  });
  return Promise.race([command, timeout]).finally(() => clearTimeout(timer));
}

/** The commands the store uses, which a plain client and a Sentinel client both have. */
interface RedisCommands {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, options: { expiration: { type: 'PX'; value: number } }): Promise<unknown>;
  del(key: string): Promise<number>;
  dbSize(): Promise<number>;
  destroy(): void;
}

/** Sessions in Redis with a TTL, shared by every backend: the "external store" design that should not lose them. */
export class RedisSessionStore implements SessionStore {
  readonly #client: RedisCommands;
  readonly #now: () => number;

  private constructor(client: RedisCommands, now: () => number) {
    this.#client = client;
    this.#now = now;
  }

  static async connect(url: string, now: () => number = Date.now): Promise<RedisSessionStore> {
    // While Redis is down a request fails at once (a 500) instead of waiting in the offline queue.
    const client = createClient({ url, socket: { connectTimeout: 2000 }, disableOfflineQueue: true });
    // Without a listener, a lost connection would crash the process; the client reconnects by itself.
    client.on('error', () => {});
    await client.connect();
    return new RedisSessionStore(client, now);
  }

  /** The primary that Sentinel names (`redis-sentinel`), followed to the replica Sentinel promotes. */
  static async connectSentinel(
    sentinelPort: number,
    name: string,
    now: () => number = Date.now,
  ): Promise<RedisSessionStore> {
    const sentinel = createSentinel({
      name,
      sentinelRootNodes: [{ host: '127.0.0.1', port: sentinelPort }],
      nodeClientOptions: { socket: { connectTimeout: 1000 }, disableOfflineQueue: true },
    });
    sentinel.on('error', () => {});
    await sentinel.connect();
    return new RedisSessionStore(
      {
        get: (key) => answerWithin(sentinel.get(key)),
        set: (key, value, options) => answerWithin(sentinel.set(key, value, options)),
        del: (key) => answerWithin(sentinel.del(key)),
        dbSize: () => answerWithin(sentinel.dbSize()),
        destroy: () => sentinel.destroy(),
      },
      now,
    );
  }

  async get(sid: string): Promise<Session | undefined> {
    const text = await this.#client.get(keyPrefix + sid);
    return text === null ? undefined : (JSON.parse(text) as Session);
  }

  async set(sid: string, session: Session): Promise<void> {
    const ttlMs = Math.max(1, session.expiresAt - this.#now());
    await this.#client.set(keyPrefix + sid, JSON.stringify(session), {
      expiration: { type: 'PX', value: ttlMs },
    });
  }

  async delete(sid: string): Promise<void> {
    await this.#client.del(keyPrefix + sid);
  }

  async held(): Promise<HeldSessions> {
    return { sessions: 0, bytes: 0 };
  }

  /** The lab's Redis holds nothing but sessions, so its size is the session count. */
  storeSessions(): Promise<number> {
    return this.#client.dbSize();
  }

  async close(): Promise<void> {
    this.#client.destroy();
  }
}
