import { createDockerClient } from '../../docker/client.js';
import { resolveDockerEndpoint } from '../../docker/endpoint.js';
import type { DockerClient } from '../../docker/types.js';

let shared: DockerClient | undefined;

/**
 * The lab's Docker Engine client, the one chaos uses (DOCKER_HOST and its TLS variables), made once per
 * process. Its connections do not keep the process alive.
 */
export function engine(): DockerClient {
  shared ??= createDockerClient(resolveDockerEndpoint(process.env));
  return shared;
}
