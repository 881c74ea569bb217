// Sends the finished run to patienced (README, "The socket protocol"; docs/cli.md §8): one JSON line over the Unix socket,
// then at most 200 ms in total, connect included, for the one-line answer. A missing,
// slow or broken daemon changes nothing; PATIENCE_DEBUG shows what happened.
import type { Socket } from 'node:net';
import { commandHash } from '../shared/command-hash.ts';
import { redact } from '../shared/redact.ts';
import type { WireRunRecord } from '../shared/run-record.ts';
import {
  MAX_COMMAND_LENGTH,
  MAX_DURATION_SECONDS,
  MAX_HOST_LENGTH,
  MAX_REASON_LENGTH,
} from '../shared/record-limits.ts';
import { runExitCode } from '../retry/exit-codes.ts';
import type { RunResult } from '../retry/loop.ts';
import type { RunOutcome } from '../retry/run-outcome.ts';
import { runOutcomeText } from './output.ts';
import { readReply } from './daemon-reply.ts';
import { describeFailure, exchange } from './socket-exchange.ts';

export const DEFAULT_SOCKET_PATH = '/tmp/retry-daemon.sock';
export const REPORT_BUDGET_MS = 200;

export interface RecordInput {
  commandLine: string;
  strategy: string;
  result: RunResult;
  endMs: number;
  host: string;
  labels: Record<string, string>;
  /** --timeout, the time limit per attempt; 0 for none. */
  timeoutMs?: number;
}

/**
 * The record as the daemon accepts it (docs/record-limits.md): a command line, reason or
 * host beyond its limit is cut short with a final "…" rather than have the run refused.
 */
export function buildRecord(i: RecordInput): WireRunRecord {
  const command = clip(redact(i.commandLine), MAX_COMMAND_LENGTH);
  const ok = i.result.attempts.filter((a) => a.success).length;
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(i.labels)) labels[k] = redact(v);
  const record: WireRunRecord = {
    command,
    command_hash: commandHash(command),
    final_status: finalStatus(i.result.outcome),
    total_duration_seconds: seconds(i.result.durationMs),
    total_attempts: i.result.attempts.length,
    successful_attempts: ok,
    failed_attempts: i.result.attempts.length - ok,
    attempts: i.result.attempts.map((a) => ({
      duration_seconds: seconds(a.durationMs),
      exit_code: a.exitCode,
      success: a.success,
    })),
    // Whole seconds, as the Go original's daemon requires; the exact time beside them.
    timestamp: Math.floor(i.endMs / 1000),
    timestamp_ms: Math.round(i.endMs),
    strategy: i.strategy,
    exit_code: runExitCode(i.result.outcome),
    reason: clip(redact(runOutcomeText(i.result.outcome)), MAX_REASON_LENGTH),
    host: clip(i.host, MAX_HOST_LENGTH),
    labels,
  };
  // A limit beyond the daemon's (a year) is as good as none, and is sent as that year.
  if (i.timeoutMs !== undefined && i.timeoutMs > 0) record.duration_limit = seconds(i.timeoutMs);
  return record;
}

/** The record's final_status: every outcome but success is a failed run. */
export function finalStatus(o: RunOutcome): WireRunRecord['final_status'] {
  return o.kind === 'succeeded' ? 'succeeded' : 'failed';
}

const seconds = (ms: number): number => Math.min(MAX_DURATION_SECONDS, Math.max(0, Math.round(ms) / 1000));

/** At most `max` UTF-16 code units, never half a surrogate pair. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}

export interface SendOptions {
  socketPath: string;
  budgetMs?: number;
  debug(message: string): void;
  connect?: (path: string) => Socket;
}

/** Resolves when the daemon answered, failed, or the budget ran out; never rejects. */
export async function sendRecord(record: WireRunRecord, o: SendOptions): Promise<void> {
  const budgetMs = o.budgetMs ?? REPORT_BUDGET_MS;
  const r = await exchange(JSON.stringify(record), {
    socketPath: o.socketPath,
    timeoutMs: budgetMs,
    connect: o.connect,
  });
  o.debug(r.kind === 'answer' ? describeAnswer(r.line) : describeFailure(r, o.socketPath, budgetMs));
}

function describeAnswer(line: string): string {
  const reply = readReply(line);
  switch (reply.kind) {
    case 'ok':
      return 'run reported to the daemon';
    case 'not-json':
      return `daemon answered something that is not JSON: ${line.slice(0, 200)}`;
    case 'error':
      // With a code (the daemon's reject reason: invalid_record, too_large, storage_error, …)
      // the line names it; an older daemon's reply has none.
      return `daemon refused the run${reply.code === undefined ? '' : ` (${reply.code})`}: ${reply.text}`;
    case 'not-object':
    case 'no-status':
      return `daemon refused the run: ${line}`;
  }
}
