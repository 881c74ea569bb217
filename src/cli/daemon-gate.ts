// `patience diophantine --daemon`: before every attempt, ask patienced for a slot of the
// resource (docs/coordination.md, the acquire message). patienced is the one ledger of the host; the
// local ledger is the fallback. A daemon that is absent, slow, hung or broken costs one
// exchange's time limit, once: the CLI warns once and uses the local ledger for the rest
// of the run. The loop does the waiting (it counts against --max-time).
import { formatDuration } from '../retry/format.ts';
import type { Claim, Gate } from '../retry/loop.ts';
import { parseRfc3339 } from '../shared/rfc3339.ts';
import { hasCode, readReply } from './daemon-reply.ts';
import { exchange as realExchange, type Exchange, type ExchangeResult } from './socket-exchange.ts';

/** A refusal is retried no sooner than this, so a daemon that refuses with a past time cannot make us spin. */
export const MIN_WAIT_MS = 50;
/** How much of the daemon's text a warning shows. */
const SHOWN_CHARS = 200;

export interface DaemonGateOptions {
  resource: string;
  rateLimit: number;
  windowMs: number;
  socketPath: string;
  /** Each exchange's time limit (--daemon-timeout). */
  timeoutMs: number;
  /** The local ledger, used once the daemon has failed. */
  fallback: Gate;
  /** Told once, when the daemon fails; the run then goes on with the fallback. */
  warn(message: string): void;
  /** Wall-clock ms, to turn wait_until into a wait. */
  now(): number;
  exchange?: Exchange;
  /**
   * --daemon-auto-start: starts patienced on socketPath when nothing listens there;
   * resolves undefined once it runs, else what went wrong.
   */
  autoStartDaemon?: () => Promise<string | undefined>;
}

/** The acquire message. The daemon counts whole seconds: a window is rounded up, never down (stricter, never looser). */
export function acquireLine(resource: string, rateLimit: number, windowMs: number): string {
  return JSON.stringify({
    type: 'acquire',
    resource_id: resource,
    rate_limit: rateLimit,
    window_seconds: Math.max(1, Math.ceil(windowMs / 1000)),
  });
}

type Answer = { kind: 'granted' } | { kind: 'refused'; waitUntil: number } | { kind: 'broken'; problem: string };

/**
 * The daemon's one line, read strictly: anything but the two ok shapes is a broken daemon.
 * An error reply goes by its code when it has one (unsupported_type: a daemon without
 * rate-limit support); one without a code (older daemons, the Go original) is shown as it came.
 */
export function readAnswer(line: string): Answer {
  const reply = readReply(line);
  switch (reply.kind) {
    case 'not-json':
      return { kind: 'broken', problem: `answered something that is not JSON: ${shown(line)}` };
    case 'not-object':
      return { kind: 'broken', problem: `answered ${shown(line)}, not an object` };
    case 'no-status':
      return { kind: 'broken', problem: `answered ${shown(line)}, without "status":"ok"` };
    case 'error':
      if (hasCode(reply, 'unsupported_type'))
        return { kind: 'broken', problem: 'does not support rate-limit requests' };
      return {
        kind: 'broken',
        problem: `refused the rate-limit request${reply.code === undefined ? '' : ` (${reply.code})`}: ${shown(reply.text)}`,
      };
    case 'ok':
      return readGrant(reply.body, line);
  }
}

function readGrant(o: Readonly<Record<string, unknown>>, line: string): Answer {
  if (o.granted === true) return { kind: 'granted' };
  if (o.granted === false && typeof o.wait_until === 'string') {
    const t = parseRfc3339(o.wait_until);
    if (t.ok) return { kind: 'refused', waitUntil: t.ms };
    return { kind: 'broken', problem: `answered a wait_until that is not an RFC 3339 time: ${shown(o.wait_until)}` };
  }
  return { kind: 'broken', problem: `answered ${shown(line)}, which is neither a grant nor a refusal with wait_until` };
}

/** Quoted and cut short: a daemon's text never reaches the terminal raw. */
function shown(text: string): string {
  return JSON.stringify(text.length > SHOWN_CHARS ? `${text.slice(0, SHOWN_CHARS)}…` : text);
}

export function createDaemonGate(o: DaemonGateOptions): Gate {
  const exchange = o.exchange ?? realExchange;
  const line = acquireLine(o.resource, o.rateLimit, o.windowMs);
  const where = `patienced at ${o.socketPath}`;
  let fallenBack = false;
  let startTried = false;

  const ask = (): Promise<ExchangeResult> => exchange(line, { socketPath: o.socketPath, timeoutMs: o.timeoutMs });
  const failure = (r: Exclude<ExchangeResult, { kind: 'answer' }>): string => {
    switch (r.kind) {
      case 'timeout':
        return `${where} did not answer within ${formatDuration(o.timeoutMs)}`;
      case 'unreachable':
        return `no patienced answers at ${o.socketPath} (${r.code ?? r.message})`;
      case 'closed':
        return `${where} closed the connection without an answer`;
    }
  };
  const fallBack = async (problem: string, nowMs: number): Promise<Claim> => {
    fallenBack = true;
    o.warn(`${problem}; using the local rate-limit ledger for this run`);
    return o.fallback.claim(nowMs);
  };

  return {
    resource: o.resource,
    async claim(nowMs) {
      if (fallenBack) return o.fallback.claim(nowMs);
      let r = await ask();
      if (
        r.kind === 'unreachable' &&
        o.autoStartDaemon &&
        !startTried &&
        (r.code === 'ENOENT' || r.code === 'ECONNREFUSED')
      ) {
        startTried = true;
        const problem = await o.autoStartDaemon();
        if (problem !== undefined)
          return fallBack(`no patienced answers at ${o.socketPath}, and starting one failed: ${problem}`, o.now());
        r = await ask();
      }
      if (r.kind !== 'answer') return fallBack(failure(r), o.now());
      const answer = readAnswer(r.line);
      if (answer.kind === 'broken') return fallBack(`${where} ${answer.problem}`, o.now());
      if (answer.kind === 'granted') return { ok: true };
      // Never sooner than MIN_WAIT_MS, never later than one window from now: a sliding
      // window always has a slot free by then, so a longer wait is asked about again.
      const now = o.now();
      return {
        ok: false,
        waitUntil: Math.min(Math.max(answer.waitUntil, now + MIN_WAIT_MS), now + Math.max(o.windowMs, MIN_WAIT_MS)),
      };
    },
  };
}
