// The soak's traffic: a paced ingest (one record per connection, like the CLI, plus a share
// sent as NDJSON streams), an HTTP poller of the read API, and SSE readers of /api/events.
// Each counts what it saw: acked records, errors (which must stay 0) and latencies.
import http from 'node:http';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { OK_LINE } from './load.mjs';

const TICK_MS = 50;
const STREAM_EVERY_MS = 1000;

/**
 * Sends `rate` records per second from the prebuilt `lines` (Buffers, reused round-robin):
 * every `1 / streamFraction`-th record goes into an NDJSON batch sent once a second on one
 * connection; the rest each on a connection of its own, at most `concurrency` open at once.
 * Records that cannot start yet wait in a backlog (a count), so a slow daemon shows as an
 * achieved rate below the target, never as unbounded memory here.
 * Long because its helpers share the counters and the pacing state of one closure.
 */
export function startIngest({ socketPath, lines, rate, streamFraction = 0.2, concurrency = 16 }) {
  const streamEvery = streamFraction > 0 ? Math.max(1, Math.round(1 / streamFraction)) : 0;
  const c = { scheduled: 0, sent: 0, acked: 0, errors: 0, streamBatches: 0, firstError: undefined };
  let backlog = 0;
  let streamDue = 0;
  let inFlight = 0;
  let next = 0;
  let stopped = false;
  const idle = new Set();
  const fail = (why) => {
    c.errors++;
    c.firstError ??= why;
  };
  const settle = () => {
    inFlight--;
    if (stopped && inFlight === 0) for (const r of idle) r();
    else pump();
  };
  const line = () => lines[next++ % lines.length];

  const one = () => {
    inFlight++;
    c.sent++;
    const sock = net.connect(socketPath);
    let reply = '';
    let error;
    sock.on('connect', () => sock.end(line()));
    sock.on('data', (d) => (reply += d));
    sock.on('error', (err) => (error = err));
    sock.on('close', () => {
      if (reply === OK_LINE) c.acked++;
      else fail(error ? `connection: ${error.message}` : `reply ${JSON.stringify(reply.slice(0, 200))}`);
      settle();
    });
  };

  const batch = (n) => {
    inFlight++;
    c.sent += n;
    c.streamBatches++;
    const parts = Array.from({ length: n }, line);
    const sock = net.connect(socketPath);
    let okLines = 0;
    let other = '';
    let error;
    sock.on('connect', () => sock.end(Buffer.concat(parts)));
    let partial = '';
    sock.on('data', (d) => {
      const replies = (partial + d.toString()).split('\n');
      partial = replies.pop();
      for (const l of replies) {
        if (l === OK_LINE.trim()) okLines++;
        else other ||= l || '(an empty line)';
      }
    });
    sock.on('error', (err) => (error = err));
    sock.on('close', () => {
      c.acked += okLines;
      if (okLines !== n) {
        fail(
          `stream: ${okLines} of ${n} acked${error ? `, ${error.message}` : ''}${other ? `, ${other.slice(0, 200)}` : ''}`,
        );
      }
      settle();
    });
  };

  const pump = () => {
    while (!stopped && backlog > 0 && inFlight < concurrency) {
      backlog--;
      one();
    }
  };

  const t0 = performance.now();
  let lastStream = t0;
  const tick = setInterval(() => {
    const now = performance.now();
    const target = Math.floor(((now - t0) / 1000) * rate);
    for (; c.scheduled < target; c.scheduled++) {
      if (streamEvery && c.scheduled % streamEvery === streamEvery - 1) streamDue++;
      else backlog++;
    }
    if (streamDue > 0 && now - lastStream >= STREAM_EVERY_MS && inFlight < concurrency) {
      batch(streamDue);
      streamDue = 0;
      lastStream = now;
    }
    pump();
  }, TICK_MS);

  return {
    counts: () => ({ ...c, backlog: backlog + streamDue, in_flight: inFlight }),
    /** Stops scheduling and resolves once every open connection has closed. */
    stop() {
      stopped = true;
      clearInterval(tick);
      if (inFlight === 0) return Promise.resolve();
      return new Promise((resolve) => idle.add(resolve));
    },
  };
}

/** The read API the poller cycles through; recent rotates its filters. */
const RECENT_FILTERS = [
  'limit=100',
  'limit=50&status=failed',
  'limit=20&command=make',
  'limit=100&status=succeeded&command=curl',
];

