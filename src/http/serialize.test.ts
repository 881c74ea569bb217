// The API's run shapes byte for byte: JSON key order, optional fields left out when
// absent, RFC 4180 CSV with formula guards. Routes, the export and SSE all write these.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StoredRun } from '../store/types.ts';
import { CSV_HEADER, toApiRun, toCsvRow } from './serialize.ts';

const T = Date.UTC(2026, 10, 26, 16, 5, 7, 250);

const runs: StoredRun[] = [
  {
    id: 1,
    receivedAtMs: T + 12,
    record: {
      command: 'make test',
      command_hash: 'abcd1234',
      final_status: 'succeeded',
      total_duration_seconds: 1.5,
      total_attempts: 1,
      successful_attempts: 1,
      failed_attempts: 0,
      attempts: [{ duration_seconds: 1.5, exit_code: 0, success: true }],
      timestampMs: T,
    },
  },
  {
    id: 42,
    receivedAtMs: T + 1000,
    record: {
      command: '=cmd "quoted", with comma\nand newline',
      command_hash: '+hash',
      final_status: 'failed',
      total_duration_seconds: 0.000001,
      total_attempts: 2,
      successful_attempts: 0,
      failed_attempts: 2,
      attempts: [
        { duration_seconds: 0.0000005, exit_code: -2147483648, success: false },
        { duration_seconds: 366 * 86400, exit_code: 124, success: false },
      ],
      timestampMs: T + 0.5,
      strategy: '-exp',
      exit_code: 124,
      reason: '@timeout, "killed"',
      host: 'web-1\r',
      labels: { team: 'infra', 'a/b.c-d_e': '=1+2, "x"' },
      duration_limit: 3.5,
    },
  },
  {
    id: 7,
    receivedAtMs: T,
    record: {
      command: 'ünïcödé ✓',
      command_hash: 'ff',
      final_status: 'succeeded',
      total_duration_seconds: 3,
      total_attempts: 2,
      successful_attempts: 1,
      failed_attempts: 1,
      attempts: [
        { duration_seconds: 2, exit_code: 1, success: false },
        { duration_seconds: 1, exit_code: 0, success: true },
      ],
      timestampMs: T,
      strategy: 'fixed',
      exit_code: 0,
      reason: '',
      host: '',
      labels: {},
    },
  },
];

test('toApiRun: the JSON of each run, keys in their documented order', () => {
  const golden = [
    '{"id":1,"timestamp":"2026-11-26T16:05:07.250Z","received_at":"2026-11-26T16:05:07.262Z","metrics":{"command":"make test","command_hash":"abcd1234","final_status":"succeeded","total_duration_seconds":1.5,"total_attempts":1,"successful_attempts":1,"failed_attempts":0,"attempts":[{"duration_seconds":1.5,"exit_code":0,"success":true}],"timestamp":"2026-11-26T16:05:07.250Z"}}',
    '{"id":42,"timestamp":"2026-11-26T16:05:07.250Z","received_at":"2026-11-26T16:05:08.250Z","metrics":{"command":"=cmd \\"quoted\\", with comma\\nand newline","command_hash":"+hash","final_status":"failed","total_duration_seconds":0.000001,"total_attempts":2,"successful_attempts":0,"failed_attempts":2,"attempts":[{"duration_seconds":5e-7,"exit_code":-2147483648,"success":false},{"duration_seconds":31622400,"exit_code":124,"success":false}],"timestamp":"2026-11-26T16:05:07.250Z","strategy":"-exp","exit_code":124,"reason":"@timeout, \\"killed\\"","host":"web-1\\r","labels":{"team":"infra","a/b.c-d_e":"=1+2, \\"x\\""},"duration_limit":3.5}}',
    '{"id":7,"timestamp":"2026-11-26T16:05:07.250Z","received_at":"2026-11-26T16:05:07.250Z","metrics":{"command":"ünïcödé ✓","command_hash":"ff","final_status":"succeeded","total_duration_seconds":3,"total_attempts":2,"successful_attempts":1,"failed_attempts":1,"attempts":[{"duration_seconds":2,"exit_code":1,"success":false},{"duration_seconds":1,"exit_code":0,"success":true}],"timestamp":"2026-11-26T16:05:07.250Z","strategy":"fixed","exit_code":0,"reason":"","host":"","labels":{}}}',
  ];
  assert.deepEqual(
    runs.map((r) => JSON.stringify(toApiRun(r))),
    golden,
  );
});

test('CSV_HEADER and toCsvRow: the export, byte for byte', () => {
  const golden =
    'id,timestamp,received_at,command,command_hash,final_status,total_duration_seconds,total_attempts,successful_attempts,failed_attempts,exit_code,strategy,reason,host,labels,duration_limit\r\n' +
    '1,2026-11-26T16:05:07.250Z,2026-11-26T16:05:07.262Z,make test,abcd1234,succeeded,1.5,1,1,0,,,,,,\r\n' +
    '42,2026-11-26T16:05:07.250Z,2026-11-26T16:05:08.250Z,"\'=cmd ""quoted"", with comma\nand newline",\'+hash,failed,0.000001,2,0,2,124,\'-exp,"\'@timeout, ""killed""","web-1\r","{""team"":""infra"",""a/b.c-d_e"":""=1+2, \\""x\\""""}",3.5\r\n' +
    '7,2026-11-26T16:05:07.250Z,2026-11-26T16:05:07.250Z,ünïcödé ✓,ff,succeeded,3,2,1,1,0,fixed,,,{},\r\n';
  assert.equal(CSV_HEADER + runs.map(toCsvRow).join(''), golden);
});

test('toCsvRow: numbers are written as String() writes them, exponents and all', () => {
  const values = [0, -0, 7, 2 ** 31, 2 ** 53 - 1, 0.1 + 0.2, 1e-7, 0.000001, 1.5e21, 123456789.125, 366 * 86400];
  for (const v of values) {
    const base = runs[0] as StoredRun;
    const row = toCsvRow({
      ...base,
      id: 2 ** 40 + 1,
      record: { ...base.record, total_duration_seconds: v, total_attempts: 3, duration_limit: v },
    });
    const cells = row.slice(0, -2).split(',');
    assert.equal(cells[0], String(2 ** 40 + 1));
    assert.equal(cells[6], String(v), `total_duration_seconds ${v}`);
    assert.equal(cells[15], String(v), `duration_limit ${v}`);
  }
});
