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

/** The socket links (`socket:[inode]`) of the listeners on 127.0.0.1:port now. */
export function listenerSockets(port: number): Set<string> {
  const inodes = listeningInodes([readTable('/proc/net/tcp'), readTable('/proc/net/tcp6')], port);
  return new Set([...inodes].map((inode) => `socket:[${inode}]`));
}

/** Whether the process holds one of these sockets (reads only its own fd table). */
export function holdsSocket(pid: number, sockets: ReadonlySet<string>): boolean {
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return false; // gone, or not ours to read
  }
  for (const fd of fds) {
    try {
      if (sockets.has(readlinkSync(`/proc/${pid}/fd/${fd}`))) return true;
    } catch {
      // closed meanwhile
    }
  }
  return false;
}

/** The pids holding a listening socket on 127.0.0.1:port, in ascending order (reads every process's fds). */
export function listenersOf(port: number): number[] {
  const sockets = listenerSockets(port);
  if (sockets.size === 0) return [];
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number)
    .filter((pid) => holdsSocket(pid, sockets))
    .sort((a, b) => a - b);
}
