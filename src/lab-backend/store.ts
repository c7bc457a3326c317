/** A server-side session: who logged in and when it stops being valid (epoch ms, wall clock like Max-Age). */
export interface Session {
  user: string;
  expiresAt: number;
}

/** Where cookie-mode backends keep sessions; `memory`, `replicated` and `redis` differ only here. */
export interface SessionStore {
  get(sid: string): Promise<Session | undefined>;
  set(sid: string, session: Session): Promise<void>;
  delete(sid: string): Promise<void>;
  /** What this process keeps in its own memory; a store elsewhere (Redis) holds none here. */
  held(): Promise<HeldSessions>;
  close(): Promise<void>;
}

/** Sessions kept in a backend's memory and their size (session id plus its JSON), the price /stats shows. */
export interface HeldSessions {
  sessions: number;
  bytes: number;
}

export class MemorySessionStore implements SessionStore {
  readonly #sessions = new Map<string, Session>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  async get(sid: string): Promise<Session | undefined> {
    const session = this.#sessions.get(sid);
    if (session === undefined) return undefined;
    if (session.expiresAt <= this.#now()) {
      this.#sessions.delete(sid);
      return undefined;
    }
    return session;
  }

  async set(sid: string, session: Session): Promise<void> {
    this.#sessions.set(sid, session);
  }

  async delete(sid: string): Promise<void> {
    this.#sessions.delete(sid);
  }

  /** The live sessions, for a peer that joins a cluster (replicated mode). */
  async entries(): Promise<[string, Session][]> {
    const now = this.#now();
    for (const [sid, session] of this.#sessions) {
      if (session.expiresAt <= now) this.#sessions.delete(sid);
    }
    return [...this.#sessions];
  }

  async held(): Promise<HeldSessions> {
    let bytes = 0;
    const entries = await this.entries();
    for (const [sid, session] of entries) {
      bytes += Buffer.byteLength(sid) + Buffer.byteLength(JSON.stringify(session));
    }
    return { sessions: entries.length, bytes };
  }

  async close(): Promise<void> {}
}
