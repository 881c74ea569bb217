// Hostile input at volume, against the real daemon (docs/security.md, docs/record-limits.md):
// 10,000 documents on its Unix socket, mutated from valid run records, and random HTTP
// parameters on every route its /api/openapi.json lists. It must stay up and healthy, store
// exactly the valid records, refuse every other document with an error whose code says why
// and whose text names the field, and answer no request with a 5xx.
//
// Seeded: PATIENCE_FUZZ_SEED=N repeats a run; the seed is printed with every failure.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { spawnTestDaemon, getJson, tempDir, type TestDaemon } from '../helpers/daemon.ts';
import { exchange } from '../helpers/socket.ts';
import { seeded } from '../helpers/seeded.ts';
import { fuzzDocument, tooLarge, type FuzzDoc } from '../helpers/fuzz-documents.ts';
import { fuzzRequest, routesOf } from '../helpers/fuzz-queries.ts';
import { chance, int } from '../helpers/fuzz-values.ts';
import { redact } from '../../src/shared/redact.ts';
import { MAX_RECORD_BYTES } from '../../src/shared/record-fields.ts';

const SEED = Number(process.env.PATIENCE_FUZZ_SEED ?? 20261130);
/** PATIENCE_FUZZ_STORE=sqlite: against a data file; the memory store (the default configuration) otherwise. */
const SQLITE = process.env.PATIENCE_FUZZ_STORE === 'sqlite';
const DOCUMENTS = 10_000;
const HTTP_REQUESTS = 2_500;
/** Documents per NDJSON connection, and connections open at once. */
const PER_CONNECTION = 250;
const PARALLEL = 4;

let daemon: TestDaemon | undefined;
after(async () => {
  if (!daemon) return;
  await daemon.stop('SIGKILL');
  fs.rmSync(daemon.dir, { recursive: true, force: true });
});

/** Collects what went wrong, so that one run reports every kind of failure with the seed. */
class Findings {
  readonly list: string[] = [];
  add(what: string): void {
    this.list.push(what);
  }
  /** Fails with the count of each kind of finding (its first three words) and a few of each. */
  check(): void {
    const kinds = new Map<string, string[]>();
    for (const f of this.list) {
      const kind = f.split(' ').slice(0, 3).join(' ');
      kinds.set(kind, [...(kinds.get(kind) ?? []), f]);
    }
    const shown = [...kinds].map(([k, l]) => `${l.length} × ${k}…\n    ${l.slice(0, 4).join('\n    ')}`).join('\n  ');
    assert.equal(
      this.list.length,
      0,
      `seed ${SEED} (PATIENCE_FUZZ_SEED=${SEED}): ${this.list.length} findings:\n  ${shown}`,
    );
  }
}

/** One connection's documents; a too_large one, if any, is the last. */
type Batch = { docs: FuzzDoc[]; newline: boolean };

/** NDJSON batches, some one-document connections without a newline (as the Go client sends), and too_large ones last on theirs. */
function batches(docs: FuzzDoc[], r: () => number): Batch[] {
  const out: Batch[] = [];
  const rest: FuzzDoc[] = [];
  for (const d of docs) {
    if (d.expect.kind === 'refused' && d.expect.code === 'too_large') {
      out.push({ docs: [...rest.splice(0, int(r, 0, 50)), d], newline: chance(r, 0.5) });
    } else if (chance(r, 0.02)) out.push({ docs: [d], newline: false });
    else rest.push(d);
  }
  for (let i = 0; i < rest.length; i += PER_CONNECTION)
    out.push({ docs: rest.slice(i, i + PER_CONNECTION), newline: true });
  return out;
}

function generate(nowMs: number): FuzzDoc[] {
  const r = seeded(SEED);
  const docs: FuzzDoc[] = [];
  for (let i = 0; docs.length < DOCUMENTS; i++) {
    const id = `fz${SEED}_${i}`;
    docs.push(chance(r, 0.004) ? tooLarge(r, id, MAX_RECORD_BYTES) : fuzzDocument(r, id, nowMs, MAX_RECORD_BYTES));
  }
  return docs;
}

