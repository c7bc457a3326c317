import { createClient } from 'redis';
import type { HeldSessions, Session, SessionStore } from './store.js';

const keyPrefix = 'sc:sess:';

/** Sessions in Redis with a TTL, shared by every backend: the "external store" design that should not lose them. */
export class RedisSessionStore implements SessionStore {
  readonly #client: ReturnType<typeof createClient>;
  readonly #now: () => number;

  private constructor(client: ReturnType<typeof createClient>, now: () => number) {
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
