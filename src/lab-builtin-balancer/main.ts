import { readFileSync } from 'node:fs';
import type { BuiltinBalancerConfig } from '../lab-contract/builtin-balancer-config.js';
import { createBuiltinBalancer } from './balancer.js';

/** The built-in balancer's process (bundled to dist/lab/balancer.cjs): one argument, its JSON config file. */
const configPath = process.argv[2];
if (configPath === undefined) {
  process.stderr.write('usage: balancer.cjs <config.json>\n');
  process.exit(2);
}
const read = (): BuiltinBalancerConfig =>
  JSON.parse(readFileSync(configPath, 'utf8')) as BuiltinBalancerConfig;
const config = read();
const { server, setServers } = createBuiltinBalancer(config);
// A scale event: the lab rewrote the config; it waits for this line to know the new list is in use.
process.on('SIGHUP', () => {
  const next = read();
  setServers(next.servers);
  process.stdout.write(`generation ${next.generation}: ${next.servers.length} servers\n`);
});
const stop = (): void => {
  server.close();
  server.closeAllConnections();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
// A burst of 10,000 users connecting at once must wait in the backlog, not be refused.
server.listen({ port: config.port, host: '127.0.0.1', backlog: 4096 }, () => {
  process.stdout.write(`built-in ${config.mode} balancer on 127.0.0.1:${config.port}\n`);
});
