// The whole path: a real `patience` run against real child processes, reported to a real
// `patienced`, then read back from the HTTP API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CLI_BIN, getJson, spawnTestDaemon } from '../helpers/daemon.ts';

interface Recent {
  metrics: Array<{ timestamp: string; metrics: Record<string, unknown> }>;
}

test('a patience run shows up in /api/metrics/recent with its attempts, durations and strategy', async () => {
  const d = await spawnTestDaemon();
  const counter = path.join(d.dir, 'count');
  // Fails twice, then succeeds: a real flaky command.
  const script = `n=$(cat ${counter} 2>/dev/null || echo 0); n=$((n+1)); echo $n > ${counter}; [ $n -ge 3 ]`;
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: d.dir,
    XDG_STATE_HOME: d.dir,
    XDG_CONFIG_HOME: d.dir,
    RETRY_SOCKET_PATH: d.socketPath,
  };
  const t0 = Date.now();
  const run = spawnSync(
    process.execPath,
    [
      CLI_BIN,
      'exponential',
      '-a',
      '5',
      '-b',
      '10ms',
      '--label',
      'team=infra',
      '--',
      'sh',
      '-c',
      script,
      'Authorization: Bearer abc123',
    ],
    { env, cwd: d.dir, encoding: 'utf8', timeout: 30_000 },
  );
  const t1 = Date.now();
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stderr, /Command succeeded after 3 attempts/);

  const { body } = await getJson(`${d.url}/api/metrics/recent?limit=1`);
  const m = (body as Recent).metrics[0]?.metrics;
  // The run's end to the millisecond (timestamp_ms), not cut to the whole second the
  // record's timestamp carries for the Go original's daemon.
  const endMs = Date.parse(String((body as Recent).metrics[0]?.timestamp));
  assert.ok(endMs >= t0 && endMs <= t1, `${endMs} within the run, ${t0}..${t1}`);
  assert.ok(m, 'the run was reported');
  assert.equal(m.strategy, 'exponential');
  assert.equal(m.final_status, 'succeeded');
  assert.equal(m.total_attempts, 3);
  assert.equal(m.successful_attempts, 1);
  assert.equal(m.failed_attempts, 2);
  assert.equal(m.exit_code, 0);
  assert.deepEqual(m.labels, { team: 'infra' });
  assert.equal('duration_limit' in m, false, 'no --timeout, no duration_limit');
  const attempts = m.attempts as Array<{ duration_seconds: number; exit_code: number; success: boolean }>;
  assert.deepEqual(
    attempts.map((a) => [a.exit_code, a.success]),
    [
      [1, false],
      [1, false],
      [0, true],
    ],
  );
  for (const a of attempts) assert.ok(a.duration_seconds > 0 && a.duration_seconds < 10);
  // The two delays (10 ms, 20 ms) are part of the run's total.
  const sum = attempts.reduce((s, a) => s + a.duration_seconds, 0);
  assert.ok((m.total_duration_seconds as number) >= sum, `${String(m.total_duration_seconds)} >= ${sum}`);
  assert.ok(String(m.command).startsWith('sh -c '));
  assert.ok(!String(m.command).includes('abc123'), 'the credential never reaches the daemon');

  const stats = (await getJson(`${d.url}/api/metrics/stats`)).body as { total_runs: number; rescued_runs: number };
  assert.equal(stats.total_runs, 1);
  assert.equal(stats.rescued_runs, 1);
  assert.equal(await d.stop(), 0, d.logs());
  fs.rmSync(d.dir, { recursive: true, force: true });
});

test('a failing run is reported as failed with its exit code and reason', async () => {
  const d = await spawnTestDaemon();
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: d.dir,
    XDG_STATE_HOME: d.dir,
    XDG_CONFIG_HOME: d.dir,
    RETRY_SOCKET_PATH: d.socketPath,
  };
  const run = spawnSync(
    process.execPath,
    [CLI_BIN, 'fixed', '-a', '2', '-d', '10ms', '-t', '90s', '--', 'sh', '-c', 'exit 7'],
    {
      env,
      encoding: 'utf8',
      timeout: 30_000,
    },
  );
  assert.equal(run.status, 7);
  const m = ((await getJson(`${d.url}/api/metrics/recent?limit=1`)).body as Recent).metrics[0]?.metrics;
  assert.ok(m);
  assert.equal(m.final_status, 'failed');
  assert.equal(m.strategy, 'fixed');
  assert.equal(m.exit_code, 7);
  assert.match(String(m.reason), /max retries reached \(exit code 7\)/);
  assert.equal(m.duration_limit, 90, '--timeout 90s');
  const csv = (await (await fetch(`${d.url}/api/metrics/export?format=csv`)).text()).split('\r\n');
  assert.match(csv[0] ?? '', /,labels,duration_limit$/);
  assert.match(csv[1] ?? '', /,90$/);
  assert.equal(await d.stop(), 0, d.logs());
  fs.rmSync(d.dir, { recursive: true, force: true });
});
