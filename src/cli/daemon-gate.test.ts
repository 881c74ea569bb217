import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RetryRun, type AttemptRequest, type Gate, type RunningAttempt } from '../retry/loop.ts';
import type { AttemptOutcome } from '../retry/attempt-outcome.ts';
import { buildFallback } from '../retry/strategies/index.ts';
import { acquireLine, createDaemonGate, MIN_WAIT_MS, readAnswer, type DaemonGateOptions } from './daemon-gate.ts';
import { rateLimitedText } from './output.ts';

const S = 1000;
const T0 = Date.UTC(2026, 10, 30, 5, 0, 0);

interface FakeDaemon {
  server: Server;
  lines: string[];
  connections: number;
}

/** A tiny patienced: answer(line, n) gives the reply to the n-th acquire (undefined: never answer). */
async function daemon(
  t: { after(fn: () => unknown): void },
  answer: (line: string, n: number) => string | undefined,
): Promise<{ path: string; d: FakeDaemon }> {
  const dir = mkdtempSync(join(tmpdir(), 'patience-gate-'));
  const path = join(dir, 'd.sock');
  const sockets = new Set<Socket>();
  const d: FakeDaemon = { server: createServer(), lines: [], connections: 0 };
  d.server.on('connection', (s) => {
    d.connections++;
    sockets.add(s);
    s.on('error', () => {});
    let buf = '';
    s.on('data', (chunk) => {
      buf += chunk.toString();
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      d.lines.push(buf.slice(0, nl));
      const reply = answer(buf.slice(0, nl), d.lines.length);
      if (reply !== undefined) s.write(`${reply}\n`);
    });
  });
  await new Promise<void>((resolve) => d.server.listen(path, resolve));
  t.after(() => {
    for (const s of sockets) s.destroy();
    d.server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { path, d };
}

/** The local ledger stand-in: counts its claims, always admits. */
function ledger(): Gate & { claims: number[] } {
  const claims: number[] = [];
  return { resource: 'api.example.com', claims, claim: async (now) => (claims.push(now), { ok: true }) };
}

function gate(path: string, over: Partial<DaemonGateOptions> = {}) {
  const warnings: string[] = [];
  const fallback = ledger();
  let now = T0;
  const g = createDaemonGate({
    resource: 'api.example.com',
    rateLimit: 2,
    windowMs: 3 * S,
    socketPath: path,
    // Long enough that a loaded machine never turns a prompt answer into a time-out; the
    // tests of the time limit set their own.
    timeoutMs: 10_000,
    fallback,
    warn: (m) => warnings.push(m),
    now: () => now,
    ...over,
  });
  return { g, warnings, fallback, setNow: (ms: number) => (now = ms) };
}

const GRANT = '{"status":"ok","granted":true}';
const refuseUntil = (ms: number): string =>
  JSON.stringify({ status: 'ok', granted: false, wait_until: new Date(ms).toISOString() });

test('the acquire message: type, resource, limit and the window in whole seconds (rounded up)', () => {
  assert.deepEqual(JSON.parse(acquireLine('api.example.com', 2, 3 * S)), {
    type: 'acquire',
    resource_id: 'api.example.com',
    rate_limit: 2,
    window_seconds: 3,
  });
  assert.equal((JSON.parse(acquireLine('r', 1, 700)) as { window_seconds: number }).window_seconds, 1);
  assert.equal((JSON.parse(acquireLine('r', 1, 2500)) as { window_seconds: number }).window_seconds, 3);
});

test('a grant admits the attempt; every claim asks the daemon again', async (t) => {
  const { path, d } = await daemon(t, () => GRANT);
  const { g, warnings, fallback } = gate(path);
  assert.deepEqual(await g.claim(T0), { ok: true });
  assert.deepEqual(await g.claim(T0 + 10), { ok: true });
  assert.equal(d.lines.length, 2);
  assert.deepEqual(JSON.parse(d.lines[0] as string), {
    type: 'acquire',
    resource_id: 'api.example.com',
    rate_limit: 2,
    window_seconds: 3,
  });
  assert.deepEqual([warnings, fallback.claims], [[], []]);
});

/** A world for the loop: a hand clock moved by sleeps, attempts that take no time. */
function world(outcomes: AttemptOutcome[]) {
  let now = T0;
  const lines: string[] = [];
  const sleeps: number[] = [];
  let n = 0;
  const deps = {
    now: () => now,
    random: () => 0.5,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    run(_req: AttemptRequest): RunningAttempt {
      const o = outcomes[n++] ?? { kind: 'exited', code: 0, durationMs: 0, output: { stdout: '', stderr: '' } };
      return { result: Promise.resolve(o), signal: () => {} };
    },
    status: {
      attemptStart: (i: number) => lines.push(`start ${i}`),
      attemptFailed: (i: number) => lines.push(`failed ${i}`),
      rateLimited: (resource: string, ms: number) => lines.push(`wait ${rateLimitedText(resource, ms)}`),
      cannotRun: (program: string) => lines.push(`cannot run ${program}`),
    },
  };
  return { deps, lines, sleeps, now: () => now };
}
const failed = (code: number): AttemptOutcome => ({
  kind: 'exited',
  code,
  durationMs: 0,
  output: { stdout: '', stderr: '' },
});
const loopPlan = (g: Gate, over: { attempts?: number; maxTimeMs?: number } = {}) => ({
  command: ['cmd'],
  attempts: over.attempts ?? 2,
  timeoutMs: 0,
  maxTimeMs: over.maxTimeMs ?? 0,
  patterns: {},
  backoff: buildFallback('fixed', { baseDelayMs: 0, multiplier: 1, maxDelayMs: S, exponent: 1 }),
  useHints: false,
  gate: g,
});

test('refused, then granted: one waiting line, a sleep until wait_until, and the attempt starts', async (t) => {
  const w = world([failed(0)]);
  const { path, d } = await daemon(t, (_l, n) => (n === 1 ? refuseUntil(w.now() + 1250) : GRANT));
  const { g, warnings } = gate(path, { now: w.now });
  const r = await new RetryRun(loopPlan(g), w.deps).run();
  assert.deepEqual(r.outcome, { kind: 'succeeded', by: 'exit-code-zero' });
  assert.deepEqual(w.sleeps, [1250]);
  assert.deepEqual(w.lines, ['wait Rate limit for api.example.com: waiting 1.25s', 'start 1']);
  assert.equal(d.lines.length, 2);
  assert.deepEqual(warnings, []);
});

test('before every attempt, not only the first, a slot is acquired', async (t) => {
  const w = world([failed(1), failed(1), failed(0)]);
  const { path, d } = await daemon(t, () => GRANT);
  const { g } = gate(path, { now: w.now });
  const r = await new RetryRun(loopPlan(g, { attempts: 3 }), w.deps).run();
  assert.equal(r.attempts.length, 3);
  assert.equal(d.lines.length, 3);
});

test('a wait past --max-time ends the run as max-time does, with the last attempt’s exit code', async (t) => {
  const w = world([failed(7)]);
  const { path } = await daemon(t, (_l, n) => (n === 1 ? GRANT : refuseUntil(w.now() + 2 * S)));
  const { g } = gate(path, { now: w.now });
  const r = await new RetryRun(loopPlan(g, { maxTimeMs: 1500 }), w.deps).run();
  assert.deepEqual(
    [r.outcome, r.attempts.length, w.sleeps],
    [{ kind: 'max-time', cause: 'budget', exitCode: 7 }, 1, [0]],
  );
});

test('wait_until is clamped: a past time waits a little, a far one no longer than one window', async (t) => {
  let reply = refuseUntil(T0 - 5 * S);
  const { path } = await daemon(t, () => reply);
  const { g } = gate(path);
  assert.deepEqual(await g.claim(T0), { ok: false, waitUntil: T0 + MIN_WAIT_MS });
  reply = refuseUntil(T0 + 3600 * S);
  assert.deepEqual(await g.claim(T0), { ok: false, waitUntil: T0 + 3 * S });
});

test('an error answer warns once and the local ledger decides for the rest of the run', async (t) => {
  const { path, d } = await daemon(
    t,
    () => '{"status":"error","error":"type: coordination request \\"acquire\\" is not supported by this daemon"}',
  );
  const { g, warnings, fallback } = gate(path);
  for (let i = 0; i < 3; i++) assert.deepEqual(await g.claim(T0 + i), { ok: true });
  assert.equal(d.connections, 1, 'the daemon is asked once');
  assert.deepEqual(fallback.claims, [T0, T0 + 1, T0 + 2]);
  assert.equal(warnings.length, 1);
  assert.match(
    warnings[0] as string,
    /^patienced at \S+d\.sock refused the rate-limit request: "type: coordination request \\"acquire\\" is not supported by this daemon"; using the local rate-limit ledger for this run$/,
  );
});

test('error replies go by their code: unsupported_type is a daemon without rate-limit support', async (t) => {
  const replies: Array<[string, string]> = [
    [
      '{"status":"error","code":"unsupported_type","error":"type: coordination request \\"acquire\\" is not supported by this daemon"}',
      'does not support rate-limit requests',
    ],
    [
      '{"status":"error","code":"invalid_acquire","error":"window_seconds: at most 604800"}',
      'refused the rate-limit request (invalid_acquire): "window_seconds: at most 604800"',
    ],
    [
      '{"status":"error","code":"coordination_full","error":"resource_id: the daemon already tracks 10000 resources"}',
      'refused the rate-limit request (coordination_full): "resource_id: the daemon already tracks 10000 resources"',
    ],
    // A code that is not a reason's shape is no code: never matched, never shown.
    [
      '{"status":"error","code":"unsupported_type\\u001b[31m","error":"nope"}',
      'refused the rate-limit request: "nope"',
    ],
    ['{"status":"error","code":7,"error":"nope"}', 'refused the rate-limit request: "nope"'],
  ];
  for (const [reply, said] of replies) {
    const { path, d } = await daemon(t, () => reply);
    const { g, warnings, fallback } = gate(path);
    for (let i = 0; i < 2; i++) assert.deepEqual(await g.claim(T0 + i), { ok: true });
    assert.equal(d.connections, 1, 'the daemon is asked once');
    assert.equal(fallback.claims.length, 2);
    assert.deepEqual(warnings, [`patienced at ${path} ${said}; using the local rate-limit ledger for this run`], reply);
  }
});

test('a hung daemon costs one time limit, once, then the ledger', async (t) => {
  const { path, d } = await daemon(t, () => undefined);
  const { g, warnings, fallback } = gate(path, { timeoutMs: 150 });
  const started = Date.now();
  await g.claim(T0);
  const first = Date.now() - started;
  assert.ok(first >= 140, `gave up after ${first} ms, before the time limit`);
  const again = Date.now();
  await g.claim(T0 + 1);
  await g.claim(T0 + 2);
  assert.ok(Date.now() - again < 100, 'later claims never wait for the daemon');
  assert.equal(d.connections, 1);
  assert.equal(fallback.claims.length, 3);
  assert.deepEqual(warnings, [
    `patienced at ${path} did not answer within 0.15s; using the local rate-limit ledger for this run`,
  ]);
});

test('no daemon (no socket file, or nobody listening): one warning, then the ledger', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'patience-gate-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const { g, warnings, fallback } = gate(join(dir, 'absent.sock'));
  assert.deepEqual(await g.claim(T0), { ok: true });
  await g.claim(T0 + 1);
  assert.equal(fallback.claims.length, 2);
  assert.equal(warnings.length, 1);
  assert.match(
    warnings[0] as string,
    /^no patienced answers at \S+absent\.sock \(ENOENT\); using the local rate-limit ledger for this run$/,
  );
});

test('answers that are not the protocol count as a broken daemon, named and quoted', () => {
  const cases: Array<[string, RegExp]> = [
    ['not json \u001b[31m', /not JSON: "not json \\u001b\[31m"/],
    ['[1]', /not an object/],
    ['{"granted":true}', /without "status":"ok"/],
    ['{"status":"ok"}', /neither a grant nor a refusal/],
    ['{"status":"ok","granted":false}', /neither a grant nor a refusal/],
    ['{"status":"ok","granted":false,"wait_until":"tomorrow"}', /wait_until that is not an RFC 3339 time: "tomorrow"/],
    [`{"status":"error","error":"${'x'.repeat(500)}"}`, /refused the rate-limit request: "x{200}…"$/],
  ];
  for (const [line, re] of cases) {
    const a = readAnswer(line);
    assert.equal(a.kind, 'broken', line);
    assert.match((a as { problem: string }).problem, re, line);
  }
  assert.deepEqual(readAnswer(GRANT), { kind: 'granted' });
  assert.deepEqual(readAnswer(refuseUntil(T0 + 1250)), { kind: 'refused', waitUntil: T0 + 1250 });
});

test('--daemon-auto-start: nothing listens, the daemon is started, the exchange is tried once more', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'patience-gate-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'd.sock');
  let started: FakeDaemon | undefined;
  const autoStartDaemon = async (): Promise<undefined> => {
    started = (await daemon(t, () => GRANT)).d;
    await new Promise<void>((resolve) => started?.server.close(() => resolve()));
    await new Promise<void>((resolve) => started?.server.listen(path, resolve));
    return undefined;
  };
  const { g, warnings, fallback } = gate(path, { autoStartDaemon });
  assert.deepEqual(await g.claim(T0), { ok: true });
  assert.equal(started?.lines.length, 1);
  assert.deepEqual([warnings, fallback.claims], [[], []]);
});

test('--daemon-auto-start that fails: one warning with the reason, then the ledger; never started twice', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'patience-gate-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  let starts = 0;
  const { g, warnings, fallback } = gate(join(dir, 'd.sock'), {
    autoStartDaemon: async () => (starts++, 'patienced is not installed beside patience (looked for /x/patienced.cjs)'),
  });
  await g.claim(T0);
  await g.claim(T0 + 1);
  assert.equal(starts, 1);
  assert.equal(fallback.claims.length, 2);
  assert.match(
    warnings.join('\n'),
    /^no patienced answers at \S+, and starting one failed: patienced is not installed beside patience \(looked for \/x\/patienced\.cjs\); using the local rate-limit ledger for this run$/,
  );
});

test('--daemon-auto-start does not start a second daemon when one is there but hung', async (t) => {
  const { path } = await daemon(t, () => undefined);
  let starts = 0;
  const { g, warnings } = gate(path, { timeoutMs: 50, autoStartDaemon: async () => (starts++, undefined) });
  await g.claim(T0);
  assert.equal(starts, 0);
  assert.match(warnings[0] as string, /did not answer within 0.05s/);
});
