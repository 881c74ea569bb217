// docs/security.md, "Redaction gaps": credentials sent in any free-text field of a run record
// (command, reason, host, strategy, label keys and values) never reach a read endpoint,
// an operator's redact_patterns are applied, and an unsafe pattern stops start-up (exit 2).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DAEMON_BIN, getJson, spawnTestDaemon, tempDir, type TestDaemon } from '../helpers/daemon.ts';
import { runRecord, send } from '../helpers/socket.ts';
import { openSse, type SseStream } from '../web/sse.ts';

// [text as a user would write it, the parts that must never be served]. The secrets are
// plain alphanumerics so that no JSON or CSV escaping can hide one from the check.
const CASES: Array<[string, string[]]> = [
  ['mysql -u root -pMysqlAttached1 app', ['MysqlAttached1']],
  ['mysql -u root -p MysqlSpaced2', ['MysqlSpaced2']],
  ['sshpass -p SshpassPw3 ssh -p 2222 host', ['SshpassPw3']],
  ['docker login -u me -p DockerPw4 registry.io', ['DockerPw4']],
  ['curl --oauth2-bearer BearerTok5 https://h', ['BearerTok5']],
  ['redis-cli -a RedisPw6 ping', ['RedisPw6']],
  ['curl https://h/x?key=QueryKey7&page=2', ['QueryKey7']],
  [
    'curl "https://b.s3.amazonaws.com/k?X-Amz-Credential=AKIAIOSFODNN7EXAMPL8/2024&X-Amz-Signature=AmzSig8"',
    ['AmzSig8', 'IOSFODNN7EXAMPL8'],
  ],
  [`curl -d '{"user":"a","password":"JsonPw9"}' https://h`, ['JsonPw9']],
  ['gpg --batch --passphrase Passphrase10 -d f.gpg', ['Passphrase10']],
  ['curl -X POST https://hooks.slack.com/services/T0001/B0002/SlackHook11xyz', ['SlackHook11xyz', 'T0001/B0002']],
  ['git push https://x/ghp_GithubTok12abcdefghijklmnopqrstu/r', ['GithubTok12abcdefghij']],
  ['notify xoxb-1234-5678-SlackTok13abc', ['SlackTok13abc']],
  [
    'curl -H "X-Id: eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJKd3RTdWIxNCJ9.JwtSig14abcdefghij" https://h',
    ['eyJzdWIiOiJKd3RTdWIxNCJ9', 'JwtSig14abcdefghij'],
  ],
  ['aws configure set aws_secret_access_key AwsSecret15K7MDENG', ['AwsSecret15K7MDENG']],
  ['curl -u alice:CurlPw16 https://h', ['CurlPw16']],
];
const EXTRA_SECRETS = ['LabelPw-', 'LabelKeyTok17abcdefghij', 'StrategyTok18'];
const ALL_SECRETS = [...CASES.flatMap(([, s]) => s), ...EXTRA_SECRETS];
const READABLE = ['ssh -p 2222 host', 'docker run -p 8080:80 nginx', 'tar -C dir -xf a.tar', 'psql -p 5432 app'];

async function text(url: string): Promise<string> {
  const res = await fetch(url);
  assert.equal(res.status, 200, url);
  return res.text();
}

/** Every read endpoint's body, by name. */
async function served(d: TestDaemon): Promise<Array<[string, string]>> {
  const urls: Array<[string, string]> = [
    ['recent', '/api/metrics/recent?limit=1000'],
    ['export json', '/api/metrics/export?format=json'],
    ['export ndjson', '/api/metrics/export?format=ndjson'],
    ['export csv', '/api/metrics/export?format=csv'],
    ['stats', '/api/metrics/stats'],
    ['commands', '/api/metrics/commands?limit=100'],
    ['prometheus', '/metrics'],
  ];
  return Promise.all(urls.map(async ([name, url]): Promise<[string, string]> => [name, await text(`${d.url}${url}`)]));
}

function assertNoSecret(bodies: Array<[string, string]>, secrets: string[]): void {
  for (const [name, body] of bodies) {
    for (const secret of secrets) assert.ok(!body.includes(secret), `${name} serves ${JSON.stringify(secret)}`);
  }
}

