import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goToLongFlags, parseFlags } from './flags.ts';

function values(argv: string[]): Record<string, string> {
  const r = parseFlags(argv);
  assert.ok(r.ok, r.ok ? '' : r.message);
  return Object.fromEntries(r.values);
}

function failure(argv: string[]): string {
  const r = parseFlags(argv);
  assert.ok(!r.ok, `expected ${JSON.stringify(argv)} to fail`);
  return r.message;
}

test('the normaliser turns -long into --long and leaves the rest', () => {
  assert.deepEqual(goToLongFlags(['-port', '80', '--socket', 's', '-', '--', '-x']), [
    '--port',
    '80',
    '--socket',
    's',
    '-',
    '--',
    '-x',
  ]);
});

test('each Go flag syntax form sets a value flag', () => {
  for (const argv of [['-port', '8081'], ['-port=8081'], ['--port', '8081'], ['--port=8081']]) {
    assert.deepEqual(values(argv), { port: '8081' }, argv.join(' '));
  }
});

test('booleans: bare, =true, =false, and they never take the next word', () => {
  assert.deepEqual(values(['-enable-http']), { 'enable-http': 'true' });
  assert.deepEqual(values(['-enable-http=false']), { 'enable-http': 'false' });
  assert.deepEqual(values(['--enable-http=true']), { 'enable-http': 'true' });
  assert.deepEqual(values(['-enable-profiling', '-port', '1']), { 'enable-profiling': 'true', port: '1' });
  const msg = failure(['-enable-http', 'false']);
  assert.match(msg, /unexpected argument "false"/);
  assert.match(msg, /-enable-http=false/);
});

test('the last occurrence wins', () => {
  assert.deepEqual(values(['-port', '1', '--port=2']), { port: '2' });
  assert.deepEqual(values(['-enable-http=false', '-enable-http']), { 'enable-http': 'true' });
});

test('a value flag takes the next word as written, even with a dash', () => {
  assert.deepEqual(values(['-log-file', '-odd', '-port', '-1']), { 'log-file': '-odd', port: '-1' });
  assert.deepEqual(values(['-socket=']), { socket: '' });
  assert.deepEqual(values(['-socket=a=b']), { socket: 'a=b' });
});

test('a value flag followed by another of our flags reports its own value as missing', () => {
  assert.match(
    failure(['-max-age', '-socket', 'X']),
    /^flag needs an argument: -max-age \(the next argument, "-socket", is a flag/,
  );
  assert.match(
    failure(['-log-file', '--enable-http=false']),
    /^flag needs an argument: -log-file \(the next argument, "--enable-http=false", is a flag/,
  );
  assert.match(failure(['-socket', '-h']), /^flag needs an argument: -socket/);
});

test('help and command flags', () => {
  assert.deepEqual(values(['-h']), { h: 'true' });
  assert.deepEqual(values(['--help']), { help: 'true' });
  assert.deepEqual(values(['-status', '-config', '/x.json']), { status: 'true', config: '/x.json' });
});

test('unknown flag, missing value and positional arguments are errors with a hint', () => {
  assert.equal(failure(['-prot', '80']), "flag provided but not defined: -prot (run 'patienced -h' for usage)");
  assert.equal(failure(['--bogus=1']), "flag provided but not defined: --bogus (run 'patienced -h' for usage)");
  assert.equal(failure(['-port']), "flag needs an argument: -port (run 'patienced -h' for usage)");
  assert.equal(failure(['-port=80', '--socket']), "flag needs an argument: --socket (run 'patienced -h' for usage)");
  assert.match(
    failure(['run']),
    /^unexpected argument "run": patienced takes only flags \(run 'patienced -h' for usage\)$/,
  );
  assert.match(failure(['--', '-port']), /unexpected argument "-port"/);
  assert.match(failure(['-']), /unexpected argument "-"/);
  assert.match(failure(['---port', '1']), /not defined: ---port/);
  assert.deepEqual(values(['-port', '1', '--']), { port: '1' });
});
