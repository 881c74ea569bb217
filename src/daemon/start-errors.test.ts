import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeStartError } from './start-errors.ts';
import { loopbackFor } from './status-query.ts';

const cfg = { httpHost: '127.0.0.1', httpPort: 8080, socketPath: '/tmp/d.sock' };
const err = (fields: Record<string, unknown>): Error => Object.assign(new Error(String(fields.message ?? 'x')), fields);

test('listen errors name the setting and the fix', () => {
  assert.match(
    describeStartError(err({ code: 'EADDRINUSE', syscall: 'listen', address: '127.0.0.1', port: 8080 }), cfg),
    /^HTTP address 127\.0\.0\.1:8080 is already in use.*-port/,
  );
  assert.match(
    describeStartError(err({ code: 'EADDRINUSE', syscall: 'listen', address: '::1', port: 81 }), cfg),
    /\[::1\]:81/,
  );
  assert.match(
    describeStartError(err({ code: 'EACCES', syscall: 'listen', address: '127.0.0.1', port: 80 }), cfg),
    /permission denied .*127\.0\.0\.1:80; ports below 1024/,
  );
  assert.match(
    describeStartError(err({ code: 'EADDRNOTAVAIL', syscall: 'listen', address: '10.9.9.9' }), {
      ...cfg,
      httpHost: '10.9.9.9',
    }),
    /10\.9\.9\.9:8080: 10\.9\.9\.9 is not an address of this host; check http_host/,
  );
  assert.match(
    describeStartError(err({ code: 'EACCES', syscall: 'listen', address: '/tmp/d.sock', port: -1 }), cfg),
    /cannot create the socket \/tmp\/d\.sock: EACCES/,
  );
  assert.equal(describeStartError(err({ message: 'disk full' }), cfg), 'disk full');
  assert.equal(
    describeStartError(
      err({
        code: 'ENOTFOUND',
        syscall: 'getaddrinfo',
        hostname: 'nosuch.invalid',
        message: 'getaddrinfo ENOTFOUND nosuch.invalid',
      }),
      { ...cfg, httpHost: 'nosuch.invalid' },
    ),
    'cannot listen on HTTP host "nosuch.invalid": it does not resolve to an address (ENOTFOUND); set http_host (-host) to an address of this host such as 127.0.0.1 or ::1, or to a name that resolves to one',
  );
});

test('-status reaches a wildcard HTTP address on loopback', () => {
  assert.equal(loopbackFor('0.0.0.0'), '127.0.0.1');
  assert.equal(loopbackFor('::'), '[::1]');
  assert.equal(loopbackFor('::1'), '[::1]');
  assert.equal(loopbackFor('127.0.0.1'), '127.0.0.1');
});
