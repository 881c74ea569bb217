// The envelope of patienced's one-line reply, read once for the run report and the
// rate-limit gate: {"status":"ok",…}, or {"status":"error","code":"<reason>","error":"…"}
// where code is one of the daemon's reject reasons (src/ingest/counters.ts). Older daemons
// and the Go original send no code; callers then go by the status alone.
import type { RejectReason } from '../ingest/counters.ts';

export type DaemonReply =
  | { kind: 'ok'; body: Readonly<Record<string, unknown>> }
  /** code: undefined when the reply has none (or one that is not a reason's shape). */
  | { kind: 'error'; code: string | undefined; text: string }
  | { kind: 'not-json' }
  | { kind: 'not-object' }
  /** An object whose status is neither "ok" nor "error". */
  | { kind: 'no-status' };

/** A reason's shape: lower case and underscores. Anything else is not shown or matched. */
const CODE = /^[a-z][a-z_]{0,63}$/;

export function readReply(line: string): DaemonReply {
  let a: unknown;
  try {
    a = JSON.parse(line);
  } catch {
    return { kind: 'not-json' };
  }
  if (typeof a !== 'object' || a === null || Array.isArray(a)) return { kind: 'not-object' };
  const o = a as Record<string, unknown>;
  if (o.status === 'ok') return { kind: 'ok', body: o };
  if (o.status !== 'error') return { kind: 'no-status' };
  const code = typeof o.code === 'string' && CODE.test(o.code) ? o.code : undefined;
  return { kind: 'error', code, text: String(o.error ?? line) };
}

/** Whether an error reply carries this reason (checked against the daemon's list at compile time). */
export function hasCode(r: DaemonReply, code: RejectReason): boolean {
  return r.kind === 'error' && r.code === code;
}