/**
 * Every `periodMs`, GETs /api/metrics/stats, /api/metrics/recent (filtered), /api/metrics/commands,
 * /api/daemon/stats, /metrics and /api/daemon/performance one after the other on one keep-alive connection. A status other
 * than 200 or a failed request is an error. Latencies are kept per route until take() empties them.
 * Long because the loop, its request helper and take() share one closure's state.
 */
export function startPoller({ url, periodMs = 1000 }) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const c = { requests: 0, errors: 0, firstError: undefined };
  let latencies = new Map();
  let eld = { max_ms: 0, p99_ms: 0 };
  let round = 0;
  let stopped = false;
  const get = (path, route, onBody) =>
    new Promise((resolve) => {
      const t0 = performance.now();
      const done = (err) => {
        c.requests++;
        if (err) {
          c.errors++;
          c.firstError ??= `${path}: ${err}`;
        } else {
          const list = latencies.get(route) ?? [];
          list.push(performance.now() - t0);
          latencies.set(route, list);
        }
        resolve();
      };
      http
        .get(`${url}${path}`, { agent }, (res) => {
          const parts = [];
          res.on('data', (d) => onBody && parts.push(d));
          res.on('end', () => {
            if (res.statusCode !== 200) return done(`status ${res.statusCode}`);
            if (onBody) onBody(Buffer.concat(parts).toString());
            done();
          });
          res.on('error', (e) => done(e.message));
        })
        .on('error', (e) => done(e.message));
    });
  const loop = (async () => {
    while (!stopped) {
      const started = performance.now();
      const filter = RECENT_FILTERS[round++ % RECENT_FILTERS.length];
      await get('/api/metrics/stats', 'stats');
      await get(`/api/metrics/recent?${filter}`, 'recent');
      await get('/api/metrics/commands?limit=20', 'commands');
      await get('/api/daemon/stats', 'daemon_stats');
      await get('/metrics', 'prometheus');
      await get('/api/daemon/performance', 'performance', (body) => {
        const { delay_max_ms, delay_p99_ms } = JSON.parse(body).event_loop;
        eld = { max_ms: Math.max(eld.max_ms, delay_max_ms), p99_ms: Math.max(eld.p99_ms, delay_p99_ms) };
      });
      const wait = periodMs - (performance.now() - started);
      if (wait > 0 && !stopped) await new Promise((r) => setTimeout(r, wait));
    }
  })();
  return {
    counts: () => ({ ...c }),
    /**
     * The latencies (ms) per route since the last take(), and the largest event-loop delay
     * max and p99 /api/daemon/performance reported meanwhile: the daemon resets its histogram
     * every 10 s, so reading it every second sees (nearly) all of each window.
     */
    take() {
      const out = { latencies, eld };
      latencies = new Map();
      eld = { max_ms: 0, p99_ms: 0 };
      return out;
    },
    async stop() {
      stopped = true;
      await loop;
      agent.destroy();
    },
  };
}

/**
 * `n` clients reading /api/events continuously, each counting `event: run` messages. A
 * status other than 200, an error, or a stream that ends before stop() is an error.
 */
export async function startSseReaders({ url, n }) {
  const c = { clients: n, events: Array(n).fill(0), errors: 0, firstError: undefined };
  let stopped = false;
  const reqs = [];
  const fail = (why) => {
    if (stopped) return;
    c.errors++;
    c.firstError ??= why;
  };
  const opened = Array.from(
    { length: n },
    (_, i) =>
      new Promise((resolve) => {
        const req = http.get(`${url}/api/events`, { headers: { accept: 'text/event-stream' } }, (res) => {
          if (res.statusCode !== 200) fail(`/api/events status ${res.statusCode}`);
          resolve();
          let carry = '';
          res.setEncoding('utf8');
          res.on('data', (s) => {
            const text = carry + s;
            let at = text.indexOf('event: run\n');
            let end = 0;
            while (at !== -1) {
              c.events[i]++;
              end = at + 11;
              at = text.indexOf('event: run\n', end);
            }
            // Keep a tail short enough never to hold a whole marker already counted.
            carry = text.slice(Math.max(end, text.length - 10));
          });
          res.on('error', (e) => fail(`/api/events: ${e.message}`));
          res.on('end', () => fail('/api/events ended'));
        });
        req.on('error', (e) => {
          fail(`/api/events: ${e.message}`);
          resolve();
        });
        reqs.push(req);
      }),
  );
  await Promise.all(opened);
  return {
    counts: () => ({ ...c, events: [...c.events] }),
    stop() {
      stopped = true;
      for (const r of reqs) r.destroy();
    },
  };
}
