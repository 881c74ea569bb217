// The documents of the socket fuzz (test/security/fuzz.test.ts), each with the answer it
// must get. Every document starts from a valid record (fuzz-records.ts). Some keep it
// valid while changing its bytes (duplicate keys whose last one is good, unknown and
// prototype keys, deep nesting under an unknown key, invalid UTF-8 inside a string,
// whitespace): those must be stored. The others break it exactly once, so the test knows
// which field the error must name.
import type { RejectReason } from '../../src/ingest/counters.ts';
import * as L from '../../src/shared/record-limits.ts';
import { RECORD_FIELDS } from '../../src/shared/record-fields.ts';
import { attempts, validRecord, type Json } from './fuzz-records.ts';
import { chance, deepArrayText, int, pick, text, type Rng } from './fuzz-values.ts';

export type Expected =
  | { kind: 'stored' }
  /** `fields`: the error starts with one of them (`record`: the document is no object). */
  | { kind: 'refused'; code: RejectReason; fields: readonly string[] }
  | { kind: 'status' };

export interface FuzzDoc {
  /** Starts the command of a record that must be stored. */
  id: string;
  /** One line, without its newline. */
  bytes: Buffer;
  /** The mutations applied, for the failure message. */
  what: string;
  expect: Expected;
}

const refused = (code: RejectReason, ...fields: string[]): Expected => ({ kind: 'refused', code, fields });
const JSON_ERROR = refused('invalid_json');
/** Stands for a value that JSON.stringify cannot write (1e999, a deep array, bytes). */
const HOLE = 'QQ-HOLE-QQ';
const fill = (json: string, raw: string): string => json.replace(`"${HOLE}"`, raw);

/** A value of the wrong kind, or out of range, for each field (docs/record-limits.md). */
function badValue(r: Rng, field: string, rec: Json, nowMs: number): unknown {
  const count = (rec.attempts as unknown[]).length;
  const common: unknown[] = [null, true, [], {}, [1]];
  switch (field) {
    case 'command':
    case 'command_hash':
    case 'strategy':
    case 'reason':
    case 'host':
      return pick(r, [...common, 1, ...(field.startsWith('command') ? [''] : [])]);
    case 'final_status':
      return pick(r, [...common, 'SUCCEEDED', 'ok', '', 0, 'succeeded ']);
    case 'total_duration_seconds':
    case 'duration_limit':
      return pick(r, [...common, '1', -1, -1e-9, L.MAX_DURATION_SECONDS + 0.5, 1e300, -1e300]);
    case 'exit_code':
      return pick(r, [...common, '0', 1.5, L.MAX_EXIT_CODE + 1, L.MIN_EXIT_CODE - 1, 1e21]);
    case 'total_attempts':
    case 'successful_attempts':
    case 'failed_attempts':
      return pick(r, [...common, -1, 0.5, L.MAX_ATTEMPTS + 1, count + 1, '1', -1e9]);
    case 'attempts':
      return pick(r, [
        null,
        {},
        'x',
        1,
        [1],
        [{}],
        [null],
        [[]],
        [{ duration_seconds: 1, exit_code: 0 }],
        [{ duration_seconds: -1, exit_code: 0, success: true }],
        [{ duration_seconds: 1, exit_code: 0, success: 'yes' }],
        attempts(r, L.MAX_ATTEMPTS + 1),
      ]);
    case 'timestamp':
      return pick(r, [
        ...common,
        0,
        -1,
        -1e300,
        L.MIN_TIMESTAMP_SECONDS - 1,
        nowMs / 1000 + 3600,
        1e12,
        1e300,
        'yesterday',
        '',
        '2026-02-30T00:00:00Z',
        '1999-12-31T23:59:59Z',
        '0001-01-01T00:00:00Z',
        '9999-12-31T23:59:59Z',
        new Date(nowMs + 86_400_000).toISOString(),
        '2026-01-01 00:00:00',
        `2026-01-01T00:00:00.${'1'.repeat(60)}Z`,
      ]);
    case 'labels': {
      const many = Object.fromEntries(Array.from({ length: L.MAX_LABELS + 1 }, (_, i) => [`k${i}`, 'v']));
      return pick(r, [
        // {} is a valid set of labels: none.
        ...common.filter((v) => !(typeof v === 'object' && v !== null && !Array.isArray(v))),
        'x',
        many,
        { 'a b': 'v' },
        { '': 'v' },
        { ü: 'v' },
        { 'a\u0000': 'v' },
        { 'a\n': 'v' },
        { ['k'.repeat(L.MAX_LABEL_KEY_LENGTH + 1)]: 'v' },
        { k: 1 },
        { k: null },
        { k: { v: 1 } },
        { k: 'v'.repeat(L.MAX_LABEL_VALUE_LENGTH + 1) },
      ]);
    }
    default:
      throw new Error(`no bad value for ${field}`);
  }
}

