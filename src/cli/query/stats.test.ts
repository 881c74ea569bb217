// `patience stats` through queryMain, with a fake daemon.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { queryMain } from './main.ts';
import { commandsResult, fakeDeps, fakeTransport, json, statsResult } from './test-support.ts';
import { displayWidth } from './terminal-text.ts';

const STATS = '/api/metrics/stats';
const COMMANDS = '/api/metrics/commands';
const BUSY = commandsResult([
  { command: 'make deploy', count: 3, rate: 1, p90: 3.5 },
  { command: `curl -fsS https://api.example.com/${'x'.repeat(100)}`, count: 1, rate: 0, p90: 1.25 },
]);

test('the summary and the busiest commands, fitted to the width', async () => {
  for (const width of [80, 200, 40]) {
    const f = fakeTransport({ [STATS]: json(200, statsResult()), [COMMANDS]: json(200, BUSY) });
    const { deps, out } = fakeDeps(f.transport, { env: { PATIENCE_DAEMON_URL: 'http://x', COLUMNS: String(width) } });
    assert.equal(await queryMain(['stats'], deps), 0);
    const lines = out.stdout.trimEnd().split('\n');
    for (const l of lines) assert.ok(displayWidth(l) <= width, `${width}: ${l}`);
    if (width < 80) continue;
    assert.match(lines[0] ?? '', /^Runs in the last 24h \(/);
    assert.equal(lines[1], '  runs          4');
    assert.equal(lines[2], '  success rate  75% (3 succeeded, 1 failed)');
    assert.equal(lines[3], '  attempts      6 (1.5 a run)');
    assert.equal(lines[4], '  rescued runs  2 (succeeded after a failed attempt)');
    assert.equal(lines[5], '  duration      p50 1.25s  p90 3.49s  p99 3.5s');
    assert.equal(lines[7], 'Busiest commands');
    assert.match(lines[8] ?? '', /^COMMAND +RUNS +SUCCESS +P90$/);
    assert.match(lines[9] ?? '', /^make deploy +3 +100% +3\.5s$/);
    assert.match(lines[10] ?? '', width === 80 ? /^curl -fsS \S+… +1 +0% +1\.25s$/ : /x{100} +1 +0% +1\.25s$/);
  }
});

test('the range and --limit go to both routes; --json prints /stats as data', async () => {
  const f = fakeTransport({ [STATS]: json(200, statsResult()), [COMMANDS]: json(200, BUSY) });
  const { deps, out } = fakeDeps(f.transport);
  assert.equal(await queryMain(['stats', '--since', '2h', '--limit', '3'], deps), 0);
  const [stats, commands] = [f.asked.find((u) => u.pathname === STATS), f.asked.find((u) => u.pathname === COMMANDS)];
  assert.equal(stats?.searchParams.get('start'), '2026-11-30T10:00:00.000Z');
  assert.equal(stats?.searchParams.get('end'), '2026-11-30T12:00:00.000Z');
  assert.equal(commands?.searchParams.get('start'), '2026-11-30T10:00:00.000Z');
  assert.equal(commands?.searchParams.get('limit'), '3');
  assert.equal(stats?.searchParams.has('command'), false);
  assert.match(out.stdout, /^Runs in the last 2h/);
  const j = fakeDeps(f.transport);
  assert.equal(await queryMain(['stats', '--json'], j.deps), 0);
  assert.deepEqual(JSON.parse(j.out.stdout), statsResult());
});

test('--command goes to both routes as command=; a daemon that ignored it is not believed', async () => {
  const only = commandsResult([{ command: 'make deploy', count: 3, rate: 1, p90: 3.5 }]);
  const f = fakeTransport({ [STATS]: json(200, statsResult()), [COMMANDS]: json(200, only) });
  const { deps, out } = fakeDeps(f.transport);
  assert.equal(await queryMain(['stats', '--command', 'make'], deps), 0);
  for (const u of f.asked) assert.equal(u.searchParams.get('command'), 'make', u.pathname);
  assert.match(out.stdout, /^Runs of commands containing "make" in the last 24h/);

  const old = fakeTransport({ [STATS]: json(200, statsResult()), [COMMANDS]: json(200, BUSY) });
  const o = fakeDeps(old.transport);
  assert.equal(await queryMain(['stats', '--command', 'make'], o.deps), 3);
  assert.match(
    o.out.stderr,
    /^patience: the daemon at http:\/\/127\.0\.0\.1:9999 ignored the command filter of GET \/api\/metrics\/commands/,
  );
  assert.equal(o.out.stdout, '');
});

test('a range without runs says so', async () => {
  const empty = statsResult({ total_runs: 0, successful_runs: 0, failed_runs: 0, success_rate: 0, top_commands: [] });
  const f = fakeTransport({ [STATS]: json(200, empty), [COMMANDS]: json(200, commandsResult([])) });
  const { deps, out } = fakeDeps(f.transport);
  assert.equal(await queryMain(['stats'], deps), 0);
  assert.match(out.stdout, /\n {2}no runs\n$/);
});
