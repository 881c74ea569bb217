// What the ingest side has seen, for /api/daemon/stats and /metrics. A RejectReason is also
// the `code` of the error line the client is told (reply-line.ts).

export const REJECT_REASONS = [
  // A line that is not JSON.
  'invalid_json',
  // JSON, but not a valid run record (the error names the field).
  'invalid_record',
  // A document over max_message_bytes; the connection is closed after the reply.
  'too_large',
  // No complete document within the deadline (silent, or a document left unfinished).
  'document_timeout',
  // The client left its replies unread past the write deadline (destroyed: no line is written).
  'write_timeout',
  // Closed, incomplete, to give its slot to a new client while all were taken.
  'shed_stale',
  // Waited in line for a slot past the deadline.
  'waiting_timeout',
  // Dropped from a full waiting line.
  'too_many_connections',
  // A document with a "type" this daemon does not serve.
  'unsupported_type',
  // A rate-limit acquire with a bad field.
  'invalid_acquire',
  // The rate-limit ledger is at its bound of resources or grants, all live.
  'coordination_full',
  // The store could not take the batch: nothing of it was stored or granted.
  'storage_error',
] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

export class IngestCounters {
  received = 0;
  readonly rejected: Record<RejectReason, number> = Object.fromEntries(REJECT_REASONS.map((r) => [r, 0])) as Record<
    RejectReason,
    number
  >;
  connectionsActive = 0;
  connectionsWaiting = 0;
  connectionsTotal = 0;

  reject(reason: RejectReason): void {
    this.rejected[reason]++;
  }

  rejectedTotal(): number {
    let n = 0;
    for (const r of REJECT_REASONS) n += this.rejected[r];
    return n;
  }
}
