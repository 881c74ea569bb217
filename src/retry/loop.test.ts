import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCodes, type CodeSet } from './codes.ts';
import {
  RetryRun,
  type AttemptFailure,
  type AttemptRequest,
  type Gate,
  type LoopPlan,
  type RunResult,
  type RunningAttempt,
} from './loop.ts';
import { attemptFailureText, cannotRunText, rateLimitedText, runOutcomeText } from '../cli/output.ts';
import type { AttemptOutcome } from './attempt-outcome.ts';
import { runExitCode } from './exit-codes.ts';
import { buildFallback } from './strategies/index.ts';
import { httpAware } from './strategies/http-aware.ts';

const S = 1000;
const out = (stdout = '', stderr = '') => ({ stdout, stderr });
const exit = (code: number, stdout = '', durationMs = 100): AttemptOutcome => ({
  kind: 'exited',
  code,
  durationMs,
  output: out(stdout),
});

/** A fake world: a clock that only sleeps and attempts move, scripted outcomes, recorded lines. */
function world(outcomes: AttemptOutcome[], onRun?: (req: AttemptRequest, n: number) => void) {
  let now = 1_000_000;
  const lines: string[] = [];
  const requests: AttemptRequest[] = [];
  const sleeps: number[] = [];
  let n = 0;
  const deps = {
    now: () => now,
    random: () => 0.5,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    run(req: AttemptRequest): RunningAttempt {
      requests.push(req);
      const o = outcomes[n++] ?? exit(0);
      onRun?.(req, n);
      let dur = o.durationMs;
      if (req.timeoutMs > 0 && dur > req.timeoutMs) dur = req.timeoutMs;
      now += dur;
      return { result: Promise.resolve(o), signal: () => {} };
    },
    status: {
      attemptStart: (i: number, t: number) => lines.push(`start ${i}/${t}`),
      attemptFailed: (i: number, t: number, why: AttemptFailure, d?: number) =>
        lines.push(`failed ${i}/${t} (${attemptFailureText(why)})${d === undefined ? '' : ` retry in ${d}`}`),
      rateLimited: (resource: string, ms: number) => lines.push(`wait ${rateLimitedText(resource, ms)}`),
      cannotRun: (program: string, problem: string) => lines.push(`error ${cannotRunText(program, problem)}`),
    },
  };
  return { deps, lines, requests, sleeps, elapsed: () => now - 1_000_000 };
}

/** The run as the CLI shows it: success, exit code and final reason (the words are src/cli/output.ts's). */
const shown = (r: RunResult) => ({
  success: r.outcome.kind === 'succeeded',
  exitCode: runExitCode(r.outcome),
  reason: runOutcomeText(r.outcome),
});

const plan = (over: Partial<LoopPlan> = {}): LoopPlan => ({
  command: ['cmd'],
  attempts: 3,
  timeoutMs: 0,
  maxTimeMs: 0,
  patterns: {},
  backoff: buildFallback('exponential', { baseDelayMs: S, multiplier: 2, maxDelayMs: 60 * S, exponent: 2 }),
  useHints: false,
  ...over,
});

test('retries with the strategy delays and succeeds', async () => {
  const w = world([exit(1), exit(1), exit(0)]);
  const r = await new RetryRun(plan(), w.deps).run();
  assert.deepEqual(w.sleeps, [S, 2 * S]);
  assert.equal(shown(r).success, true);
  assert.equal(shown(r).exitCode, 0);
  assert.equal(shown(r).reason, 'exit code 0');
  assert.deepEqual(
    r.attempts.map((a) => [a.exitCode, a.success]),
    [
      [1, false],
      [1, false],
      [0, true],
    ],
  );
  assert.deepEqual(w.lines, [
    'start 1/3',
    'failed 1/3 (exit code 1) retry in 1000',
    'start 2/3',
    'failed 2/3 (exit code 1) retry in 2000',
    'start 3/3',
  ]);
});

