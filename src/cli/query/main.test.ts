// queryMain's exit codes and messages, and the dispatch from patience's main().
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { main as cliMain } from '../main.ts';
import { queryMain } from './main.ts';
import { RequestFailed } from './http-get.ts';
import { apiRun, fakeDeps, fakeTransport, json, recent } from './test-support.ts';

const RECENT = '/api/metrics/recent';

test('exit 0 with the answer; 2 for a usage error or a refused filter; 3 for no daemon', async () => {
  const ok = fakeDeps(fakeTransport({ [RECENT]: json(200, recent([apiRun(1)])) }).transport);
  assert.equal(await queryMain(['runs'], ok.deps), 0);

  const usage = fakeDeps(fakeTransport({}).transport);
  assert.equal(await queryMain(['runs', '--status', 'nope'], usage.deps), 2);
  assert.equal(
    usage.out.stderr,
    'patience: invalid value for --status: must be succeeded or failed, got "nope"\nUsage: patience runs [options]\nSee \'patience runs --help\'.\n',
  );

  const refused = fakeDeps(
    fakeTransport({
      [RECENT]: json(400, { error: 'command: at most 4096 characters', code: 'bad_parameter', field: 'command' }),
    }).transport,
  );
  assert.equal(await queryMain(['runs'], refused.deps), 2);
  assert.equal(refused.out.stderr, 'patience: the daemon refused the query: command: at most 4096 characters\n');

  const down = fakeDeps(fakeTransport({ [RECENT]: new RequestFailed('connection refused') }).transport);
  assert.equal(await queryMain(['runs'], down.deps), 3);
  assert.equal(
    down.out.stderr,
    'patience: cannot reach the daemon at http://127.0.0.1:9999: connection refused (is patienced running? set --daemon-url or PATIENCE_DAEMON_URL)\n',
  );
  assert.equal(down.out.stdout, '');

  const badUrl = fakeDeps(fakeTransport({}).transport, { env: { PATIENCE_DAEMON_URL: 'localhost:8080' } });
  assert.equal(await queryMain(['stats'], badUrl.deps), 2);
  assert.match(badUrl.out.stderr, /^patience: invalid value for PATIENCE_DAEMON_URL: must be an http/);
});

test('the daemon URL comes from the flag, then the env var, then the config file', async () => {
  const config = '/nowhere/.patience.toml';
  const files = { exists: (p: string) => p === config, read: () => 'daemon_url = "http://file.example:7000"\n' };
  const ask = async (args: string[], env: Record<string, string>): Promise<string | undefined> => {
    const f = fakeTransport({ [RECENT]: json(200, recent([])) });
    const { deps } = fakeDeps(f.transport, { env, ...files });
    assert.equal(await queryMain(['runs', ...args], deps), 0);
    return f.asked[0]?.host;
  };
  const env = { PATIENCE_DAEMON_URL: 'http://env.example:7001' };
  assert.equal(await ask(['--daemon-url', 'http://flag.example:7002'], env), 'flag.example:7002');
  assert.equal(await ask([], env), 'env.example:7001');
  assert.equal(await ask([], {}), 'file.example:7000');
});

test("patience's main() hands runs and stats over before any strategy parsing", async () => {
  let stdout = '';
  const code = await cliMain(['runs', '--help'], { stdout: { write: (s: string) => (stdout += s) } });
  assert.equal(code, 0);
  assert.match(stdout, /^Usage: patience runs/);
  let stderr = '';
  const bad = await cliMain(['stats', '--bogus'], { stderr: { write: (s: string) => (stderr += s) } });
  assert.equal(bad, 2);
  assert.match(stderr, /^patience: unknown option '--bogus'\nUsage: patience stats/);
});
