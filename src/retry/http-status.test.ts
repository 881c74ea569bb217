import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lastResponse, STATUS_SCAN_CHARS, windows } from './http-status.ts';

const status = (stdout: string, stderr = ''): number | undefined => lastResponse(stdout, stderr)?.status;

test('curl -i: the status line on stdout, CRLF, before the body', () => {
  const out = 'HTTP/1.1 429 Too Many Requests\r\nRetry-After: 1\r\nContent-Length: 4\r\n\r\nslow';
  assert.deepEqual(lastResponse(out, '  % Total    % Received\r\n'), {
    status: 429,
    head: 'HTTP/1.1 429 Too Many Requests\r\nRetry-After: 1\r\nContent-Length: 4\r',
  });
});

test('curl -v: "< " lines on stderr, between its own "*" and ">" lines', () => {
  const err = [
    '*   Trying 127.0.0.1:8081...',
    '> GET /x HTTP/1.1\r',
    '> Host: 127.0.0.1\r',
    '> \r',
    '< HTTP/1.1 404 Not Found\r',
    '< Content-Type: text/plain\r',
    '< \r',
    '{ [4 bytes data]',
    '* Connection #0 to host 127.0.0.1 left intact',
  ].join('\n');
  const r = lastResponse('nope', err);
  assert.equal(r?.status, 404);
  assert.equal(r?.head, '< HTTP/1.1 404 Not Found\r\n< Content-Type: text/plain\r');
});

test('wget -S: indented on stderr; its own unindented lines end the headers', () => {
  const err = [
    'HTTP request sent, awaiting response... ',
    '  HTTP/1.1 503 Service Unavailable',
    '  Retry-After: 3',
    'Location: /elsewhere [following]',
    '2030-01-01 00:00:00 ERROR 503: Service Unavailable.',
  ].join('\n');
  assert.deepEqual(lastResponse('', err), {
    status: 503,
    head: '  HTTP/1.1 503 Service Unavailable\n  Retry-After: 3',
  });
  // wget without -S says the status in its own words: not a status line.
  assert.equal(status('', 'HTTP request sent, awaiting response... 404 Not Found\n'), undefined);
});

test('httpie --print=h, and HTTP/2 and HTTP/3 without a reason phrase', () => {
  assert.equal(status('HTTP/1.1 200 OK\nContent-Type: application/json\n\n'), 200);
  assert.equal(status('HTTP/2 503 \r\ncontent-length: 0\r\n\r\n'), 503);
  assert.equal(status('HTTP/2 404\r\n\r\n'), 404);
  assert.equal(status('HTTP/3 200\n'), 200);
  assert.equal(status('HTTP/1.0 500 Internal Server Error\n'), 500);
});

test('redirects: the last response counts, with its own headers', () => {
  const out =
    'HTTP/1.1 302 Found\r\nLocation: /b\r\nRetry-After: 9\r\n\r\n' +
    'HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\n\r\nbody';
  const r = lastResponse(out, '');
  assert.equal(r?.status, 503);
  assert.match(r?.head ?? '', /^HTTP\/1\.1 503 .*\r\nRetry-After: 1\r$/);
  assert.doesNotMatch(r?.head ?? '', /Retry-After: 9/);
  assert.equal(status('HTTP/1.1 301 Moved\r\nLocation: /b\r\n\r\nHTTP/1.1 200 OK\r\n\r\nok'), 200);
  assert.equal(status('', '< HTTP/1.1 302 Found\r\n< \r\n< HTTP/1.1 429 Too Many\r\n< \r\n'), 429);
});

test('interim 1xx responses are skipped: the final response follows them', () => {
  assert.equal(status('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\n\r\n'), 201);
  assert.equal(status('HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\nHTTP/2 500\r\n\r\n'), 500);
  // Only an interim response (the output was cut short): no final status.
  assert.equal(status('HTTP/1.1 100 Continue\r\n\r\n'), undefined);
});

