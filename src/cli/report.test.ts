import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { EventEmitter } from 'node:events';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commandHash } from '../shared/command-hash.ts';
import { commandHash as fromRunRecord } from '../shared/run-record.ts';
import type { RunResult } from '../retry/loop.ts';
import { buildRecord, clip, sendRecord } from './report.ts';
import { validateRunRecord } from '../shared/run-record.ts';
import { MAX_COMMAND_LENGTH, MAX_DURATION_SECONDS } from '../shared/record-limits.ts';

const result: RunResult = {
  outcome: { kind: 'succeeded', by: 'exit-code-zero' },
  durationMs: 3520.4,
  attempts: [
    { durationMs: 1010, exitCode: 7, success: false },
    { durationMs: 210, exitCode: 0, success: true },
  ],
};

test('the record has the protocol fields and the extensions, with the command redacted', () => {
  const r = buildRecord({
    commandLine: "curl -H 'Authorization: Bearer xyz' https://user:pw@host",
    strategy: 'exponential',
    result,
    endMs: 1_795_700_000_900,
    host: 'box',
    labels: { team: 'ops', note: 'token=abc' },
  });
  assert.equal(r.command, "curl -H 'Authorization: ***' https://***@host");
  assert.equal(r.command_hash, commandHash(r.command));
  assert.deepEqual(
    { ...r, command: undefined, command_hash: undefined },
    {
      command: undefined,
      command_hash: undefined,
      final_status: 'succeeded',
      total_duration_seconds: 3.52,
      total_attempts: 2,
      successful_attempts: 1,
      failed_attempts: 1,
      attempts: [
        { duration_seconds: 1.01, exit_code: 7, success: false },
        { duration_seconds: 0.21, exit_code: 0, success: true },
      ],
      timestamp: 1_795_700_000,
      timestamp_ms: 1_795_700_000_900,
      strategy: 'exponential',
      exit_code: 0,
      reason: 'exit code 0',
      host: 'box',
      labels: { team: 'ops', note: 'token=***' },
    },
  );
  assert.equal(fromRunRecord, commandHash, 'run-record.ts re-exports the same commandHash');
});

test('duration_limit is --timeout in seconds when it is set, and absent without one', () => {
  const input = { commandLine: 'make', strategy: 'fixed', result, endMs: Date.now(), host: 'h', labels: {} };
  assert.equal(buildRecord({ ...input, timeoutMs: 90_000 }).duration_limit, 90);
  assert.equal(buildRecord({ ...input, timeoutMs: 1500 }).duration_limit, 1.5);
  assert.equal(buildRecord({ ...input, timeoutMs: 400 * 86_400_000 }).duration_limit, MAX_DURATION_SECONDS);
  assert.equal('duration_limit' in buildRecord({ ...input, timeoutMs: 0 }), false);
  assert.equal('duration_limit' in buildRecord(input), false);
  const v = validateRunRecord(JSON.parse(JSON.stringify(buildRecord({ ...input, timeoutMs: 250 }))), Date.now());
  assert.ok(v.ok, v.ok ? '' : v.error);
  assert.equal(v.record.duration_limit, 0.25);
});

test('a record beyond the daemon limits is clipped so that the daemon accepts it, not refused', () => {
  const r = buildRecord({
    commandLine: `echo ${'y'.repeat(20_000)}`,
    strategy: 'fixed',
    result: {
      ...result,
      outcome: { kind: 'spawn-failed', program: 'r'.repeat(5000), problem: 'not found', exitCode: 127 },
      durationMs: 400 * 86_400_000,
    },
    endMs: Date.now(),
    host: 'h'.repeat(300),
    labels: {},
  });
  assert.equal(r.command.length, MAX_COMMAND_LENGTH);
  assert.ok(r.command.endsWith('…'));
  assert.equal(r.command_hash, commandHash(r.command));
  assert.equal(r.reason?.length, 1024);
  assert.equal(r.host?.length, 255);
  assert.equal(r.total_duration_seconds, MAX_DURATION_SECONDS);
  const v = validateRunRecord(JSON.parse(JSON.stringify(r)), Date.now());
  assert.ok(v.ok, v.ok ? '' : v.error);
  // Never half a surrogate pair.
  assert.equal(clip(`${'a'.repeat(8190)}😀😀`, 8192), `${'a'.repeat(8190)}…`);
});

function sandbox(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'patience-report-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'd.sock');
}

async function serve(path: string, onLine: (line: string, socket: Socket) => void): Promise<Server> {
  const server = createServer((socket) => {
    let buf = '';
    socket.on('data', (d) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) onLine(buf.slice(0, nl), socket);
    });
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return server;
}

/** A daemon that notes each line and answers ok. */
const answerOk =
  (lines: string[]) =>
  (line: string, socket: Socket): void => {
    lines.push(line);
    socket.write('{"status":"ok"}\n');
  };

