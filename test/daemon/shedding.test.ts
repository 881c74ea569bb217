// Beyond max_connections and its waiting line (10× max_connections) the daemon sheds load
// loudly (README.md, "The socket protocol"): every client it does not serve reads an error
// line with the code, the daemon counts each in /api/daemon/stats and /metrics and logs
// the shedding at warn level, and every record it acknowledged is stored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import { getJson, spawnTestDaemon, type TestDaemon } from '../helpers/daemon.ts';
import { exchange, storedCommands, type Exchange } from '../helpers/load.ts';
import { runRecord } from '../helpers/socket.ts';
import { until } from '../helpers/until.ts';

const MAX = 4;
const LINE = MAX * 10;
const BURST = 200;
const SHED_CODES = ['too_many_connections', 'waiting_timeout'];

interface Stats {
  rejected: Record<string, number>;
  connections_active: number;
  connections_waiting: number;
}
const stats = async (d: TestDaemon): Promise<Stats> => (await getJson(`${d.url}/api/daemon/stats`)).body as Stats;

/**
 * A slow but honest client that keeps its slot: one record, its reply read, 20 ms, the next
 * (never 100 ms without a complete document, so it is never stale enough to be shed).
 */
function holder(d: TestDaemon, name: string, acked: string[]): { release: () => Promise<void> } {
  const s = net.connect(d.socketPath);
  let sent = 0;
  let answered = 0;
  let buf = '';
  let ended = false;
  let timer: NodeJS.Timeout | undefined;
  const next = (): void => {
    if (!ended) s.write(`${JSON.stringify(runRecord({ command: `${name}-${sent++}` }))}\n`);
  };
  s.on('connect', next);
  s.on('data', (c: Buffer) => {
    buf += c.toString();
    for (let nl = buf.indexOf('\n'); nl !== -1; nl = buf.indexOf('\n')) {
      const reply = JSON.parse(buf.slice(0, nl)) as { status: string };
      buf = buf.slice(nl + 1);
      if (reply.status === 'ok') acked.push(`${name}-${answered}`);
      answered++;
      timer = setTimeout(next, 20);
    }
  });
  s.on('end', () => (ended = true));
  s.on('error', () => undefined);
  const closed = new Promise<void>((r) => s.on('close', () => r()));
  return {
    release: async () => {
      ended = true;
      clearTimeout(timer);
      s.end();
      await closed;
    },
  };
}

/** Each client of a burst: exactly one line, ok or a shedding error with its text, and no failed connection. */
function assertLoud(results: readonly Exchange[], what: string): Record<string, number> {
  const seen: Record<string, number> = {};
  results.forEach((r, i) => {
    assert.equal(r.error, undefined, `${what}, client ${i}: the connection failed instead of answering`);
    assert.equal(r.replies.length, 1, `${what}, client ${i}: ${JSON.stringify(r.replies)}`);
    const [reply] = r.replies;
    const code = reply?.status === 'ok' ? 'ok' : String(reply?.code);
    if (code !== 'ok') {
      assert.ok(SHED_CODES.includes(code), `${what}, client ${i}: ${JSON.stringify(reply)}`);
      assert.equal(typeof reply?.error, 'string');
    }
    seen[code] = (seen[code] ?? 0) + 1;
  });
  return seen;
}

const burst = (d: TestDaemon, name: string): Promise<Exchange[]> =>
  Promise.all(
    Array.from({ length: BURST }, (_, i) =>
      exchange(d.socketPath, `${JSON.stringify(runRecord({ command: `${name}-${i}` }))}\n`, 30_000),
    ),
  );

/** The daemon's warn lines about shedding, parsed. */
function shedLines(d: TestDaemon): Array<Record<string, number | string>> {
  return d
    .logs()
    .split('\n')
    .filter((l) => l.includes('shedding load'))
    .map((l) => JSON.parse(l) as Record<string, number | string>);
}

const loggedTotal = (d: TestDaemon, code: string): number =>
  shedLines(d).reduce((n, l) => n + (typeof l[code] === 'number' ? l[code] : 0), 0);