test('no status line: undefined', () => {
  assert.equal(lastResponse('', ''), undefined);
  assert.equal(lastResponse('{"ok":true}\n', 'curl: (7) Failed to connect to 127.0.0.1 port 1\n'), undefined);
});

test('a status line starts a line: text in the middle of a line, or a malformed one, does not count', () => {
  assert.equal(status('HTTP/1.1 200 OK\r\n\r\nthe server said HTTP/1.1 500 once\n'), 200);
  assert.equal(status('log: HTTP/1.1 500 Internal Server Error\n'), undefined);
  assert.equal(status('> HTTP/1.1 500\n'), undefined); // curl -v's request direction
  for (const bad of ['HTTP/1.1 5000', 'HTTP/1.1 50', 'HTTP/1.1 600 x', 'HTTP/11 500', 'HTTP/1.1  500', 'HTTPS/1.1 500'])
    assert.equal(status(`${bad}\n`), undefined, bad);
});

test('stderr before stdout: a curl -v body line that looks like a status line does not count', () => {
  assert.equal(status('HTTP/1.1 500 in a body\n', '< HTTP/1.1 200 OK\r\n< \r\n'), 200);
});

test('long output: the start and the end are scanned, in whole lines', () => {
  const filler = `${'x'.repeat(99)}\n`.repeat(3 * (STATUS_SCAN_CHARS / 100));
  // Headers at the start, then a long body (curl -i).
  assert.equal(status(`HTTP/1.1 503 Busy\r\n\r\n${filler}`), 503);
  // Headers at the end, after the command's own output (sh -c 'make; curl -si …').
  assert.equal(status(`HTTP/1.1 200 OK\r\n\r\n${filler}HTTP/1.1 429 Slow\r\n\r\n`), 429);
  // In the middle only: beyond both windows.
  assert.equal(status(`${filler}HTTP/1.1 500 x\n${filler}`), undefined);
  // A window's edge that cuts a line drops that line: its cut end or start could pass for a
  // status line ("HTTP/1.1 5030 x" cut to "HTTP/1.1 503"; "xHTTP/1.1 500 x" cut to "HTTP/1.1 500 x").
  const lines = (n: number): string => `${'y'.repeat(n - 1)}\n`;
  const headCut = `${lines(STATUS_SCAN_CHARS - 12)}HTTP/1.1 5030 x\n${filler}`;
  assert.equal(headCut.indexOf('HTTP/1.1 5030') + 'HTTP/1.1 503'.length, STATUS_SCAN_CHARS);
  assert.equal(status(headCut), undefined);
  const tailCut = `${filler}xHTTP/1.1 500 x\n${lines(STATUS_SCAN_CHARS - 15)}`;
  assert.equal(tailCut.length - tailCut.indexOf('HTTP/1.1 500 x'), STATUS_SCAN_CHARS);
  assert.equal(status(tailCut), undefined);
  // The same lines, whole: found.
  assert.equal(status(`${filler}\nHTTP/1.1 500 x\n${lines(STATUS_SCAN_CHARS - 15)}`), 500);
  for (const w of windows(`${filler}${filler}`)) assert.ok(w.length <= STATUS_SCAN_CHARS + 1);
});

test('hostile output stays fast (linear patterns, bounded scan)', () => {
  const inputs = [
    'HTTP/1.1 '.repeat((1024 * 1024) / 9),
    'HTTP/1.1 \n'.repeat((1024 * 1024) / 10),
    '< '.repeat(512 * 1024),
    `${' '.repeat(10 * 1024 * 1024)}HTTP/1.1 200`,
    'HTTP/1.1 200 OK\n'.repeat((10 * 1024 * 1024) / 16),
  ];
  for (const text of inputs) {
    const started = performance.now();
    lastResponse(text, text);
    const ms = performance.now() - started;
    // Typically a few ms; a backtracking or whole-output scan would take seconds.
    assert.ok(ms < 1000, `${ms} ms for ${JSON.stringify(text.slice(0, 20))}…`);
  }
});