const record = buildRecord({
  commandLine: 'true',
  strategy: 'fixed',
  result,
  endMs: Date.now(),
  host: 'h',
  labels: {},
});

test('sends one JSON line and reads the answer', async (t) => {
  const path = sandbox(t);
  const lines: string[] = [];
  const server = await serve(path, answerOk(lines));
  t.after(() => server.close());
  const debug: string[] = [];
  await sendRecord(record, { socketPath: path, debug: (m) => debug.push(m) });
  assert.deepEqual(JSON.parse(lines[0] as string), record);
  assert.deepEqual(debug, ['run reported to the daemon']);
});

test('a daemon error answer, a hung daemon and no daemon all end quietly within the budget', async (t) => {
  const path = sandbox(t);
  const refusing = await serve(path, (_l, s) => s.write('{"status":"error","error":"attempts: required"}\n'));
  const debug: string[] = [];
  await sendRecord(record, { socketPath: path, debug: (m) => debug.push(m) });
  assert.deepEqual(debug, ['daemon refused the run: attempts: required']);
  await new Promise((r) => refusing.close(r));

  const hungPath = `${path}.hung`;
  const hung = await serve(hungPath, () => {});
  t.after(() => hung.close());
  let started = Date.now();
  await sendRecord(record, { socketPath: hungPath, budgetMs: 150, debug: (m) => debug.push(m) });
  const took = Date.now() - started;
  assert.ok(took >= 140 && took < 1000, `hung daemon took ${took} ms`);
  assert.match(debug.at(-1) as string, /did not answer within 150 ms/);

  started = Date.now();
  await sendRecord(record, { socketPath: `${path}.absent`, debug: (m) => debug.push(m) });
  assert.ok(Date.now() - started < 1000);
  assert.match(debug.at(-1) as string, /cannot reach the daemon .*ENOENT/);
});

test('no socket file is ENOENT at once; a file that is no socket, or a path through one, is left to connect', async (t) => {
  const path = sandbox(t);
  const debug: string[] = [];
  await sendRecord(record, { socketPath: path, debug: (m) => debug.push(m) });
  assert.match(debug.at(-1) as string, new RegExp(`cannot reach the daemon at ${path}: connect ENOENT ${path}$`));
  writeFileSync(path, 'not a socket');
  await sendRecord(record, { socketPath: path, debug: (m) => debug.push(m) });
  assert.match(debug.at(-1) as string, /cannot reach the daemon .*ECONNREFUSED/);
  await sendRecord(record, { socketPath: join(path, 'below-a-file.sock'), debug: (m) => debug.push(m) });
  assert.match(debug.at(-1) as string, /cannot reach the daemon .*ENOTDIR/);
});

test("an error answer with a code names the daemon's reason; one without stays as it was", async (t) => {
  const path = sandbox(t);
  const replies = [
    '{"status":"error","code":"invalid_record","error":"attempts: required"}\n',
    '{"status":"error","code":"storage_error","error":"storage_error: disk I/O error"}\n',
    '{"status":"error","error":"attempts: required"}\n',
    '{"status":"error","code":"Not A Code","error":"attempts: required"}\n',
  ];
  let n = 0;
  const server = await serve(path, (_l, s) => s.write(replies[n++] as string));
  t.after(() => server.close());
  const debug: string[] = [];
  for (let i = 0; i < replies.length; i++) await sendRecord(record, { socketPath: path, debug: (m) => debug.push(m) });
  assert.deepEqual(debug, [
    'daemon refused the run (invalid_record): attempts: required',
    'daemon refused the run (storage_error): storage_error: disk I/O error',
    'daemon refused the run: attempts: required',
    'daemon refused the run: attempts: required',
  ]);
});

test('a full listen backlog (EAGAIN) is retried within the budget', async (t) => {
  const path = sandbox(t);
  const lines: string[] = [];
  const server = await serve(path, answerOk(lines));
  t.after(() => server.close());
  let calls = 0;
  const connect = (p: string): Socket => {
    calls++;
    if (calls <= 2) {
      // What a Unix-socket connect does when the daemon's backlog is full.
      const fake = new (class extends EventEmitter {})() as unknown as Socket;
      Object.assign(fake, { setEncoding: () => fake, destroy: () => fake, write: () => true });
      setImmediate(() => fake.emit('error', Object.assign(new Error('connect EAGAIN'), { code: 'EAGAIN' })));
      return fake;
    }
    return createConnection(p);
  };
  const debug: string[] = [];
  await sendRecord(record, { socketPath: path, debug: (m) => debug.push(m), connect });
  assert.equal(calls, 3);
  assert.equal(lines.length, 1);
  assert.deepEqual(debug, ['run reported to the daemon']);
});
