import type { ReplicationTraffic } from '../lab-contract/backend-records.js';
import type { HeldSessions, MemorySessionStore, Session, SessionStore } from './store.js';

/** The body of `POST /_lab/replicate`: a session that was set, or deleted when `session` is null. */
export interface ReplicationMessage {
  sid: string;
  session: Session | null;
}

export const replicationPath = '/_lab/replicate';

/**
 * Sessions kept locally and copied to every peer after a fixed lag, as clustered session managers do
 * asynchronously: within the lag a peer does not know a new session yet, which is the point of this mode.
 */
export class ReplicatedSessionStore implements SessionStore {
  readonly #local: MemorySessionStore;
  readonly #peers: readonly string[];
  readonly #lagMs: number;
  readonly #pending = new Set<NodeJS.Timeout>();
  readonly #traffic: ReplicationTraffic = { sentBytes: 0, receivedBytes: 0 };

  constructor(local: MemorySessionStore, peers: readonly string[], lagMs: number) {
    this.#local = local;
    this.#peers = peers;
    this.#lagMs = lagMs;
  }

  get(sid: string): Promise<Session | undefined> {
    return this.#local.get(sid);
  }

  async set(sid: string, session: Session): Promise<void> {
    await this.#local.set(sid, session);
    this.#replicate({ sid, session });
  }

  async delete(sid: string): Promise<void> {
    await this.#local.delete(sid);
    this.#replicate({ sid, session: null });
  }

  held(): Promise<HeldSessions> {
    return this.#local.held();
  }

  traffic(): ReplicationTraffic {
    return { ...this.#traffic };
  }

  /**
   * Copies every session from the first peer that answers, as a clustered session manager does when a member
   * (re)joins: a restarted backend knows the sessions made before it went down. No peer answering is fine
   * (the whole cluster starts at once).
   */
  async join(): Promise<void> {
    for (const peer of this.#peers) {
      try {
        const response = await fetch(new URL(replicationPath, peer), { signal: AbortSignal.timeout(1000) });
        if (!response.ok) continue;
        const text = await response.text();
        this.#traffic.receivedBytes += Buffer.byteLength(text);
        for (const message of JSON.parse(text) as ReplicationMessage[]) await this.apply(message);
        return;
      } catch {}
    }
  }

  /** Every live session, as the JSON body of messages a joining peer applies (counted as sent). */
  async snapshot(): Promise<string> {
    const messages = (await this.#local.entries()).map(([sid, session]) => ({ sid, session }));
    const body = JSON.stringify(messages);
    this.#traffic.sentBytes += Buffer.byteLength(body);
    return body;
  }

  /**
   * Applies a peer's change locally, without sending it on (every backend sends to all its peers);
   * `wireBytes` is the size of the body it came in.
   */
  async apply(message: ReplicationMessage, wireBytes = 0): Promise<void> {
    this.#traffic.receivedBytes += wireBytes;
    if (message.session === null) await this.#local.delete(message.sid);
    else await this.#local.set(message.sid, message.session);
  }

  async close(): Promise<void> {
    for (const timer of this.#pending) clearTimeout(timer);
    this.#pending.clear();
    await this.#local.close();
  }

  #replicate(message: ReplicationMessage): void {
    const body = JSON.stringify(message);
    const timer = setTimeout(() => {
      this.#pending.delete(timer);
      for (const peer of this.#peers) {
        // A peer that is down misses the change, as it would in a real cluster; nothing is retried.
        fetch(new URL(replicationPath, peer), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          signal: AbortSignal.timeout(2000),
        })
          .then((response) => {
            if (response.ok) this.#traffic.sentBytes += Buffer.byteLength(body);
            return response.body?.cancel();
          })
          .catch(() => {});
      }
    }, this.#lagMs);
    this.#pending.add(timer);
  }
}
