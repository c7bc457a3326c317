import { readFileSync } from 'node:fs';
import { type DelayRelayConfig, holdingLine } from '../lab-contract/relay-config.js';
import { createDelayRelay } from './relay.js';

/** The replication link's process (bundled to dist/lab/relay.cjs): one argument, its JSON config file. */
const configPath = process.argv[2];
if (configPath === undefined) {
  process.stderr.write('usage: relay.cjs <config.json>\n');
  process.exit(2);
}
const config = JSON.parse(readFileSync(configPath, 'utf8')) as DelayRelayConfig;
const server = createDelayRelay(config, () => process.stdout.write(`${holdingLine(config.delayMs)}\n`));
const stop = (): void => {
  server.close();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
server.listen({ port: config.port, host: '127.0.0.1' }, () => {
  process.stdout.write(
    `replication link 127.0.0.1:${config.port} -> 127.0.0.1:${config.upstreamPort}, ${config.delayMs} ms\n`,
  );
});
