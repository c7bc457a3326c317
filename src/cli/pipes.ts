/**
 * A reader that stops reading (`session-chaos lab up --help | head`) closes the pipe under the tool: the rest of
 * the output is not wanted, which is no failure of the tool, so EPIPE is dropped quietly instead of dying with
 * a stack. The run goes on (its report files are still written); any other write error is still thrown.
 */
function onStreamError(error: NodeJS.ErrnoException): void {
  if (error.code !== 'EPIPE') throw error;
}

export function ignoreClosedPipes(streams: readonly NodeJS.WriteStream[]): void {
  for (const stream of streams) {
    if (!stream.listeners('error').includes(onStreamError)) stream.on('error', onStreamError);
  }
}