const describeDoc = (d: FuzzDoc): string =>
  `${d.id} (${d.what}) ${JSON.stringify(d.bytes.subarray(0, 160).toString())}`;

/** A reply against what the document must get. */
function checkReply(d: FuzzDoc, line: string | undefined, findings: Findings): void {
  if (line === undefined) return findings.add(`no reply to ${describeDoc(d)}`);
  let reply: Record<string, unknown>;
  try {
    reply = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return findings.add(`reply is not JSON: ${line.slice(0, 200)} to ${describeDoc(d)}`);
  }
  const e = d.expect;
  if (e.kind === 'stored') {
    if (line !== '{"status":"ok"}') findings.add(`valid document refused: ${line.slice(0, 300)} ${describeDoc(d)}`);
    return;
  }
  if (e.kind === 'status') {
    if (reply.status !== 'ok' || typeof reply.daemon !== 'object') findings.add(`status answer ${line.slice(0, 200)}`);
    return;
  }
  const keys = Object.keys(reply).sort().join(',');
  const error = typeof reply.error === 'string' ? reply.error : '';
  if (keys !== 'code,error,status' || reply.status !== 'error' || reply.code !== e.code) {
    return findings.add(`expected ${e.code}, got ${line.slice(0, 300)} for ${describeDoc(d)}`);
  }
  if (!namesWhatIsWrong(e.code, e.fields, error))
    findings.add(
      `error ${JSON.stringify(error.slice(0, 200))} does not name ${e.fields.join('|') || e.code} for ${describeDoc(d)}`,
    );
}

/** The error text names the field (or says what the code means) in its first words. */
function namesWhatIsWrong(code: string, fields: readonly string[], error: string): boolean {
  if (code === 'invalid_json') return error.startsWith('invalid JSON: ');
  if (code === 'too_large') return error.includes('max_message_bytes');
  if (fields.includes('record') && error === 'a run record must be a JSON object') return true;
  const first = /^[A-Za-z_]+/.exec(error)?.[0] ?? '';
  return fields.includes(first) && /^[A-Za-z_]+[.:, ]/.test(error);
}

/**
 * Sends every batch and checks each reply. Every document is answered, a too_large one
 * included: the daemon reads and drops what follows it until the client ends, so a client
 * still writing is never reset before it reads that line.
 */
async function sendAll(d: TestDaemon, list: Batch[], findings: Findings): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < list.length) {
      const b = list[next++];
      if (!b) return;
      const body = Buffer.concat(b.docs.flatMap((doc) => [doc.bytes, Buffer.from('\n')]));
      const lines = await exchange(d.socketPath, b.newline ? body : body.subarray(0, body.length - 1));
      if (lines.length !== b.docs.length) {
        findings.add(
          `${b.docs.length} documents got ${lines.length} replies; first ${describeDoc(b.docs[0] as FuzzDoc)}`,
        );
      }
      b.docs.forEach((doc, i) => checkReply(doc, lines[i], findings));
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
}

/** The daemon's own count of too_large refusals is the number of such documents sent. */
async function checkTooLargeCount(d: TestDaemon, docs: FuzzDoc[], findings: Findings): Promise<void> {
  const sent = docs.filter((x) => x.expect.kind === 'refused' && x.expect.code === 'too_large').length;
  const stats = (await getJson(`${d.url}/api/daemon/stats`)).body as { rejected: Record<string, number> };
  if (stats.rejected.too_large !== sent) findings.add(`too_large counted ${stats.rejected.too_large}, sent ${sent}`);
}

interface Exported {
  timestamp: string;
  metrics: Record<string, unknown>;
}

/** Text as the daemon keeps it: lone surrogates as U+FFFD (docs/record-limits.md), then redacted. */
const kept = (t: string): string => redact(t.replace(/\p{Cs}/gu, '\ufffd'));

