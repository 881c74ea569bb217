// Helpers for the store tests: records built from their attempts, and a harness that runs
// one test against the memory store and against a SQLite file in a fresh temp directory.

import { test } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commandHash } from '../shared/command-hash.ts';
import type { RunRecord } from '../shared/run-record.ts';
import { openStore } from './index.ts';
import type { RetentionLimits, Store } from './types.ts';

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
/** 2026-11-26T16:00:00Z */
export const T0 = Date.UTC(2026, 10, 26, 16);
/** Long enough that nothing in the tests expires unless a test means it to. */
export const NO_LIMITS: RetentionLimits = { maxRecords: 1_000_000, maxAgeMs: 10 * 365 * 24 * HOUR };

export type AttemptSpec = [seconds: number, success: boolean, exitCode?: number];

/** A run with counts derived from its attempts, as the validator would produce it. */
export function run(
  command: string,
  status: 'succeeded' | 'failed',
  attempts: AttemptSpec[],
  timestampMs: number,
  extra: Partial<RunRecord> = {},
): RunRecord {
  const ok = attempts.filter(([, s]) => s).length;
  return {
    command,
    command_hash: commandHash(command),
    final_status: status,
    total_duration_seconds: attempts.reduce((sum, [d]) => sum + d, 0),
    total_attempts: attempts.length,
    successful_attempts: ok,
    failed_attempts: attempts.length - ok,
    attempts: attempts.map(([d, s, code]) => ({ duration_seconds: d, exit_code: code ?? (s ? 0 : 1), success: s })),
    timestampMs,
    ...extra,
  };
}

export const CURL = 'curl -fsS https://api.example.com/a';
export const MAKE = 'make -C build test';
export const PING = 'ping -c 1 db.internal';

/**
 * Five runs over three hours, listed in arrival order (not run-time order):
 * ids 1..5 are MAKE 17:05 ok, CURL 16:10 rescued, MAKE 18:40 rescued, CURL 16:20 failed, PING 18:30 ok.
 */
export function dataset(): RunRecord[] {
  return [
    run(MAKE, 'succeeded', [[0.25, true]], T0 + HOUR + 5 * MINUTE),
    run(
      CURL,
      'succeeded',
      [
        [1.0, false, 7],
        [0.5, true],
      ],
      T0 + 10 * MINUTE,
    ),
    run(
      MAKE,
      'succeeded',
      [
        [1.0, false, 2],
        [1.25, true],
      ],
      T0 + 2 * HOUR + 40 * MINUTE,
    ),
    run(
      CURL,
      'failed',
      [
        [2.0, false, 7],
        [2.0, false, 7],
      ],
      T0 + 20 * MINUTE,
    ),
    run(PING, 'succeeded', [[1.0, true]], T0 + 2 * HOUR + 30 * MINUTE),
  ];
}

export type StoreKind = 'memory' | 'sqlite';

export interface Harness {
  kind: StoreKind;
  /** Opens a store; for SQLite, the same file each time, so a second open is a reopen. */
  open(limits?: RetentionLimits, now?: number): Store;
  dataFile: string | undefined;
}

/** Registers `body` once per store kind; opened stores are closed and files removed after. */
export function eachStore(
  title: string,
  body: (h: Harness) => void | Promise<void>,
  kinds: StoreKind[] = ['memory', 'sqlite'],
): void {
  for (const kind of kinds) {
    test(`${kind}: ${title}`, async () => {
      const dir = kind === 'sqlite' ? mkdtempSync(join(tmpdir(), 'patience-store-')) : undefined;
      const dataFile = dir === undefined ? undefined : join(dir, 'runs.db');
      const opened: Store[] = [];
      const h: Harness = {
        kind,
        dataFile,
        open: (limits = NO_LIMITS, now = T0 + 24 * HOUR) => {
          const store = openStore({ dataFile, limits, now: () => now });
          opened.push(store);
          return store;
        },
      };
      try {
        await body(h);
      } finally {
        for (const s of opened) s.close();
        if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
      }
    });
  }
}

/** Ids of what recent() returns, for short assertions. */
export function ids(store: Store, q: Parameters<Store['recent']>[0]): number[] {
  return store.recent(q).runs.map((r) => r.id);
}

/** Asserts |actual - expected| <= 1% of expected. */
export function within1Percent(actual: number, expected: number, what: string): void {
  const tolerance = Math.abs(expected) * 0.01 + 1e-12;
  if (Math.abs(actual - expected) > tolerance) {
    throw new Error(`${what}: ${actual} is not within 1% of ${expected}`);
  }
}