/** Waits until the warn lines account for every refusal the daemon counted (the last may come a second late). */
async function allLogged(d: TestDaemon): Promise<Stats> {
  let last: Stats | undefined;
  await until(
    'every refusal to be logged',
    async () => {
      last = await stats(d);
      return SHED_CODES.map((c) => [loggedTotal(d, c), last?.rejected[c]]);
    },
    (pairs) => pairs.every(([logged, counted]) => logged === counted),
  );
  return last!;
}

test(`beyond max_connections ${MAX} and ${LINE} places in line, every client not served is told, counted and logged`, async (t) => {
  const d = await spawnTestDaemon({ args: ['-max-connections', String(MAX)] });
  const acked: string[] = [];
  const holders = Array.from({ length: MAX }, (_, i) => holder(d, `holder-${i}`, acked));
  try {
    await until(
      'the holders to take every slot',
      () => stats(d),
      (s) => s.connections_active === MAX,
    );
    // 200 clients at once, each sending one record as the CLI does: 40 fit in line, the
    // rest are dropped at once. Those in line are served as the holders' slots come free
    // (a holder the test process delays 100 ms is shed for a waiter) or wait out their 5 s.
    const held = await burst(d, 'held');
    const heldSeen = assertLoud(held, 'behind the holders');
    assert.ok((heldSeen.too_many_connections ?? 0) > 0, JSON.stringify(heldSeen));
    await allLogged(d);

    await Promise.all(holders.map((h) => h.release()));
    // Without holders, a burst beyond the cap still gets a line each: served, or told why not.
    const freeStart = Date.now();
    const free = await burst(d, 'free');
    const freeSeen = assertLoud(free, 'without holders');

    for (const [i, r] of held.entries()) if (r.replies[0]?.status === 'ok') acked.push(`held-${i}`);
    for (const [i, r] of free.entries()) if (r.replies[0]?.status === 'ok') acked.push(`free-${i}`);
    const stored = await storedCommands(d.url);
    assert.deepEqual(
      acked.filter((c) => !stored.has(c)),
      [],
      'every acknowledged record is stored',
    );

    // Counted: what the clients were told is what the daemon counts, in its stats and in /metrics.
    const s = await allLogged(d);
    const metrics = await (await fetch(`${d.url}/metrics`)).text();
    for (const code of SHED_CODES) {
      const told = (heldSeen[code] ?? 0) + (freeSeen[code] ?? 0);
      assert.equal(s.rejected[code], told, `${code} in /api/daemon/stats`);
      assert.match(metrics, new RegExp(`^patience_ingest_rejected_total\\{reason="${code}"\\} ${told}$`, 'm'));
    }

    // Logged at warn level, at most once a second, at least once for each burst that shed.
    const lines = shedLines(d);
    assert.ok(lines.every((l) => l.level === 40));
    // The second is kept by the sweep's clock, which each line after the first reports; the
    // lines' own times are stamped after the rest of a sweep's work, which load stretches.
    for (const [i, l] of lines.entries()) {
      if (i === 0) assert.equal(l.interval_ms, undefined);
      else assert.ok(Number(l.interval_ms) >= 1000, `line ${i}: ${String(l.interval_ms)} ms after the one before`);
    }
    const times = lines.map((l) => Date.parse(String(l.time)));
    if ((freeSeen.too_many_connections ?? 0) + (freeSeen.waiting_timeout ?? 0) > 0)
      assert.ok(
        times.some((at) => at >= freeStart - 5),
        'the second burst was logged too',
      );
    t.diagnostic(
      `shedding figure: behind the holders ${JSON.stringify(heldSeen)}; without them ${JSON.stringify(freeSeen)}; ${lines.length} warn lines`,
    );
  } finally {
    await Promise.all(holders.map((h) => h.release()));
    assert.equal(await d.stop(), 0, d.logs());
    fs.rmSync(d.dir, { recursive: true, force: true });
  }
});