/** What the daemon must have stored for a valid document: what JSON.parse of its bytes gives, redacted. */
function compareStored(d: FuzzDoc, stored: Exported, findings: Findings): void {
  const sent = JSON.parse(d.bytes.toString('utf8')) as Record<string, unknown>;
  const m = stored.metrics;
  const diff = (what: string, got: unknown, want: unknown): void =>
    findings.add(
      `stored ${what} differs: ${JSON.stringify(got)?.slice(0, 200)}, sent ${JSON.stringify(want)?.slice(0, 200)} in ${describeDoc(d)}`,
    );
  for (const f of ['command', 'strategy', 'reason', 'host', 'command_hash']) {
    const want = typeof sent[f] === 'string' ? kept(sent[f]) : undefined;
    if (f === 'command_hash' && want === undefined) continue;
    if (m[f] !== want) diff(f, m[f], want);
  }
  for (const f of ['final_status', 'total_duration_seconds', 'exit_code', 'duration_limit']) {
    if (m[f] !== sent[f]) diff(f, m[f], sent[f]);
  }
  if (JSON.stringify(m.attempts) !== JSON.stringify(sent.attempts)) diff('attempts', m.attempts, sent.attempts);
  const labels = sent.labels as Record<string, string> | undefined;
  const wantLabels = labels && Object.entries(labels).map(([k, v]) => [kept(k), kept(v)]);
  const gotLabels = m.labels === undefined ? undefined : Object.entries(m.labels as Record<string, string>);
  if (JSON.stringify(gotLabels) !== JSON.stringify(wantLabels)) diff('labels', gotLabels, wantLabels);
  const t = sent.timestamp as number | string | undefined;
  if (t !== undefined) {
    const want = typeof t === 'number' ? t * 1000 : Date.parse(t.replace(/(\.\d{3})\d+/, '$1').toUpperCase());
    if (Math.abs(Date.parse(stored.timestamp) - want) > 1) diff('timestamp', stored.timestamp, t);
  }
}

async function checkStore(d: TestDaemon, docs: FuzzDoc[], findings: Findings): Promise<number> {
  const res = await fetch(`${d.url}/api/metrics/export?format=ndjson`);
  assert.equal(res.status, 200);
  const byId = new Map<string, Exported[]>();
  for (const line of (await res.text()).split('\n')) {
    if (line === '') continue;
    const run = JSON.parse(line) as Exported;
    const id = String(run.metrics.command).split(' ')[0] ?? '';
    byId.set(id, [...(byId.get(id) ?? []), run]);
  }
  let valid = 0;
  const exported = [...byId.values()].reduce((n, runs) => n + runs.length, 0);
  for (const doc of docs) {
    const found = byId.get(doc.id) ?? [];
    byId.delete(doc.id);
    if (doc.expect.kind !== 'stored') {
      if (found.length > 0) findings.add(`refused document stored: ${describeDoc(doc)}`);
      continue;
    }
    valid++;
    if (found.length !== 1 || !found[0])
      findings.add(`valid document stored ${found.length} times: ${describeDoc(doc)}`);
    else compareStored(doc, found[0], findings);
  }
  for (const id of byId.keys()) findings.add(`stored a record nobody sent as valid: ${id.slice(0, 100)}`);
  if (exported !== valid) {
    const stats = await getJson(`${d.url}/api/daemon/stats`);
    findings.add(
      `${exported} records exported, ${valid} documents valid; ${JSON.stringify(stats.body)}; log: ${d.logs().slice(-1500)}`,
    );
  }
  return valid;
}