test('exhausted attempts keep the last code; a single attempt says just why', async () => {
  const w = world([exit(1), exit(2), exit(7)]);
  const r = await new RetryRun(plan(), w.deps).run();
  assert.deepEqual(
    [shown(r).success, shown(r).exitCode, shown(r).reason],
    [false, 7, 'max retries reached (exit code 7)'],
  );
  assert.equal(w.lines.at(-1), 'failed 3/3 (exit code 7)');
  const one = await new RetryRun(plan({ attempts: 1 }), world([exit(5)]).deps).run();
  assert.deepEqual([shown(one).exitCode, shown(one).reason], [5, 'exit code 5']);
});

test('a failure pattern stops at once with exit 1; no delay after it', async () => {
  const w = world([exit(0, 'FATAL: disk'), exit(0)]);
  const r = await new RetryRun(plan({ patterns: { failure: /FATAL/ } }), w.deps).run();
  assert.deepEqual(
    [shown(r).success, shown(r).exitCode, shown(r).reason, r.attempts.length],
    [false, 1, 'failure pattern matched', 1],
  );
  assert.deepEqual(w.sleeps, []);
});

test('timeouts: 124 and "timeout: D" only on the attempts that timed out', async () => {
  const timedOut: AttemptOutcome = { kind: 'timed-out', durationMs: 2 * S, output: out() };
  const w = world([exit(3), timedOut]);
  const r = await new RetryRun(plan({ attempts: 2, timeoutMs: 2 * S }), w.deps).run();
  assert.deepEqual(w.lines, [
    'start 1/2',
    'failed 1/2 (exit code 3) retry in 1000',
    'start 2/2',
    'failed 2/2 (timeout: 2s)',
  ]);
  assert.deepEqual([shown(r).exitCode, shown(r).reason], [124, 'max retries reached (timeout)']);
  assert.deepEqual(
    w.requests.map((q) => q.timeoutMs),
    [2 * S, 2 * S],
  );
});

test('signaled attempts stand for 128 + N', async () => {
  const killed: AttemptOutcome = { kind: 'signaled', signal: 'SIGKILL', signalNumber: 9, durationMs: 5, output: out() };
  const r = await new RetryRun(plan({ attempts: 1 }), world([killed]).deps).run();
  assert.deepEqual([shown(r).exitCode, shown(r).reason], [137, 'signal SIGKILL']);
});

test('a command that cannot start is not retried', async () => {
  const w = world([{ kind: 'spawn-failed', problem: 'not found', exitCode: 127, durationMs: 1 }]);
  const r = await new RetryRun(plan({ command: ['nope'] }), w.deps).run();
  assert.deepEqual(r.outcome, { kind: 'spawn-failed', program: 'nope', problem: 'not found', exitCode: 127 });
  assert.deepEqual([shown(r).exitCode, shown(r).reason, r.attempts.length], [127, "cannot run 'nope': not found", 1]);
  assert.deepEqual(w.lines, ['start 1/3', "error cannot run 'nope': not found"]);
});

test('--retry-on and --stop-on', async () => {
  const retryOn = parseCodes('75,100-110') as CodeSet;
  const a = await new RetryRun(plan({ retryOn }), world([exit(75), exit(2), exit(0)]).deps).run();
  assert.deepEqual([shown(a).exitCode, shown(a).reason, a.attempts.length], [2, 'exit code 2 is not in --retry-on', 2]);
  const stopOn = parseCodes('4') as CodeSet;
  const b = await new RetryRun(plan({ stopOn }), world([exit(1), exit(4), exit(0)]).deps).run();
  assert.deepEqual([shown(b).exitCode, shown(b).reason, b.attempts.length], [4, 'exit code 4 is in --stop-on', 2]);
});

