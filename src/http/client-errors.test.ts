// Requests the HTTP parser refuses, on a real port: answered {error, code} like every error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { assertError, testApp } from './routes/test-app.ts';

/** Writes raw bytes to the app's port and resolves with everything it answers before closing. */
async function raw(port: number, bytes: string): Promise<string> {
  const sock = net.connect(port, '127.0.0.1');
  let out = '';
  sock.on('data', (d: Buffer) => (out += d.toString()));
  sock.on('error', () => undefined);
  sock.on('connect', () => sock.write(bytes));
  await new Promise((resolve) => sock.on('close', resolve));
  return out;
}

function parse(answer: string): { status: number; body: unknown } {
  const [head = '', body = ''] = answer.split('\r\n\r\n');
  return { status: Number(head.split(' ')[1]), body: JSON.parse(body) as unknown };
}

// Regression: fastify's default answer to these was {"error","message","statusCode"}, without a code.
test('a request head over 16 KiB is 431 headers_too_large; a malformed request line is 400 bad_request', async (t) => {
  const { app } = testApp(t, { store: 'memory' });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as net.AddressInfo;

  const big = parse(
    await raw(port, `GET /api/metrics/recent?command=${'x'.repeat(20_000)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`),
  );
  assert.equal(big.status, 431);
  assert.deepEqual(big.body, {
    error: 'the request line and headers exceed the server limit of 16 KiB; send a shorter query string',
    code: 'headers_too_large',
  });

  // HEAD gets the same head and no body.
  const head = await raw(port, `HEAD /api/health?x=${'x'.repeat(20_000)} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
  assert.match(head, /^HTTP\/1\.1 431 /);
  assert.ok(head.endsWith('\r\n\r\n'), head);

  const junk = parse(await raw(port, 'NOT HTTP AT ALL\r\n\r\n'));
  assert.equal(junk.status, 400);
  assert.deepEqual(junk.body, { error: 'malformed HTTP request', code: 'bad_request' });
});

// Regression: fastify's router answered these itself, with {error, code: "FST_ERR_…", message, statusCode}.
test('a path with an invalid percent-escape is 400 bad_request; an over-long path part 414 uri_too_long', async (t) => {
  const { app } = testApp(t, { store: 'memory' });
  for (const url of ['/assets/%', '/assets/%zz', '/assets/%FF', '/api/health%']) {
    assertError(await app.inject({ url }), 400, 'bad_request');
  }
  const long = await app.inject({ url: `/assets/${'x'.repeat(2000)}` });
  assertError(long, 414, 'uri_too_long');
  assert.deepEqual(long.json(), { error: 'a part of the path is too long', code: 'uri_too_long' });
});