/** One HTTP request with a raw path (fetch would normalise it); an event stream is cut once its head arrived. */
function request(base: string, method: string, path: string): Promise<{ status: number; type: string; body: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, method, path, timeout: 20_000 }, (res) => {
      const type = String(res.headers['content-type'] ?? '');
      if (type.startsWith('text/event-stream')) {
        res.destroy();
        return resolve({ status: res.statusCode ?? 0, type, body: '' });
      }
      // A large answer (the whole export) is read to its end but kept only when small enough to check.
      let body = '';
      let whole = true;
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        if (body.length < 1_000_000) body += c;
        else whole = false;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type, body: whole ? body : '' }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer to ${method} ${path.slice(0, 200)}`)));
    req.on('error', reject);
    req.end();
  });
}

/** No 5xx; an error is {error, code[, field]} JSON, and a bad parameter's text starts with its field. */
function checkAnswer(
  method: string,
  path: string,
  a: { status: number; type: string; body: string },
  findings: Findings,
): void {
  const what = `${method} ${path.slice(0, 200)} -> ${a.status} ${a.body.slice(0, 200)}`;
  if (a.status >= 500 || a.status < 200) return findings.add(what);
  if (method === 'HEAD' || !a.type.startsWith('application/json')) {
    if (a.status >= 400 && method !== 'HEAD') findings.add(`error without a JSON body: ${what}`);
    return;
  }
  if (a.body === '' && a.status < 400) return;
  let body: unknown;
  try {
    body = JSON.parse(a.body);
  } catch {
    return findings.add(`not JSON: ${what}`);
  }
  if (a.status < 400) return;
  const e = body as Record<string, unknown>;
  const keys = Object.keys(e).filter((k) => k !== 'field');
  if (keys.sort().join(',') !== 'code,error' || typeof e.error !== 'string' || typeof e.code !== 'string') {
    return findings.add(`error body is not {error, code}: ${what}`);
  }
  if (e.code === 'bad_parameter' && (typeof e.field !== 'string' || !e.error.startsWith(`${e.field}: `))) {
    findings.add(`bad_parameter without its field: ${what}`);
  }
}

async function fuzzHttp(d: TestDaemon, findings: Findings): Promise<number> {
  const spec = await getJson(`${d.url}/api/openapi.json`);
  const routes = routesOf(spec.body);
  assert.ok(routes.length >= 10, `routes from /api/openapi.json: ${routes.length}`);
  const r = seeded(SEED ^ 0x5eed);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < HTTP_REQUESTS) {
      const route = routes[next++ % routes.length];
      if (!route) return;
      const { method, path } = fuzzRequest(r, route);
      try {
        checkAnswer(method, path, await request(d.url, method, path), findings);
      } catch (err) {
        findings.add(`${method} ${path.slice(0, 200)}: ${(err as Error).message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return routes.length;
}

/** The daemon still runs; if not, fail now with the findings so far and its last words. */
function assertAlive(d: TestDaemon, when: string, findings: Findings): void {
  if (d.child.exitCode === null && d.child.signalCode === null) return;
  findings.add(`the daemon exited ${when} (${d.child.exitCode ?? d.child.signalCode}):\n${d.logs().slice(-3000)}`);
  findings.check();
}

test(`fuzz (seed ${SEED}): 10,000 hostile documents on the socket and random parameters on every route`, async () => {
  const started = Date.now();
  const dir = tempDir();
  const store = SQLITE ? ['-data-file', path.join(dir, 'runs.db')] : [];
  daemon = await spawnTestDaemon({ dir, args: ['-max-metrics', '100000', '-max-age', '300000h', ...store] });
  const d = daemon;
  const docs = generate(Date.now());
  const findings = new Findings();
  const list = batches(docs, seeded(SEED ^ 0xc0));
  assert.equal(
    list.reduce((n, b) => n + b.docs.length, 0),
    docs.length,
    'every document is sent once',
  );
  await sendAll(d, list, findings);
  assertAlive(d, 'after the documents', findings);
  await checkTooLargeCount(d, docs, findings);
  const valid = await checkStore(d, docs, findings);
  const routes = await fuzzHttp(d, findings);

  assertAlive(d, 'after the requests', findings);
  const health = await getJson(`${d.url}/api/health`);
  assert.equal(health.status, 200, `seed ${SEED}: /api/health ${JSON.stringify(health.body)}`);
  findings.check();
  // The mix must really exercise both sides.
  assert.ok(valid > DOCUMENTS * 0.25 && valid < DOCUMENTS * 0.5, `valid documents: ${valid}`);
  process.stdout.write(
    `# fuzz seed ${SEED}: ${docs.length} documents (${valid} valid), ${HTTP_REQUESTS} requests on ${routes} routes, ${Date.now() - started} ms\n`,
  );
});