const TEXT_LIMITS: Record<string, number> = {
  command: L.MAX_COMMAND_LENGTH,
  command_hash: L.MAX_COMMAND_HASH_LENGTH,
  strategy: L.MAX_STRATEGY_LENGTH,
  reason: L.MAX_REASON_LENGTH,
  host: L.MAX_HOST_LENGTH,
};
const REQUIRED = RECORD_FIELDS.filter((f) => !f.optional).map((f) => f.name);
const FIELDS = RECORD_FIELDS.map((f) => f.name);
/** Bytes that are not UTF-8: a stray byte, an overlong NUL, an encoded surrogate, a cut sequence, past U+10FFFF. */
const NOT_UTF8 = [[0xff], [0xfe], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xf4, 0x90, 0x80, 0x80]];

type Mutation = (r: Rng, rec: Json, nowMs: number) => { text: string | Buffer; expect: Expected; what: string };

/** Mutations that break the record once, with the answer that break must get. */
const BREAKERS: ReadonlyArray<[weight: number, Mutation]> = [
  [
    30,
    (r, rec, nowMs) => {
      const field = pick(r, FIELDS);
      rec[field] = badValue(r, field, rec, nowMs);
      return { text: JSON.stringify(rec), expect: refused('invalid_record', field), what: `bad ${field}` };
    },
  ],
  [
    6,
    (r, rec) => {
      const field = pick(r, REQUIRED);
      delete rec[field];
      return { text: JSON.stringify(rec), expect: refused('invalid_record', field), what: `no ${field}` };
    },
  ],
  [
    6,
    (r, rec) => {
      const field = pick(r, Object.keys(TEXT_LIMITS));
      const max = TEXT_LIMITS[field] ?? 0;
      rec[field] = chance(r, 0.05) ? 'x'.repeat(int(r, max + 1, 300_000)) : text(r, max + 1);
      return { text: JSON.stringify(rec), expect: refused('invalid_record', field), what: `long ${field}` };
    },
  ],
  [
    4,
    (r, rec) => {
      const field = pick(r, ['total_duration_seconds', 'duration_limit', 'exit_code', 'total_attempts', 'timestamp']);
      rec[field] = HOLE;
      const raw = pick(r, ['1e999', '-1e999', '1E400', '-0.1e999']);
      return {
        text: fill(JSON.stringify(rec), raw),
        expect: refused('invalid_record', field),
        what: `${raw} ${field}`,
      };
    },
  ],
  [
    3,
    (r, rec) => {
      const field = pick(r, ['labels', 'attempts', 'timestamp', 'command', 'final_status', 'exit_code']);
      rec[field] = HOLE;
      const deep = deepArrayText(int(r, 1000, 150_000));
      return { text: fill(JSON.stringify(rec), deep), expect: refused('invalid_record', field), what: `deep ${field}` };
    },
  ],
  [
    3,
    (r, rec) => {
      const value = pick(r, [HOLE, 'acquired', 'STATUS', '', 7, null, true, { type: 'status' }, ['status']]);
      rec.type = value;
      const raw =
        value === HOLE ? fill(JSON.stringify(rec), deepArrayText(int(r, 1000, 150_000))) : JSON.stringify(rec);
      return { text: raw, expect: refused('unsupported_type', 'type'), what: `type ${JSON.stringify(value)}` };
    },
  ],
  [
    1,
    (r, rec) => ({
      // An acquire with a run record's fields: refused naming the first field an acquire needs.
      text: JSON.stringify({ ...rec, type: 'acquire' }),
      expect: refused('invalid_acquire', 'resource_id'),
      what: 'type acquire',
    }),
  ],
  [
    1,
    (r, rec) => ({ text: JSON.stringify({ ...rec, type: 'status' }), expect: { kind: 'status' }, what: 'type status' }),
  ],
  [
    3,
    (r, rec) => ({
      text: pick(r, [
        '[]',
        '1',
        '"s"',
        'null',
        'true',
        '-0',
        '1e999',
        `[${JSON.stringify(rec)}]`,
        deepArrayText(100_000),
      ]),
      expect: refused('invalid_record', 'record'),
      what: 'no object',
    }),
  ],
  [
    8,
    (r, rec) => {
      const json = JSON.stringify(rec);
      return { text: json.slice(0, int(r, 1, json.length - 1)), expect: JSON_ERROR, what: 'truncated' };
    },
  ],
  [
    4,
    (r, rec) => {
      rec.total_duration_seconds = HOLE;
      const raw = pick(r, ['NaN', 'Infinity', '-Infinity', '+1', '01', '.5', '0x10', '1.', '1e', '--1', 'undefined']);
      return { text: fill(JSON.stringify(rec), raw), expect: JSON_ERROR, what: `number ${raw}` };
    },
  ],
  [
    4,
    (r, rec) => {
      // Bytes JSON does not allow: a raw control character inside a string, or not UTF-8 between tokens.
      const json = Buffer.from(JSON.stringify(rec));
      const at = json.indexOf('"command":"') + '"command":"'.length;
      const bad = chance(r, 0.5) ? [pick(r, [0x00, 0x01, 0x08, 0x0b, 0x0c, 0x1b, 0x1f])] : (pick(r, NOT_UTF8) ?? []);
      const where = bad.length === 1 && bad[0] !== undefined && bad[0] < 0x20 ? at : 1;
      return {
        text: Buffer.concat([json.subarray(0, where), Buffer.from(bad), json.subarray(where)]),
        expect: JSON_ERROR,
        what: 'bad bytes',
      };
    },
  ],
  [
    3,
    (r, rec) => {
      const json = JSON.stringify(rec);
      const raw = pick(r, [
        `${json}x`,
        `${json}${json}`,
        `${json},`,
        `{${json}}`,
        `${json.slice(0, -1)},}`,
        `'${json}'`,
      ]);
      return { text: raw, expect: JSON_ERROR, what: 'garbage around' };
    },
  ],
];