test('--max-time: no delay is slept, and no attempt runs, beyond the budget', async () => {
  // 100 ms attempt + 1 s + 100 ms + 2 s would pass 3 s: the run ends after attempt 2.
  const w = world([exit(1), exit(1), exit(0)]);
  const r = await new RetryRun(plan({ maxTimeMs: 3 * S }), w.deps).run();
  assert.deepEqual(
    [shown(r).success, shown(r).exitCode, shown(r).reason, r.attempts.length],
    [false, 1, 'max time reached', 2],
  );
  assert.deepEqual(w.sleeps, [S]);
  assert.ok(w.elapsed() <= 3 * S);
  // The attempt itself is cut at the budget: its time limit is what is left.
  const slow: AttemptOutcome = { kind: 'timed-out', durationMs: 10 * S, output: out() };
  const w2 = world([slow]);
  const r2 = await new RetryRun(plan({ maxTimeMs: 500, timeoutMs: 5 * S }), w2.deps).run();
  assert.equal(w2.requests[0]?.timeoutMs, 500);
  assert.deepEqual([shown(r2).exitCode, shown(r2).reason], [124, 'max time reached']);
  assert.deepEqual(w2.lines.at(-1), 'failed 1/3 (max time reached)');
});

test('http-aware: the hint decides the delay; a hint beyond --max-time ends the run', async () => {
  const backoff = httpAware(
    { maxDelayMs: 30 * 60 * S },
    buildFallback('fixed', { baseDelayMs: 5 * S, multiplier: 2, maxDelayMs: 60 * S, exponent: 2 }),
  );
  const w = world([exit(22, 'Retry-After: 1'), exit(22, 'no hint'), exit(0)]);
  await new RetryRun(plan({ backoff, useHints: true }), w.deps).run();
  assert.deepEqual(w.sleeps, [S, 5 * S]);
  const w2 = world([exit(22, 'Retry-After: 120')]);
  const r2 = await new RetryRun(plan({ backoff, useHints: true, maxTimeMs: 60 * S }), w2.deps).run();
  assert.deepEqual([shown(r2).reason, shown(r2).exitCode, r2.attempts.length], ['retry-after exceeds max-time', 22, 1]);
});

/** http-aware as the CLI builds it: hints and HTTP status on, the fallback a fixed 5 s. */
const httpPlan = (over: Partial<LoopPlan> = {}): LoopPlan =>
  plan({
    backoff: httpAware(
      { maxDelayMs: 30 * 60 * S },
      buildFallback('fixed', { baseDelayMs: 5 * S, multiplier: 2, maxDelayMs: 60 * S, exponent: 2 }),
    ),
    useHints: true,
    httpStatus: true,
    ...over,
  });
const response = (status: string, ...headers: string[]): string =>
  [`HTTP/1.1 ${status}`, ...headers, '', 'body'].join('\r\n');

test('http status: a 429 with exit 0 is retried after its Retry-After; it stands for 22', async () => {
  const w = world([exit(0, response('429 Too Many Requests', 'Retry-After: 1')), exit(0, response('200 OK'))]);
  const r = await new RetryRun(httpPlan(), w.deps).run();
  assert.deepEqual([shown(r).success, shown(r).exitCode, shown(r).reason], [true, 0, 'exit code 0']);
  assert.deepEqual(w.sleeps, [S]);
  assert.deepEqual(w.lines, ['start 1/3', 'failed 1/3 (HTTP 429) retry in 1000', 'start 2/3']);
  assert.deepEqual(
    r.attempts.map((a) => [a.exitCode, a.success]),
    [
      [22, false],
      [0, true],
    ],
  );
});

test('http status: 5xx without a hint takes the fallback; retries run out with 22', async () => {
  const w = world([exit(0, response('503 x')), exit(0, response('502 y')), exit(0, response('500 z'))]);
  const r = await new RetryRun(httpPlan(), w.deps).run();
  assert.deepEqual(w.sleeps, [5 * S, 5 * S]);
  assert.deepEqual(
    [shown(r).success, shown(r).exitCode, shown(r).reason],
    [false, 22, 'max retries reached (HTTP 500)'],
  );
  const one = await new RetryRun(httpPlan({ attempts: 1 }), world([exit(0, response('503 x'))]).deps).run();
  assert.deepEqual([shown(one).exitCode, shown(one).reason], [22, 'HTTP 503']);
});

