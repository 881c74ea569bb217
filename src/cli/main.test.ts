// main() wired with fake side effects: no processes, no sockets, no real time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AttemptRequest } from '../retry/loop.ts';
import type { AttemptOutcome } from '../retry/attempt-outcome.ts';
import type { WireRunRecord } from '../shared/run-record.ts';
import { main, type CliMainDeps, type SignalHandler } from './main.ts';

function fakes(t: { after(fn: () => void): void }, outcomes: AttemptOutcome[]) {
  const dir = mkdtempSync(join(tmpdir(), 'patience-main-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  let now = 1_795_700_000_000;
  const seen = {
    stdout: '',
    stderr: '',
    sleeps: [] as number[],
    requests: [] as AttemptRequest[],
    sent: [] as Array<{ record: WireRunRecord; socketPath: string }>,
  };
  let signal: SignalHandler | undefined;
  const deps: Partial<CliMainDeps> = {
    env: {
      XDG_STATE_HOME: join(dir, 'state'),
      XDG_CONFIG_HOME: join(dir, 'config'),
      RETRY_SOCKET_PATH: join(dir, 'd.sock'),
    },
    cwd: dir,
    stdout: { write: (s: string) => (seen.stdout += s) },
    stderr: { write: (s: string) => (seen.stderr += s) },
    now: () => now,
    random: () => 0.5,
    sleep: async (ms) => {
      seen.sleeps.push(ms);
      now += ms;
    },
    run(req) {
      seen.requests.push(req);
      const o = outcomes.shift() ?? { kind: 'exited', code: 0, durationMs: 5, output: { stdout: '', stderr: '' } };
      now += o.durationMs;
      return { result: Promise.resolve(o), signal: () => {} };
    },
    onSignal(handler) {
      signal = handler;
      return () => (signal = undefined);
    },
    hostname: () => 'test-host',
    homedir: () => dir,
    send: async (record, o) => {
      seen.sent.push({ record, socketPath: o.socketPath });
    },
  };
  return { deps, seen, signalled: () => signal };
}

const exited = (code: number, stdout = ''): AttemptOutcome => ({
  kind: 'exited',
  code,
  durationMs: 250,
  output: { stdout, stderr: '' },
});

test('a run: attempts, delays, summary on stderr, record sent, exit code', async (t) => {
  const f = fakes(t, [exited(3), exited(3), exited(0)]);
  const code = await main(
    ['exp', '-b', '2s', '--label', 'team=ops', '--', 'curl', 'https://user:pw@api.example.com'],
    f.deps,
  );
  assert.equal(code, 0);
  assert.deepEqual(f.seen.sleeps, [2000, 4000]);
  assert.deepEqual(f.seen.requests[0]?.command, ['curl', 'https://user:pw@api.example.com']);
  assert.equal(f.seen.stdout, '');
  assert.match(
    f.seen.stderr,
    /Attempt 2\/3 failed \(exit code 3\)\. Retrying in 4s\.\n\[retry\] Attempt 3\/3 starting\.\.\.\n✅ \[retry\] Command succeeded after 3 attempts\.\n\nRun Statistics:/,
  );
  assert.match(f.seen.stderr, /Total Duration: 6\.75s/);
  const sent = f.seen.sent[0];
  assert.ok(sent);
  assert.match(sent.socketPath, /d\.sock$/);
  assert.equal(sent.record.command, 'curl https://***@api.example.com');
  assert.deepEqual(
    [sent.record.final_status, sent.record.total_duration_seconds, sent.record.host, sent.record.labels],
    ['succeeded', 6.75, 'test-host', { team: 'ops' }],
  );
  assert.equal(f.signalled(), undefined, 'signal handlers are removed after the run');
});

test('quiet, no report, and usage errors', async (t) => {
  const f = fakes(t, [exited(9)]);
  assert.equal(await main(['fix', '-q', '--no-report', '-a', '1', '--', 'x'], f.deps), 9);
  assert.equal(f.seen.stderr, '');
  assert.equal(f.seen.sent.length, 0);
  assert.equal(await main(['fix', '-a', 'x', '--', 'x'], f.deps), 2);
  assert.equal(f.seen.stderr, 'patience: invalid value for --attempts: must be a whole number, got "x"\n');
  assert.equal(f.seen.requests.length, 1);
});

test('adaptive learns during the run and remembers for the next one', async (t) => {
  const f = fakes(t, [exited(1), exited(0), exited(1), exited(0), exited(1), exited(0)]);
  for (let i = 0; i < 3; i++) assert.equal(await main(['adapt', '-f', 'fixed', '-b', '3s', '--', 'job'], f.deps), 0);
  assert.deepEqual(f.seen.sleeps, [3000, 3000, 3000]);
  f.seen.stdout = '';
  await main(['adapt', '-f', 'fixed', '-b', '3s', '--dry-run', '--', 'job'], f.deps);
  // Three successes after 3 s: the [2s,5s) bucket (midpoint 3.5 s) blends in with α = 0.1.
  assert.match(f.seen.stdout, /Learned so far for this command: 3 outcomes/);
  assert.match(f.seen.stdout, /attempt 2: after 3\.05s/);
});

test('diophantine --daemon: main wires the daemon gate (socket from --daemon-socket, else RETRY_SOCKET_PATH) before every attempt', async (t) => {
  const f = fakes(t, [exited(1), exited(0)]);
  const asked: Array<{ line: string; socketPath: string; timeoutMs: number }> = [];
  f.deps.exchange = async (line, o) => {
    asked.push({ line, socketPath: o.socketPath, timeoutMs: o.timeoutMs });
    return { kind: 'answer', line: '{"status":"ok","granted":true}' };
  };
  const code = await main(
    [
      'dioph',
      '--daemon',
      '--daemon-timeout',
      '80ms',
      '-o',
      '0,1s',
      '-r',
      '2',
      '-w',
      '10s',
      '--',
      'curl',
      '-H',
      'Host: inner',
      'https://api.example.com/x',
    ],
    f.deps,
  );
  assert.equal(code, 0);
  assert.equal(asked.length, 2);
  assert.deepEqual(JSON.parse(asked[0]?.line ?? ''), {
    type: 'acquire',
    resource_id: 'api.example.com',
    rate_limit: 2,
    window_seconds: 10,
  });
  assert.deepEqual([asked[0]?.socketPath, asked[0]?.timeoutMs], [f.deps.env?.RETRY_SOCKET_PATH, 80]);
  assert.doesNotMatch(f.seen.stderr, /warning/);

  const g = fakes(t, []);
  const paths: string[] = [];
  g.deps.exchange = async (_line, o) => (
    paths.push(o.socketPath),
    { kind: 'unreachable', code: 'ENOENT', message: 'no such file' }
  );
  let started = '';
  g.deps.autoStartDaemon = async (path) => ((started = path), 'nope');
  assert.equal(
    await main(['dio', '--daemon', '--daemon-socket', '/run/other.sock', '--daemon-auto-start', '--', 'true'], g.deps),
    0,
  );
  assert.deepEqual([paths, started], [['/run/other.sock'], '/run/other.sock']);
  assert.equal(
    g.seen.stderr.match(
      /patience: warning: .*starting one failed: nope; using the local rate-limit ledger for this run\n/g,
    )?.length,
    1,
  );

  const dry = fakes(t, []);
  await main(['dio', '--daemon', '--dry-run', '--daemon-socket', '/run/p.sock', '--', 'true'], dry.deps);
  assert.match(
    dry.seen.stdout,
    /checked against patienced at \/run\/p\.sock \(else the local ledger\) before every attempt/,
  );
});
