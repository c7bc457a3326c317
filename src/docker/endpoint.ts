import { homedir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../errors.js';

/** Where the Docker Engine listens, as DOCKER_HOST and friends describe it; `label` is for messages. */
export type DockerEndpoint =
  | { kind: 'unix'; socketPath: string; label: string }
  | { kind: 'tcp'; origin: string; tls?: { certPath: string }; label: string };

const defaultDockerSocket = '/var/run/docker.sock';

/**
 * Resolves the endpoint from `host` (chaos.docker.host, which wins) or DOCKER_HOST, with TLS when
 * DOCKER_TLS_VERIFY is set to anything (as the docker CLI reads it) and certificates from DOCKER_CERT_PATH.
 */
export function resolveDockerEndpoint(env: NodeJS.ProcessEnv, host?: string): DockerEndpoint {
  const text = host ?? env.DOCKER_HOST ?? `unix://${defaultDockerSocket}`;
  if (text.startsWith('/')) return { kind: 'unix', socketPath: text, label: `unix://${text}` };
  if (!URL.canParse(text)) {
    throw new UsageError(`DOCKER_HOST: expected unix:///path or tcp://host:port, got "${text}"`);
  }
  const url = new URL(text);
  if (url.protocol === 'unix:') {
    const socketPath = url.pathname === '' ? defaultDockerSocket : url.pathname;
    return { kind: 'unix', socketPath, label: `unix://${socketPath}` };
  }
  if (url.protocol === 'tcp:' || url.protocol === 'http:' || url.protocol === 'https:') {
    const tls = url.protocol === 'https:' || (env.DOCKER_TLS_VERIFY ?? '') !== '';
    const port = url.port === '' ? (tls ? '2376' : '2375') : url.port;
    const origin = `${tls ? 'https' : 'http'}://${url.hostname}:${port}`;
    if (!tls) return { kind: 'tcp', origin, label: origin };
    const certPath = env.DOCKER_CERT_PATH || join(homedir(), '.docker');
    return { kind: 'tcp', origin, tls: { certPath }, label: origin };
  }
  throw new UsageError(
    `DOCKER_HOST: the ${url.protocol}// scheme is not supported; use unix:// or tcp:// (with DOCKER_TLS_VERIFY)`,
  );
}
