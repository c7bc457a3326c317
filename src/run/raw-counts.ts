import type { LoginRecord, ResponseRecord } from '../traffic/record.js';
import type { RecordSink } from '../traffic/sink.js';

function bump(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

/** Plain counts the metrics table leaves out: logins by outcome and cause, responses by status or error code. */
export class RawCounts implements RecordSink {
  readonly logins = new Map<string, number>();
  readonly statuses = new Map<string, number>();
  responses = 0;

  onLogin(record: LoginRecord): void {
    bump(this.logins, `${record.outcome} (${record.cause})`);
  }

  onResponse(record: ResponseRecord): void {
    this.responses += 1;
    bump(this.statuses, record.errorCode ?? String(record.status));
  }
}

function line(title: string, counts: Map<string, number>): string {
  const parts = [...counts.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, n]) => `${key}: ${n}`);
  return `${title.padEnd(10)} ${parts.length === 0 ? '-' : parts.join(', ')}`;
}

export function formatRawCounts(counts: RawCounts): string {
  const lines = [line('logins', counts.logins), `${'responses'.padEnd(10)} ${counts.responses}`];
  lines.push(line('status', counts.statuses));
  return lines.join('\n');
}