describe('credentials in any field are redacted before any endpoint serves them', () => {
  let d: TestDaemon;
  let events: SseStream;
  const sent: Array<Record<string, unknown>> = [];
  // Sent here, not in a test, so that each test below can run without the other.
  let replies: Array<Record<string, unknown>> = [];
  before(async () => {
    d = await spawnTestDaemon();
    events = await openSse(`${d.url}/api/events`);
    for (const [i, [t]] of CASES.entries()) {
      sent.push(runRecord({ command: t, reason: t, host: t, labels: { note: t, db_password: `LabelPw-${i}` } }));
    }
    sent.push(
      runRecord({
        command: 'deploy app',
        strategy: 'x --token StrategyTok18',
        labels: { ghp_LabelKeyTok17abcdefghijklmnop: 'v' },
      }),
    );
    for (const t of READABLE) sent.push(runRecord({ command: t, reason: t, host: 'web-1' }));
    replies = await send(d.socketPath, sent);
  });
  after(async () => {
    events.close();
    await d.stop();
    fs.rmSync(d.dir, { recursive: true, force: true });
  });

  test('every record is acked, and no read endpoint or live event holds a secret', async () => {
    assert.deepEqual(
      replies,
      sent.map(() => ({ status: 'ok' })),
    );
    assertNoSecret(await served(d), ALL_SECRETS);
    const live: Array<[string, string]> = [];
    for (let i = 0; i < sent.length; i++) live.push(['/api/events', (await events.next(10_000)).data]);
    assertNoSecret(live, ALL_SECRETS);
  });

  test('the names the secrets were given stay readable, and ordinary flags are untouched', async () => {
    const recent = (await getJson(`${d.url}/api/metrics/recent?limit=1000`)).body as {
      metrics: Array<{
        metrics: {
          command: string;
          reason?: string;
          host?: string;
          labels?: Record<string, string>;
          strategy?: string;
        };
      }>;
    };
    const byCommand = new Map(recent.metrics.map((m) => [m.metrics.command, m.metrics]));
    const mysql = byCommand.get('mysql -u root -p*** app');
    assert.ok(mysql, `stored commands: ${[...byCommand.keys()].join(' | ')}`);
    assert.equal(mysql.reason, 'mysql -u root -p*** app');
    assert.equal(mysql.host, 'mysql -u root -p*** app');
    assert.equal(mysql.labels?.['note'], 'mysql -u root -p*** app');
    assert.equal(mysql.labels?.['db_password'], '***');
    assert.ok(byCommand.has('curl https://h/x?key=***&page=2'));
    assert.ok(byCommand.has('sshpass -p *** ssh -p 2222 host'));
    assert.equal(byCommand.get('deploy app')?.strategy, 'x --token ***');
    assert.deepEqual(byCommand.get('deploy app')?.labels, { 'ghp_***': 'v' });
    for (const t of READABLE) assert.equal(byCommand.get(t)?.reason, t);
  });
});

test('redact_patterns from daemon.json are applied to every field', async () => {
  const dir = tempDir();
  fs.writeFileSync(
    path.join(dir, 'daemon.json'),
    JSON.stringify({ redact_patterns: ['corp-[A-Za-z0-9]{8}', '--db-pass (\\S+)'] }),
  );
  const d = await spawnTestDaemon({ dir });
  try {
    const t = 'deploy corp-CustomAa --db-pass CustomPw2';
    assert.deepEqual(
      await send(d.socketPath, [
        runRecord({ command: t, reason: t, host: 'corp-CustomBb', labels: { corp: 'corp-CustomCc' } }),
      ]),
      [{ status: 'ok' }],
    );
    const recent = (await getJson(`${d.url}/api/metrics/recent?limit=1`)).body as {
      metrics: Array<{ metrics: Record<string, unknown> }>;
    };
    const m = recent.metrics[0]?.metrics;
    assert.equal(m?.['command'], 'deploy *** --db-pass ***');
    assert.equal(m?.['reason'], 'deploy *** --db-pass ***');
    assert.equal(m?.['host'], '***');
    assert.deepEqual(m?.['labels'], { corp: '***' });
    assertNoSecret(await served(d), ['CustomAa', 'CustomPw2', 'CustomBb', 'CustomCc']);
  } finally {
    await d.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('an unsafe redact_patterns entry stops start-up with exit 2, naming the key, the index and the pattern', async () => {
  const dir = tempDir();
  try {
    const config = path.join(dir, 'daemon.json');
    fs.writeFileSync(config, JSON.stringify({ redact_patterns: ['corp-[0-9]{4}', '(a+)+$'] }));
    const socket = path.join(dir, 'd.sock');
    const child = spawn(
      process.execPath,
      [DAEMON_BIN, '-config', config, '-socket', socket, '-pid-file', path.join(dir, 'd.pid'), '-port', '0'],
      {
        env: { PATH: process.env.PATH ?? '', HOME: dir },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    clearTimeout(timer);
    assert.equal(code, 2, out);
    assert.match(out, /redact_patterns\[1\] "\(a\+\)\+\$" repeats a group that holds a quantifier/);
    assert.ok(!fs.existsSync(socket), 'no socket is created');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
