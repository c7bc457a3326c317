/** One line of a third-party app's request log (the format every app of the suite is configured to write). */
export interface AppLogLine {
  requestId: string;
  instance: string;
  /** Whom the app answered as: the session's user, null when the request had no logged-in session. */
  user: string | null;
  /** Whether the request carried the app's credential: its session cookie, or an Authorization header. */
  sentCredential: boolean;
  status: number;
  method: string;
  path: string;
}

const linePattern =
  /^(?<requestId>\S+) (?<instance>\S+) (?<auth>in|out) (?<user>\S+) (?<credential>yes|no) (?<status>\d{3}) (?<method>\S+) (?<path>\S+)$/;

/** Lines with a request id (the balancer's health checks carry none); a line in another shape is an error. */
export function parseAppLog(text: string): AppLogLine[] {
  const lines: AppLogLine[] = [];
  for (const raw of text.split('\n')) {
    if (raw.trim() === '') continue;
    const fields = linePattern.exec(raw.trim())?.groups;
    if (fields === undefined) throw new Error(`not a request log line: ${JSON.stringify(raw)}`);
    if (fields.requestId === '-') continue;
    lines.push({
      requestId: fields.requestId ?? '',
      instance: fields.instance ?? '',
      user: fields.auth === 'in' ? (fields.user ?? null) : null,
      sentCredential: fields.credential === 'yes',
      status: Number(fields.status),
      method: fields.method ?? '',
      path: fields.path ?? '',
    });
  }
  return lines;
}
