import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/**
 * Which processes listen on a TCP port that 127.0.0.1 reaches, read from /proc/net/tcp{,6} (the socket's
 * inode) and /proc/<pid>/fd (who holds it). Only processes this user may read are seen.
 */

const listen = '0A';
/** Local addresses a connection to 127.0.0.1 reaches, as /proc/net writes them (little-endian words). */
const loopbackReachable = new Set([
  '0100007F', // 127.0.0.1
  '00000000', // 0.0.0.0
  '00000000000000000000000000000000', // ::
  '0000000000000000FFFF00000100007F', // ::ffff:127.0.0.1
]);

/** The inodes of listening sockets on `port` reachable from 127.0.0.1, from /proc/net/tcp-format text. */
export function listeningInodes(tables: readonly string[], port: number): Set<string> {
  const inodes = new Set<string>();
  for (const table of tables) {
    for (const line of table.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const [address, portHex] = (fields[1] ?? '').split(':');
      if (fields[3] !== listen || portHex === undefined || Number.parseInt(portHex, 16) !== port) continue;
      if (address !== undefined && loopbackReachable.has(address) && fields[9] !== undefined) {
        inodes.add(fields[9]);
      }
    }
  }
  return inodes;
}

function readTable(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** The pids holding a listening socket on 127.0.0.1:port, in ascending order. */
export function listenersOf(port: number): number[] {
  const inodes = listeningInodes([readTable('/proc/net/tcp'), readTable('/proc/net/tcp6')], port);
  if (inodes.size === 0) return [];
  const wanted = new Set([...inodes].map((inode) => `socket:[${inode}]`));
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue; // gone, or not ours to read
    }
    for (const fd of fds) {
      let link: string;
      try {
        link = readlinkSync(`/proc/${entry}/fd/${fd}`);
      } catch {
        continue;
      }
      if (wanted.has(link)) {
        pids.push(Number(entry));
        break;
      }
    }
  }
  return pids.sort((a, b) => a - b);
}