test('http status: another 4xx stops at once, with 22 or the command’s own code', async () => {
  const w = world([exit(0, response('404 Not Found')), exit(0, response('200 OK'))]);
  const r = await new RetryRun(httpPlan(), w.deps).run();
  assert.deepEqual(r.outcome, { kind: 'http-not-retryable', status: 404, exitCode: 22 });
  assert.deepEqual([shown(r).success, shown(r).exitCode, shown(r).reason], [false, 22, 'HTTP 404: not retryable']);
  assert.deepEqual(w.lines, ['start 1/3', 'failed 1/3 (HTTP 404: not retryable)']);
  assert.deepEqual([w.sleeps, r.attempts.length], [[], 1]);
  // wget -S exits 8 on an error status, and prints the headers on stderr.
  const wget: AttemptOutcome = {
    kind: 'exited',
    code: 8,
    durationMs: 1,
    output: out('', '  HTTP/1.1 403 Forbidden\n'),
  };
  const r2 = await new RetryRun(httpPlan(), world([wget]).deps).run();
  assert.deepEqual([shown(r2).exitCode, shown(r2).reason, r2.attempts.length], [8, 'HTTP 403: not retryable', 1]);
  // Even --retry-on 22 does not retry it: the status says asking again cannot help.
  const r3 = await new RetryRun(
    httpPlan({ retryOn: parseCodes('22') as CodeSet }),
    world([exit(0, response('401 x'))]).deps,
  ).run();
  assert.equal(shown(r3).reason, 'HTTP 401: not retryable');
});

test('http status: redirects and 100 Continue, the last final response and its own Retry-After count', async () => {
  const redirected = [
    response('302 Found', 'Location: /b', 'Retry-After: 9').replace(/body$/, ''),
    response('503 x', 'Retry-After: 2'),
  ].join('');
  const cont = ['HTTP/1.1 100 Continue', '', response('200 OK')].join('\r\n');
  const w = world([exit(0, redirected), exit(0, cont)]);
  const r = await new RetryRun(httpPlan(), w.deps).run();
  assert.deepEqual(w.sleeps, [2 * S]);
  assert.deepEqual([shown(r).success, r.attempts.length], [true, 2]);
  const w2 = world([exit(0, `${response('301 Moved', 'Location: /b').replace(/body$/, '')}${response('200 OK')}`)]);
  assert.equal(shown(await new RetryRun(httpPlan(), w2.deps).run()).success, true);
});

test('http status: the patterns still win; no status line or another strategy: the exit code', async () => {
  const failing = await new RetryRun(
    httpPlan({ patterns: { failure: /quota/ } }),
    world([exit(0, `${response('200 OK')} quota`)]).deps,
  ).run();
  assert.deepEqual([shown(failing).exitCode, shown(failing).reason], [1, 'failure pattern matched']);
  const ok = await new RetryRun(
    httpPlan({ patterns: { success: /queued/ } }),
    world([exit(0, `${response('503 x')} queued`)]).deps,
  ).run();
  assert.deepEqual([shown(ok).success, shown(ok).reason], [true, 'success pattern matched']);
  // curl could not connect: no status line, exit 7 is retried as before.
  const w = world([exit(7, 'curl: (7) Failed to connect'), exit(0)]);
  const r = await new RetryRun(httpPlan(), w.deps).run();
  assert.deepEqual([w.lines[1], shown(r).success], ['failed 1/3 (exit code 7) retry in 5000', true]);
  // Without httpStatus (every other strategy), a 404 printed by a command that exited 0 is a success.
  const other = await new RetryRun(plan(), world([exit(0, response('404 Not Found'))]).deps).run();
  assert.deepEqual([shown(other).success, other.attempts.length], [true, 1]);
  // --stop-on compares the code the attempt stands for: 22 for an HTTP failure.
  const stop = await new RetryRun(
    httpPlan({ stopOn: parseCodes('22') as CodeSet }),
    world([exit(0, response('503 x'))]).deps,
  ).run();
  assert.equal(shown(stop).reason, 'exit code 22 is in --stop-on');
});

