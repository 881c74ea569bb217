// Times as the API writes them: RFC 3339 in UTC. Seconds for aggregates (as Go marshals a
// time without fractional seconds), milliseconds for records (the coordination ledger's
// rounding up is src/coordination/time.ts).
const MAX_DATE_MS = 8.64e15;

/** "2026-11-26T16:00:00Z": floored to the second, clamped to the range Date can show. */
export function rfc3339Seconds(ms: number): string {
  const clamped = Math.min(MAX_DATE_MS, Math.max(-MAX_DATE_MS, ms));
  return new Date(Math.floor(clamped / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** "2026-11-26T16:00:00.123Z": a record's times, to the millisecond. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString();
}
