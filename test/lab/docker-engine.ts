import { Client } from 'undici';

/** Just enough of the Docker Engine API for the lab tests, over the Unix socket as the chaos module talks. */
export async function dockerEngine<T>(
  method: 'GET' | 'POST',
  path: string,
): Promise<{ status: number; body: T }> {
  const socketPath = (process.env.DOCKER_HOST ?? 'unix:///var/run/docker.sock').replace(/^unix:\/\//, '');
  const client = new Client('http://localhost', { socketPath });
  try {
    const response = await client.request({ method, path: `/v1.41${path}` });
    const text = await response.body.text();
    return { status: response.statusCode, body: (text === '' ? undefined : JSON.parse(text)) as T };
  } finally {
    await client.close();
  }
}