/** Changes that keep the record valid: the daemon must store what JSON.parse of the bytes gives. */
function keepValid(r: Rng, rec: Json): Buffer {
  if (chance(r, 0.1)) {
    // Keys no schema knows, prototype names among them: ignored, and they pollute nothing.
    Object.defineProperty(rec, '__proto__', { value: { polluted: true }, enumerable: true });
    rec['constructor'] = { prototype: { polluted: true } };
    rec.unknown_field = text(r, 20);
  }
  if (chance(r, 0.02)) rec.nested_far = HOLE;
  let json = JSON.stringify(rec);
  if (rec.nested_far === HOLE) json = fill(json, deepArrayText(int(r, 1000, 100_000)));
  // Indented, then on one line: a newline in JSON.stringify's output is never inside a string.
  if (chance(r, 0.1)) json = JSON.stringify(rec, null, pick(r, [' ', '\t', 2])).replaceAll('\n', ' ');
  let buf = Buffer.from(json);
  const cmd = rec.command;
  if (typeof cmd === 'string' && cmd.length < L.MAX_COMMAND_LENGTH - 20 && chance(r, 0.1)) {
    // Bytes that are not UTF-8 inside a string: decoded as U+FFFD, so the record is still valid.
    const at = buf.indexOf(`${cmd.slice(0, cmd.indexOf(' ') + 1)}`) + cmd.indexOf(' ') + 1;
    buf = Buffer.concat([buf.subarray(0, at), Buffer.from(pick(r, NOT_UTF8) ?? []), buf.subarray(at)]);
  }
  if (chance(r, 0.1)) {
    // A key given twice: JSON.parse keeps the last, which is the good one.
    const key = pick(r, Object.keys(rec));
    const first = `{"${key}":${pick(r, ['null', '"bogus"', '[1,2]', '{"a":1}', '1e999', '-1'])},`;
    buf = Buffer.concat([Buffer.from(first), buf.subarray(buf.indexOf('"'))]);
  }
  return chance(r, 0.05) ? Buffer.concat([buf, Buffer.from('\r')]) : buf;
}

function pickBreaker(r: Rng): Mutation {
  const total = BREAKERS.reduce((n, [w]) => n + w, 0);
  let roll = r() * total;
  for (const [w, m] of BREAKERS) {
    roll -= w;
    if (roll < 0) return m;
  }
  throw new Error('weights do not add up');
}

/**
 * The i-th document: about a third valid, the rest broken once. One that came out larger
 * than max_message_bytes (a doubled record, padding) must be refused as too_large.
 */
export function fuzzDocument(r: Rng, id: string, nowMs: number, maxBytes: number): FuzzDoc {
  const rec = validRecord(r, id, nowMs);
  const doc: FuzzDoc = chance(r, 0.35)
    ? { id, bytes: keepValid(r, rec), what: 'valid', expect: { kind: 'stored' } }
    : (({ text, what, expect }) => ({ id, bytes: Buffer.from(text), what, expect }))(pickBreaker(r)(r, rec, nowMs));
  const ending = doc.bytes.at(-1) === 0x0d ? 1 : 0;
  if (doc.bytes.length - ending > maxBytes)
    return { ...doc, what: `${doc.what}, too large`, expect: refused('too_large') };
  return doc;
}

/** Over max_message_bytes: answered too_large, and its connection is closed. */
export function tooLarge(r: Rng, id: string, maxBytes: number): FuzzDoc {
  const pad = maxBytes + int(r, 1, 50_000);
  const raw = chance(r, 0.5) ? JSON.stringify({ command: `${id} ${'x'.repeat(pad)}` }) : deepArrayText(pad);
  return { id, bytes: Buffer.from(raw), what: 'too large', expect: refused('too_large') };
}
