import type { ContainerSummary, DockerClient } from '../../docker/types.js';
import type { ChaosSelector } from '../../profile/schema/chaos.js';

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`);
}

/**
 * Narrows Docker's answer to what the selector means here: Docker matches a name anywhere in the container
 * name (backend-1 would also match backend-10), the profile means the exact name or a glob.
 */
function matchesSelector(container: ContainerSummary, selector: ChaosSelector): boolean {
  if (selector.name !== undefined && !globToRegExp(selector.name).test(container.name)) return false;
  if (selector.id !== undefined && !container.id.startsWith(selector.id)) return false;
  return true;
}

/** The containers a selector matches, in name order; label matching is left to Docker, which does it exactly. */
export async function resolveSelector(
  client: DockerClient,
  selector: ChaosSelector,
): Promise<ContainerSummary[]> {
  const listed = await client.listContainers({
    ...(selector.name === undefined || selector.name.includes('*') ? {} : { name: selector.name }),
    ...(selector.id === undefined ? {} : { id: selector.id }),
    ...(selector.label === undefined ? {} : { label: selector.label }),
  });
  return listed
    .filter((container) => matchesSelector(container, selector))
    .sort((a, b) => a.name.localeCompare(b.name));
}
