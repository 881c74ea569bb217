// The app of the route tests: buildApp with real parts (a memory store, a SQLite file in a
// temp dir, or a store that fails on demand), a fixed clock, and inject() instead of a port.
import type { TestContext } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { buildApp, type App } from '../app.ts';
import { openStore } from '../../store/index.ts';
import type { Store } from '../../store/types.ts';
import { IngestCounters } from '../../ingest/counters.ts';
import { RuntimeStats } from '../../daemon/runtime-stats.ts';
import { RunFeed } from '../live/run-feed.ts';
import { StorageHealth } from '../../daemon/storage-health.ts';
import { Ledger } from '../../coordination/ledger.ts';
import { NO_LIMITS, T0, HOUR } from '../../store/test-support.ts';
import { ApiError } from '../../shared/api/errors.ts';

/** The tests' "now": three hours after the store fixtures' first hour. */
export const NOW = T0 + 3 * HOUR;

export interface TestApp {
  app: App;
  store: Store;
  feed: RunFeed;
  ledger: Ledger;
  counters: IngestCounters;
}

export interface TestAppOptions {
  /** A SQLite file in a temp dir (default), the memory store, or a store given by the test. */
  store?: 'sqlite' | 'memory' | Store;
  profiling?: boolean;
  webRoot?: string;
}

export function testApp(t: TestContext, opts: TestAppOptions = {}): TestApp {
  let store: Store;
  if (typeof opts.store === 'object') store = opts.store;
  else if (opts.store === 'memory') store = openStore({ limits: NO_LIMITS, now: () => NOW });
  else {
    const dir = mkdtempSync(join(tmpdir(), 'patience-http-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    store = openStore({ dataFile: join(dir, 'runs.db'), limits: NO_LIMITS, now: () => NOW });
  }
  const runtime = new RuntimeStats();
  const log = pino({ level: 'silent' });
  const feed = new RunFeed();
  const ledger = new Ledger();
  const counters = new IngestCounters();
  const app = buildApp({
    store,
    counters,
    runtime,
    now: () => NOW,
    log,
    feed,
    health: new StorageHealth({ now: () => NOW, log, fileProblem: () => store.fileProblem() }),
    profiling: opts.profiling ?? false,
    hosts: { bindHost: '127.0.0.1', allowedHosts: [] },
    ledger,
    webRoot: opts.webRoot,
    info: {
      version: 'test',
      socketPath: '/test.sock',
      startedAtMs: NOW - 60_000,
      maxAgeMs: NO_LIMITS.maxAgeMs,
      httpAddress: () => '127.0.0.1:8080',
      lastCleanupMs: () => undefined,
    },
  });
  t.after(async () => {
    await app.close();
    runtime.stop();
    store.close();
  });
  return { app, store, feed, ledger, counters };
}

const checkError = Compile(ApiError);

/** Asserts an error answer: its status, its stable code, the field of a bad parameter, and the shape. */
export function assertError(
  res: LightMyRequestResponse,
  status: number,
  code: string,
  field?: string,
): { error: string; code: string; field?: string } {
  assert.equal(res.statusCode, status, res.body);
  assert.match(String(res.headers['content-type']), /^application\/json/);
  const body: unknown = res.json();
  assert.ok(checkError.Check(body), `not an ApiError: ${res.body}`);
  assert.equal(body.code, code);
  assert.equal(body.field, field);
  if (field !== undefined) assert.match(body.error, new RegExp(`^${field}: `));
  return body;
}

/** Asserts that a JSON body is what its documented schema says. */
export function assertShape(schema: TSchema, res: LightMyRequestResponse): void {
  const check = Compile(schema);
  const body: unknown = res.json();
  assert.ok(check.Check(body), `${res.body.slice(0, 300)}: ${JSON.stringify(check.Errors(body).slice(0, 3))}`);
}
