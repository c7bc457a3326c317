import { connect, createServer, type Server, type Socket } from 'node:net';
import type { DelayRelayConfig } from '../lab-contract/relay-config.js';

/**
 * The lab's replication link: a TCP relay between the store's replica and its primary that holds every byte
 * the primary sends for `delayMs` once the replica is in sync, as a link to another zone would make it lag.
 * It stands beside the primary, as the primary's host's outgoing side of the link: when the primary dies, the
 * bytes it still holds die with it (a crashed host's unsent buffers), so writes of the last `delayMs` before
 * the crash never reach the replica. The handshake and the initial copy pass at once, so the lab starts fast.
 */
/**
 * A replica sends `REPLCONF ACK <offset>` only once it has its copy and follows the stream; from then on the
 * primary's bytes are held. RESP spells the first two words `$8\r\nREPLCONF\r\n$3\r\nACK\r\n`.
 */
const inSync = /REPLCONF\r\n\$3\r\nACK\r\n/i;
/** Enough of the replica's last bytes to find the marker across two reads. */
const tailBytes = 64;

function link(replica: Socket, config: DelayRelayConfig, onHolding: () => void): void {
  const primary = connect({ host: '127.0.0.1', port: config.upstreamPort });
  const held = new Set<NodeJS.Timeout>();
  let delaying = false;
  let tail = '';
  const drop = (): void => {
    for (const timer of held) clearTimeout(timer);
    held.clear();
    replica.destroy();
    primary.destroy();
  };
  replica.on('data', (chunk) => {
    if (!delaying) {
      tail = (tail + chunk.toString('latin1')).slice(-tailBytes);
      delaying = inSync.test(tail);
      if (delaying) onHolding();
    }
    primary.write(chunk);
  });
  primary.on('data', (chunk) => {
    if (!delaying || config.delayMs === 0) {
      replica.write(chunk);
      return;
    }
    const timer = setTimeout(() => {
      held.delete(timer);
      replica.write(chunk);
    }, config.delayMs);
    held.add(timer);
  });
  for (const socket of [replica, primary]) {
    socket.on('close', drop);
    socket.on('error', drop);
  }
}

/** `onHolding` is told each time a replica's link starts to lag (once it is in sync). */
export function createDelayRelay(config: DelayRelayConfig, onHolding: () => void = () => {}): Server {
  return createServer((replica) => link(replica, config, onHolding));
}
