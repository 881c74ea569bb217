// Load generation: realistic run records, the two socket client patterns (one record per
// connection, and NDJSON streaming on one connection), and timed HTTP GETs.
import { createHash } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import { performance } from 'node:perf_hooks';

export const OK_LINE = '{"status":"ok"}\n';
const OK_LEN = Buffer.byteLength(OK_LINE);

/** A small deterministic PRNG (mulberry32), so every run sends the same records. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TEMPLATES = [
  (i) => `curl -fsS https://api${i}.example.com/v1/health`,
  (i) => `make -C services/svc-${i} test`,
  (i) => `ssh deploy@host-${i}.internal systemctl restart app`,
  (i) => `pg_isready -h db-${i}.internal -p 5432`,
  (i) => `npm run e2e -- --shard=${i}/200`,
  (i) => `rsync -az ./build/ backup-${i}:/srv/www/`,
  (i) => `kubectl rollout status deployment/web-${i} --timeout=60s`,
  (i) => `git fetch origin release-${i}`,
];
const STRATEGIES = ['exponential', 'fixed', 'linear', 'jitter', 'decorrelated-jitter', 'fibonacci'];

/**
 * n run records over ~`commands` distinct commands: ~75 % succeeded, 1–5 attempts, and
 * timestamps (unix seconds) spread over the `spanSec` seconds before `nowSec`.
 */
export function makeRecords(
  n,
  { seed = 1, nowSec = Math.floor(Date.now() / 1000), commands = 200, spanSec = 86_400 - 900 } = {},
) {
  const rand = rng(seed);
  const cmds = Array.from({ length: commands }, (_, i) => {
    const command = TEMPLATES[i % TEMPLATES.length](i);
    return { command, hash: createHash('sha256').update(command).digest('hex').slice(0, 8) };
  });
  const out = new Array(n);
  for (let k = 0; k < n; k++) {
    // A skewed pick, so top_commands has a clear top 10.
    const c = cmds[Math.floor(rand() ** 2 * commands)];
    const succeeded = rand() < 0.75;
    const total = 1 + Math.floor(rand() * 5);
    const attempts = [];
    let sum = 0;
    for (let a = 0; a < total; a++) {
      const ok = succeeded && a === total - 1;
      const d = Math.round((0.01 + rand() * (ok ? 2 : 5)) * 1000) / 1000;
      sum += d;
      attempts.push({ duration_seconds: d, exit_code: ok ? 0 : 1 + Math.floor(rand() * 7), success: ok });
    }
    out[k] = {
      command: c.command,
      command_hash: c.hash,
      final_status: succeeded ? 'succeeded' : 'failed',
      total_duration_seconds: Math.round(sum * 1000) / 1000,
      total_attempts: total,
      successful_attempts: succeeded ? 1 : 0,
      failed_attempts: succeeded ? total - 1 : total,
      attempts,
      strategy: STRATEGIES[k % STRATEGIES.length],
      timestamp: nowSec - Math.floor(rand() * spanSec),
    };
  }
  return out;
}

/** Each record as compact JSON + "\n", as a Buffer (ready to write). */
export function toLineBuffers(records) {
  return records.map((r) => Buffer.from(`${JSON.stringify(r)}\n`));
}

/** Packs NDJSON lines into ~64 KiB buffers for streaming. */
export function packChunks(lineBuffers, chunkBytes = 64 * 1024) {
  const chunks = [];
  let batch = [];
  let size = 0;
  for (const b of lineBuffers) {
    batch.push(b);
    size += b.length;
    if (size >= chunkBytes) {
      chunks.push(Buffer.concat(batch, size));
      batch = [];
      size = 0;
    }
  }
  if (batch.length) chunks.push(Buffer.concat(batch, size));
  return chunks;
}

/**
 * One record per connection: `concurrency` clients, each in a loop connects, writes one
 * line, ends and waits for the close, until n connections are done. With expectOk, every
 * connection must have been answered exactly {"status":"ok"}.
 */
export async function onePerConnection(socketPath, lines, n, concurrency, { expectOk = false } = {}) {
  let next = 0;
  let errors = 0;
  let badReplies = 0;
  let firstBad;
  const one = (line) =>
    new Promise((resolve) => {
      const sock = net.connect(socketPath);
      let reply = '';
      sock.on('connect', () => sock.end(line));
      sock.on('data', (d) => (reply += d));
      sock.on('error', () => errors++);
      sock.on('close', () => {
        if (expectOk && reply !== OK_LINE) {
          badReplies++;
          firstBad ??= reply;
        }
        resolve();
      });
    });
  const worker = async () => {
    while (next < n) {
      const i = next++;
      await one(lines[i % lines.length]);
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { records: n, wallMs: performance.now() - t0, errors, badReplies, firstBad };
}

/**
 * NDJSON streaming: one connection writes every chunk (respecting back-pressure) while
 * reading the replies, then ends and waits for the close. With expectOk, the replies must
 * be exactly n lines of {"status":"ok"}.
 */
export function stream(socketPath, chunks, n, { expectOk = false } = {}) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const sock = net.connect(socketPath);
    let replyBytes = 0;
    let replyLines = 0;
    let head = '';
    sock.on('data', (d) => {
      replyBytes += d.length;
      if (head.length < 200) head += d.toString();
      for (let i = d.indexOf(10); i !== -1; i = d.indexOf(10, i + 1)) replyLines++;
    });
    sock.on('error', reject);
    sock.on('connect', () => {
      let i = 0;
      const pump = () => {
        while (i < chunks.length) {
          if (!sock.write(chunks[i++])) {
            sock.once('drain', pump);
            return;
          }
        }
        sock.end();
      };
      pump();
    });
    sock.on('close', () => {
      const allOk = replyLines === n && replyBytes === n * OK_LEN;
      resolve({
        records: n,
        wallMs: performance.now() - t0,
        errors: 0,
        replyLines,
        badReplies: expectOk && !allOk ? Math.max(1, n - replyLines) : 0,
        firstBad: expectOk && !allOk ? head.slice(0, 200) : undefined,
      });
    });
  });
}

/** Sequential GETs on one keep-alive connection, each timed from request to the body's end. */
export function httpClient(baseUrl) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const get = (path) =>
    new Promise((resolve, reject) => {
      const t0 = performance.now();
      http
        .get(`${baseUrl}${path}`, { agent }, (res) => {
          const parts = [];
          res.on('data', (c) => parts.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode, ms: performance.now() - t0, body: Buffer.concat(parts) }),
          );
          res.on('error', reject);
        })
        .on('error', reject);
    });
  const json = async (path) => {
    const r = await get(path);
    try {
      return { ...r, json: JSON.parse(r.body.toString()) };
    } catch {
      return { ...r, json: undefined };
    }
  };
  return { get, json, close: () => agent.destroy() };
}
