import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../errors.ts';
import { parseRunsArgs, parseStatsArgs, type RunsOptions, type StatsOptions } from './flags.ts';

const NOW = Date.parse('2026-11-30T12:00:00Z');
const sink = {
  text: '',
  write(s: string) {
    this.text += s;
  },
};

function runs(...argv: string[]): RunsOptions {
  const p = parseRunsArgs(argv, NOW, sink);
  assert.equal(p.kind, 'query');
  return (p as { options: RunsOptions }).options;
}
function stats(...argv: string[]): StatsOptions {
  const p = parseStatsArgs(argv, NOW, sink);
  assert.equal(p.kind, 'query');
  return (p as { options: StatsOptions }).options;
}

test('runs: defaults', () => {
  assert.deepEqual(runs(), {
    daemonUrl: undefined,
    configPath: undefined,
    command: undefined,
    status: undefined,
    sinceMs: undefined,
    untilMs: undefined,
    labels: [],
    limit: 20,
    format: 'table',
    follow: false,
  });
});

test('runs: every flag', () => {
  const o = runs(
    '--command',
    'make deploy',
    '--status',
    'failed',
    '--since',
    '1h30m',
    '--until=2026-11-30T11:59:00Z',
    '--label',
    'team=ops',
    '--label',
    'url=a=b',
    '--limit',
    '1000',
    '--ndjson',
    '--daemon-url',
    'http://x:1',
    '--config',
    'p.toml',
  );
  assert.equal(o.command, 'make deploy');
  assert.equal(o.status, 'failed');
  assert.equal(o.sinceMs, NOW - 90 * 60_000);
  assert.equal(o.untilMs, NOW - 60_000);
  assert.deepEqual(o.labels, [
    ['team', 'ops'],
    ['url', 'a=b'],
  ]);
  assert.equal(o.limit, 1000);
  assert.equal(o.format, 'ndjson');
  assert.equal(o.daemonUrl, 'http://x:1');
  assert.equal(o.configPath, 'p.toml');
  assert.equal(runs('-f', '--json').follow, true);
  assert.equal(runs('--command', '').command, undefined, 'an empty filter is none, as in the API');
});

test('runs and stats: mistakes are usage errors with a hint, before any request', () => {
  const cases: Array<[string[], RegExp]> = [
    [['--limit', '0'], /^invalid value for --limit: must be from 1 to 1000, got 0$/],
    [['--limit', '1001'], /must be from 1 to 1000/],
    [['--limit', 'ten'], /must be a whole number, got "ten"/],
    [['--status', 'ok'], /^invalid value for --status: must be succeeded or failed, got "ok"$/],
    [['--since', '5x'], /^invalid value for --since: "5x" is not a duration/],
    [['--since', '1h', '--until', '2h'], /--since: it is after --until/],
    [['--label', 'team'], /^invalid value for --label: must be KEY=VALUE/],
    [['--json', '--ndjson'], /cannot be used together/],
    [['--follow', '--until', '1h'], /--until cannot be used with --follow/],
    [['--folow'], /^unknown option '--folow' \(Did you mean --follow\?\)$/],
    [['extra'], /too many arguments/],
    [['--limit'], /argument missing/],
  ];
  for (const [argv, want] of cases) {
    assert.throws(
      () => parseRunsArgs(argv, NOW, sink),
      (e: unknown) =>
        e instanceof UsageError &&
        want.test(e.message) &&
        e.hint === "Usage: patience runs [options]\nSee 'patience runs --help'.",
      argv.join(' '),
    );
  }
  assert.throws(() => parseStatsArgs(['--limit', '101'], NOW, sink), /must be from 1 to 100, got 101/);
  assert.throws(() => parseStatsArgs(['--status', 'failed'], NOW, sink), /unknown option '--status'/);
});

test('stats: the last 24 h by default; --since, --until, --command, --limit, --json', () => {
  const d = stats();
  assert.equal(d.sinceMs, NOW - 86_400_000);
  assert.equal(d.untilMs, NOW);
  assert.equal(d.lastWindow, '24h');
  assert.equal(d.limit, 10);
  assert.equal(d.json, false);
  const o = stats(
    '--since',
    '2026-11-01T00:00:00Z',
    '--until',
    '2026-11-08T00:00:00Z',
    '--command',
    'make',
    '--limit',
    '3',
    '--json',
  );
  assert.equal(o.sinceMs, Date.parse('2026-11-01T00:00:00Z'));
  assert.equal(o.untilMs, Date.parse('2026-11-08T00:00:00Z'));
  assert.equal(o.lastWindow, undefined);
  assert.equal(o.command, 'make');
  assert.equal(o.limit, 3);
  assert.equal(o.json, true);
  assert.equal(stats('--since', '1h', '--until', '30m').lastWindow, undefined);
});

test('--help prints the help and asks to exit 0', () => {
  sink.text = '';
  assert.deepEqual(parseRunsArgs(['--help'], NOW, sink), { kind: 'done', code: 0 });
  assert.match(sink.text, /^Usage: patience runs \[options\]/);
  assert.match(sink.text, /PATIENCE_DAEMON_URL/);
  sink.text = '';
  assert.deepEqual(parseStatsArgs(['-h'], NOW, sink), { kind: 'done', code: 0 });
  assert.match(sink.text, /^Usage: patience stats \[options\]/);
});
