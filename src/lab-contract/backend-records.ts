/** One line of a backend's log: what it was asked and what it knew when it answered (the ground truth). */
export interface GroundTruthLine {
  time: string;
  requestId: string | null;
  vuId: string | null;
  method: string;
  path: string;
  status: number;
  backend: string;
  /** Whether the credential sent was valid here; null when none was sent. */
  sessionFound: boolean | null;
  /** Whom the backend answered as, null when nobody. */
  user: string | null;
  faultInjected?: true;
}

/** Replication payload (JSON bodies) this backend sent to peers that took it, and received from peers. */
export interface ReplicationTraffic {
  sentBytes: number;
  receivedBytes: number;
}

/**
 * GET /stats: what clients asked for, and the price of the session design on this backend: the sessions it
 * holds in its own memory and their bytes, the replication payload it exchanged with peers (replicated mode),
 * the sessions in the shared store (redis mode).
 */
export interface BackendStats {
  backend: string;
  requests: number;
  sessions: number;
  sessionBytes: number;
  replication: ReplicationTraffic | null;
  storeSessions: number | null;
}
