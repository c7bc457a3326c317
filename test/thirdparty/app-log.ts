/** One line of a third-party app's request log (the format every app of the suite is configured to write). */
export interface AppLogLine {
  requestId: string;
  instance: string;
  /** Whom the app answered as: the session's user, null when the request had no logged-in session. */
  user: string | null;
  /** Whether the request carried the app's session cookie. */
  sessionCookie: boolean;
  status: number;
  method: string;
  path: string;
}

const linePattern = /^(\S+) (\S+) (in|out) (\S+) (yes|no) (\d{3}) (\S+) (\S+)$/;

/** Lines with a request id (the balancer's health checks carry none); a line in another shape is an error. */
export function parseAppLog(text: string): AppLogLine[] {
  const lines: AppLogLine[] = [];
  for (const raw of text.split('\n')) {
    if (raw.trim() === '') continue;
    const match = linePattern.exec(raw.trim());
    if (match === null) throw new Error(`not a request log line: ${JSON.stringify(raw)}`);
    const [, requestId = '', instance = '', auth, user = '-', cookie, status = '0', method = '', path = ''] =
      match;
    if (requestId === '-') continue;
    lines.push({
      requestId,
      instance,
      user: auth === 'in' ? user : null,
      sessionCookie: cookie === 'yes',
      status: Number(status),
      method,
      path,
    });
  }
  return lines;
}
