// The reply lines of the socket protocol (README.md, "The socket protocol"). An error names
// its reason twice: `code`, the stable RejectReason it is counted under in
// /api/daemon/stats, for programs; `error`, the text for people (the original Go client
// reads `status` and `error` only).
import type { DocumentReply } from './batcher.ts';
import type { RejectReason } from './counters.ts';

export const OK_LINE = '{"status":"ok"}\n';

export function errorLine(code: RejectReason, error: string): string {
  return `${JSON.stringify({ status: 'error', code, error })}\n`;
}

export function replyLine(r: DocumentReply): string {
  if (!r.ok) return errorLine(r.reason, r.error);
  return r.answer ? `${JSON.stringify(r.answer)}\n` : OK_LINE;
}
