import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileEntries } from '../config.ts';
import { UsageError } from '../errors.ts';
import { daemonUrlProblem, shownUrl, withoutCredentials } from './daemon-url-check.ts';
import { findDaemonUrl, type DaemonUrlSources } from './daemon-url.ts';

const CONFIG = '/home/me/.config/patience/config.toml';

function sources(over: Partial<DaemonUrlSources>, files: Record<string, string> = {}): DaemonUrlSources {
  return {
    flag: undefined,
    configPath: undefined,
    env: { HOME: '/home/me', XDG_CONFIG_HOME: '/home/me/.config' },
    cwd: '/work',
    exists: (p) => p in files,
    read: (p) => {
      const text = files[p];
      if (text === undefined) throw Object.assign(new Error('missing'), { code: 'ENOENT' });
      return text;
    },
    ...over,
  };
}

test('--daemon-url beats PATIENCE_DAEMON_URL beats daemon_url in the config file beats the default', () => {
  const files = { [CONFIG]: 'attempts = 5\ndaemon_url = "http://file.example:7000"\n' };
  const env = { HOME: '/home/me', XDG_CONFIG_HOME: '/home/me/.config', PATIENCE_DAEMON_URL: 'http://env.example:7001' };
  assert.equal(
    findDaemonUrl(sources({ flag: 'http://flag.example:7002', env }, files)).shown,
    'http://flag.example:7002',
  );
  assert.equal(findDaemonUrl(sources({ env }, files)).shown, 'http://env.example:7001');
  assert.equal(findDaemonUrl(sources({}, files)).shown, 'http://file.example:7000');
  assert.equal(findDaemonUrl(sources({})).shown, 'http://127.0.0.1:8080');
  // An empty variable counts as unset.
  assert.equal(
    findDaemonUrl(sources({ env: { ...env, PATIENCE_DAEMON_URL: '' } }, files)).shown,
    'http://file.example:7000',
  );
});

test('--config names the file; ./.patience.toml comes before the user config', () => {
  const files = {
    '/work/.patience.toml': 'daemon_url = "http://project.example"\n',
    [CONFIG]: 'daemon_url = "http://user.example"\n',
    '/etc/p.toml': 'daemon_url = "https://explicit.example/patience/"\n',
  };
  assert.equal(findDaemonUrl(sources({}, files)).shown, 'http://project.example');
  assert.equal(findDaemonUrl(sources({ configPath: '/etc/p.toml' }, files)).shown, 'https://explicit.example/patience');
});

test('the file is not read when a flag or the env var decides', () => {
  const files = { [CONFIG]: 'daemon_url = [' };
  assert.equal(findDaemonUrl(sources({ flag: 'http://a.example' }, files)).shown, 'http://a.example');
  assert.throws(() => findDaemonUrl(sources({}, files)), /invalid TOML/);
});

test('a bad URL is a usage error naming where it came from', () => {
  assert.throws(
    () => findDaemonUrl(sources({ flag: 'localhost:8080' })),
    (e: unknown) => e instanceof UsageError && /^invalid value for --daemon-url: must be an http/.test(e.message),
  );
  const env = { PATIENCE_DAEMON_URL: 'ftp://x' };
  assert.throws(
    () => findDaemonUrl(sources({ env })),
    /^UsageError: invalid value for PATIENCE_DAEMON_URL: must be an http/,
  );
  const files = { [CONFIG]: 'attempts = 2\n\ndaemon_url = "htp://x"\n' };
  assert.throws(
    () => findDaemonUrl(sources({}, files)),
    new RegExp(`^UsageError: invalid value for daemon_url in ${CONFIG} line 3: must be an http`),
  );
});

test('daemonUrlProblem: http(s), a host, no query or fragment; credentials never echoed', () => {
  assert.equal(daemonUrlProblem('http://127.0.0.1:8080'), undefined);
  assert.equal(daemonUrlProblem('https://metrics.example/patience/'), undefined);
  assert.match(daemonUrlProblem('http://x/?a=1') ?? '', /no query or fragment/);
  assert.match(daemonUrlProblem(8080) ?? '', /must be a URL/);
  assert.match(daemonUrlProblem('file:///tmp/sock') ?? '', /http:\/\/ or https:\/\//);
  const problem = daemonUrlProblem('ftp://admin:hunter2@x') ?? '';
  assert.doesNotMatch(problem, /hunter2/);
  assert.equal(withoutCredentials('http://u:p@h:1/x'), 'http://***@h:1/x');
  assert.equal(shownUrl(new URL('http://u:secret@h:1/base/')), 'http://h:1/base');
});

test('the strategies accept daemon_url at the top level, check it, and take nothing from it', () => {
  const ok = fileEntries('/p.toml', 'daemon_url = "http://127.0.0.1:9000"\nattempts = 4\n', 'fixed');
  assert.deepEqual(
    ok.active.map((e) => e.key),
    ['attempts'],
  );
  assert.throws(
    () => fileEntries('/p.toml', 'attempts = 4\ndaemon_url = "nope"\n', 'fixed'),
    /^UsageError: invalid value for daemon_url in \/p.toml line 2: must be an http/,
  );
  assert.throws(
    () => fileEntries('/p.toml', '[fixed]\ndaemon_url = "http://x"\n', 'fixed'),
    /unknown key 'fixed.daemon_url'/,
  );
});
