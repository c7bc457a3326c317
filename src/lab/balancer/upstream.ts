/** A backend as a balancer sees it: every lab server listens on 127.0.0.1. */
export interface UpstreamServer {
  name: string;
  port: number;
  /**
   * Scaled in: out of the rotation for good. It stays in the list (its name is never given again) because
   * nginx's `ip_hash` keeps every other client's server only while the list keeps its order.
   */
  removed?: boolean;
}

/** The cookie HAProxy inserts in `haproxy-cookie` mode to pin a client to a server. */
export const haproxyPinCookie = 'SERVERID';