test('adaptive learning: each retry reports the delay that preceded it', async () => {
  const seen: Array<[number, boolean]> = [];
  const base = buildFallback('fixed', { baseDelayMs: 300, multiplier: 2, maxDelayMs: S, exponent: 2 });
  const backoff = { delay: base.delay, record: (d: number, s: boolean) => seen.push([d, s]) };
  await new RetryRun(plan({ backoff }), world([exit(1), exit(1), exit(0)]).deps).run();
  assert.deepEqual(seen, [
    [300, false],
    [300, true],
  ]);
});

test('an interrupt forwards the signal, stops retrying, and exits 128 + N', async () => {
  const forwarded: string[] = [];
  let release!: (o: AttemptOutcome) => void;
  let started!: () => void;
  const attemptStarted = new Promise<void>((r) => (started = r));
  const w = world([]);
  const run = new RetryRun(plan(), {
    ...w.deps,
    run: () => {
      started();
      return { result: new Promise((r) => (release = r)), signal: (sig) => forwarded.push(sig) };
    },
  });
  const done = run.run();
  await attemptStarted;
  run.interrupt('SIGTERM', 15);
  run.interrupt('SIGTERM', 15); // a second signal escalates
  release(exit(0));
  const r = await done;
  assert.deepEqual(forwarded, ['SIGTERM', 'SIGKILL']);
  assert.deepEqual(r.outcome, { kind: 'interrupted', signal: 'SIGTERM', signalNumber: 15 });
  assert.deepEqual([shown(r).success, shown(r).exitCode, shown(r).reason], [false, 143, 'interrupted']);
  assert.deepEqual(
    r.attempts.map((a) => a.success),
    [false],
  );
});

test('an interrupt during a delay ends the run without another attempt', async () => {
  const w = world([exit(1), exit(0)]);
  let run!: RetryRun;
  const deps = { ...w.deps, sleep: async () => run.interrupt('SIGINT', 2) };
  run = new RetryRun(plan(), deps);
  const r = await run.run();
  assert.deepEqual([shown(r).exitCode, shown(r).reason, r.attempts.length], [130, 'interrupted', 1]);
});

test('a rate-limit gate makes the run wait, and says so', async () => {
  const claims: number[] = [];
  let free = 1_000_000 + 1500;
  const gate: Gate = {
    resource: 'api.example.com',
    async claim(now) {
      claims.push(now);
      if (claims.length === 1 || now >= free) {
        free = now + S;
        return { ok: true };
      }
      return { ok: false, waitUntil: free };
    },
  };
  const w = world([exit(1, '', 0), exit(0, '', 0)]);
  const r = await new RetryRun(
    plan({ gate, backoff: buildFallback('fixed', { baseDelayMs: 100, multiplier: 1, maxDelayMs: S, exponent: 1 }) }),
    w.deps,
  ).run();
  assert.equal(shown(r).success, true);
  assert.deepEqual(w.sleeps, [100, 900]);
  assert.ok(w.lines.includes('wait Rate limit for api.example.com: waiting 0.9s'), w.lines.join('\n'));
  // A wait beyond --max-time ends the run instead.
  const w2 = world([exit(1, '', 0)]);
  const blocked: Gate = {
    resource: 'x',
    claim: async (now) => (now === 1_000_000 ? { ok: true } : { ok: false, waitUntil: now + 60 * S }),
  };
  const r2 = await new RetryRun(plan({ gate: blocked, maxTimeMs: 10 * S }), w2.deps).run();
  assert.deepEqual([shown(r2).reason, shown(r2).exitCode], ['max time reached', 1]);
});
