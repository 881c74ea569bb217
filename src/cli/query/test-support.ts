// Runs and answers as the daemon writes them, for the unit tests of src/cli/query.
import type { ApiRun, ApiRunMetrics } from '../../shared/api/runs.ts';
import type { CommandsResult, RecentResult, StatsResult } from '../../shared/api/metrics.ts';
import type { HttpAnswer, HttpGet } from './http-get.ts';
import { DEFAULT_STREAM_LIMITS, type Opened, type OpenEvents, type StreamHandlers } from './event-stream.ts';
import { DEFAULT_LIMITS, type Transport } from './daemon-client.ts';
import type { QueryDeps } from './deps.ts';

export function apiRun(id: number, m: Partial<ApiRunMetrics> & { timestamp?: string } = {}): ApiRun {
  const timestamp = m.timestamp ?? '2026-11-30T11:57:00.000Z';
  return {
    id,
    timestamp,
    received_at: timestamp,
    metrics: {
      command: 'make deploy',
      command_hash: 'c2871662',
      final_status: 'succeeded',
      total_duration_seconds: 3.5,
      total_attempts: 2,
      successful_attempts: 1,
      failed_attempts: 1,
      attempts: [
        { duration_seconds: 1, exit_code: 7, success: false },
        { duration_seconds: 0.5, exit_code: 0, success: true },
      ],
      strategy: 'exponential',
      exit_code: 0,
      ...m,
      timestamp,
    } as ApiRunMetrics,
  };
}

export const recent = (runs: ApiRun[]): RecentResult => ({ metrics: runs, count: runs.length, truncated: false });

export function statsResult(over: Partial<StatsResult> = {}): StatsResult {
  return {
    time_range: { start: '2026-11-29T12:00:00Z', end: '2026-11-30T12:00:00Z' },
    total_runs: 4,
    successful_runs: 3,
    failed_runs: 1,
    success_rate: 0.75,
    average_attempts: 1.5,
    average_duration: 2_000_000_000,
    average_duration_seconds: 2,
    duration_seconds: { p50: 1.25, p90: 3.49, p99: 3.5, max: 3.5 },
    rescued_runs: 2,
    total_attempts: 6,
    top_commands: [{ command: 'make deploy', count: 3, success_rate: 1, avg_duration: 3_000_000_000 }],
    hourly_breakdown: [],
    ...over,
  };
}

export function commandsResult(
  commands: Array<{ command: string; count: number; rate: number; p90: number }>,
): CommandsResult {
  return {
    time_range: { start: '2026-11-29T12:00:00Z', end: '2026-11-30T12:00:00Z' },
    commands: commands.map((c) => ({
      command: c.command,
      count: c.count,
      successful_runs: Math.round(c.count * c.rate),
      failed_runs: c.count - Math.round(c.count * c.rate),
      success_rate: c.rate,
      rescued_runs: 0,
      average_attempts: 1,
      average_duration_seconds: c.p90,
      duration_seconds: { p50: c.p90, p90: c.p90, p99: c.p90, max: c.p90 },
      last_run: '2026-11-30T11:00:00Z',
    })),
  };
}

export const json = (status: number, body: unknown, contentType = 'application/json'): HttpAnswer => ({
  status,
  contentType,
  body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
});

/** A transport answering by path; records every URL asked for. The event stream is driven by the test. */
export function fakeTransport(answers: Record<string, HttpAnswer | Error>, events?: Opened | Error) {
  const asked: URL[] = [];
  let handlers: StreamHandlers | undefined;
  let closed = false;
  const get: HttpGet = async (url) => {
    asked.push(url);
    const a = answers[url.pathname];
    if (a === undefined) return json(404, { error: 'no such endpoint', code: 'not_found' });
    if (a instanceof Error) throw a;
    return a;
  };
  const openEvents: OpenEvents = async (url, h) => {
    asked.push(url);
    handlers = h;
    if (events instanceof Error) throw events;
    return events ?? { kind: 'open', stream: { close: () => void (closed = true) } };
  };
  const transport: Transport = { get, openEvents, limits: DEFAULT_LIMITS, streamLimits: DEFAULT_STREAM_LIMITS };
  return {
    transport,
    asked,
    /** The handlers of the open stream, to send events and the end. */
    stream: () => handlers as StreamHandlers,
    closed: () => closed,
  };
}

/** Query deps with fakes: output captured, a fixed clock, no config file, stop driven by the test. */
export function fakeDeps(transport: Transport, over: Partial<QueryDeps> = {}) {
  const out = { stdout: '', stderr: '' };
  let stop: (() => void) | undefined;
  const deps: QueryDeps = {
    env: { PATIENCE_DAEMON_URL: 'http://127.0.0.1:9999' },
    cwd: '/nowhere',
    stdout: { write: (s: string) => (out.stdout += s) },
    stderr: { write: (s: string) => (out.stderr += s) },
    stdoutIsTTY: false,
    stdoutColumns: undefined,
    now: () => Date.parse('2026-11-30T12:00:00Z'),
    transport,
    onStop(fn) {
      stop = fn;
      return () => (stop = undefined);
    },
    exists: () => false,
    read: () => '',
    ...over,
  };
  return { deps, out, stop: () => stop?.(), stopInstalled: () => stop !== undefined };
}
