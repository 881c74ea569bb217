// Report lockout (docs/security.md, "Report lockout"): a hostile local client that holds every
// connection slot and the waiting line, with dripping, silent and non-reading
// connections, must not keep a well-behaved `patience` run from being acknowledged
// within its 200 ms report budget; and each deadline closes what it is meant to close.
// Everything runs against the built binaries.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { CLI_BIN, getJson, spawnTestDaemon, type TestDaemon } from '../helpers/daemon.ts';
import { Hostile, type HostileKind } from '../helpers/hostile.ts';
import { runRecord } from '../helpers/socket.ts';
import { until } from '../helpers/until.ts';

interface Stats {
  rejected: Record<string, number>;
  connections_active: number;
  connections_waiting: number;
}
interface Recent {
  metrics: Array<{ timestamp: string; received_at: string; metrics: { labels?: Record<string, string> } }>;
}

const stats = async (d: TestDaemon): Promise<Stats> => (await getJson(`${d.url}/api/daemon/stats`)).body as Stats;

/** `p`, or a failure naming what did not happen within ms (so that the test's cleanup still runs). */
async function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms)),
  );
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

interface Reported {
  /** From the end of the run (when the CLI starts its report) to the daemon storing the record, which it acks in the same turn. */
  ackMs: number;
  wallMs: number;
  debug: string;
}

/** A real `patience fixed -a 1 -- true`; resolves with how long its report took to be stored, read back from the HTTP API. */
async function wellBehavedRun(d: TestDaemon, tag: string): Promise<Reported> {
  const started = Date.now();
  const child = spawn(process.execPath, [CLI_BIN, 'fixed', '-a', '1', '--label', `lockout=${tag}`, '--', 'true'], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: d.dir,
      XDG_STATE_HOME: d.dir,
      XDG_CONFIG_HOME: d.dir,
      RETRY_SOCKET_PATH: d.socketPath,
      PATIENCE_DEBUG: '1',
    },
    cwd: d.dir,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  const wallMs = Date.now() - started;
  const debug = stderr
    .split('\n')
    .filter((l) => l.includes('debug:'))
    .join('\n');
  assert.equal(code, 0, stderr);
  // The CLI says this only when the daemon's ok arrived within its 200 ms budget.
  assert.match(debug, /run reported to the daemon/, `the run was not acked within the CLI's budget:\n${stderr}`);
  const recent = (await getJson(`${d.url}/api/metrics/recent?limit=50`)).body as Recent;
  const mine = recent.metrics.find((m) => m.metrics.labels?.lockout === tag);
  assert.ok(mine, `the acked run ${tag} is stored`);
  return { ackMs: Date.parse(mine.received_at) - Date.parse(mine.timestamp), wallMs, debug };
}

/** Holds all `max` slots with `kinds` (cycled), fills the waiting line with silent connections, and waits until the daemon shows it. */
async function holdTheCap(d: TestDaemon, max: number, kinds: HostileKind[], reconnect: boolean): Promise<Hostile> {
  const h = new Hostile(d.socketPath, { reconnect });
  for (let i = 0; i < max; i++) h.open(kinds[i % kinds.length] ?? 'silent');
  await until(
    'the hostile connections to take every slot',
    () => stats(d),
    (s) => s.connections_active === max,
  );
  h.open('silent', max * 10);
  await until(
    'the waiting line to fill',
    () => stats(d),
    (s) => s.connections_active === max && s.connections_waiting === max * 10,
  );
  // Held for a while, as an attacker holding the cap would: long past any grace for slow clients.
  await new Promise((r) => setTimeout(r, 300));
  return h;
}

const CASES: Array<{ name: string; max: number; kinds: HostileKind[]; reconnect: boolean }> = [
  { name: 'dripping connections hold the cap, silent ones fill the line', max: 10, kinds: ['drip'], reconnect: false },
  {
    name: 'non-reading connections hold the cap, silent ones fill the line',
    max: 10,
    kinds: ['nonreader'],
    reconnect: false,
  },
  {
    name: 'a mix holds the cap and reconnects whenever it loses a slot',
    max: 10,
    kinds: ['drip', 'silent', 'nonreader'],
    reconnect: true,
  },
  {
    name: 'a mix holds the default 100 slots and 1,000 places in line, reconnecting',
    max: 100,
    kinds: ['drip', 'silent', 'nonreader'],
    reconnect: true,
  },
];

describe(
  'a well-behaved patience run is acked within its 200 ms budget while a hostile client holds the cap',
  { concurrency: false },
  () => {
    for (const c of CASES) {
      test(`${c.name} (max_connections ${c.max})`, async (t) => {
        const args = c.max === 100 ? [] : ['-max-connections', String(c.max)];
        const d = await spawnTestDaemon({ args });
        const h = await holdTheCap(d, c.max, c.kinds, c.reconnect).catch(async (err: unknown) => {
          await d.stop();
          throw err;
        });
        try {
          const before = await stats(d);
          const runs: Reported[] = [];
          // A reconnecting attacker is kept up past the 5 s deadlines, when its connections expire and come back together.
          const until_ = Date.now() + (c.reconnect ? 6000 : 0);
          for (let i = 0; i < 3 || Date.now() < until_; i++)
            runs.push(await wellBehavedRun(d, `${c.max}-${c.kinds.join('+')}-${i}`));
          for (const r of runs)
            assert.ok(r.ackMs < 200, `acked ${r.ackMs} ms after the run ended; the budget is 200 ms`);
          const after = await stats(d);
          assert.ok(
            after.rejected.shed_stale! > before.rejected.shed_stale!,
            'the run got its slot by shedding a stale connection',
          );
          const acks = runs.map((r) => r.ackMs).sort((a, b) => a - b);
          const walls = runs.map((r) => r.wallMs).sort((a, b) => a - b);
          t.diagnostic(
            `lockout figure over ${runs.length} runs: report stored ${acks[0]}–${acks.at(-1)} ms (median ${acks[acks.length >> 1]}) after the run ended; whole patience process ${walls[0]}–${walls.at(-1)} ms`,
          );
        } finally {
          h.stop();
          assert.equal(await d.stop(), 0, d.logs());
          fs.rmSync(d.dir, { recursive: true, force: true });
        }
      });
    }
  },
);

describe('each deadline closes what it is meant to', { concurrency: true }, () => {
  test('a dripping connection is closed 5 s after it opened, though every byte arrives on time', async () => {
    const d = await spawnTestDaemon();
    try {
      const opened = Date.now();
      let sock: net.Socket | undefined;
      const closed = new Promise<string>((resolve) => {
        const s = net.connect(d.socketPath);
        sock = s;
        let data = '';
        let timer: NodeJS.Timeout | undefined;
        s.on('connect', () => (timer = setInterval(() => s.write('x'), 200)));
        s.on('data', (c: Buffer) => (data += c.toString()));
        s.on('error', () => undefined);
        s.on('close', () => {
          clearInterval(timer);
          resolve(data);
        });
      });
      const reply = await within(15_000, 'the dripping connection being closed', closed).finally(() => sock?.destroy());
      assert.match(reply, /no complete document within 5s/, `closed after ${Date.now() - opened} ms`);
      assert.equal((await stats(d)).rejected.document_timeout, 1);
    } finally {
      await d.stop();
      fs.rmSync(d.dir, { recursive: true, force: true });
    }
  });

  test('a client that floods and never reads its replies is destroyed after the write deadline, freeing its slot', async () => {
    const d = await spawnTestDaemon({ args: ['-max-connections', '2'] });
    const h = new Hostile(d.socketPath, { reconnect: false });
    try {
      h.open('nonreader');
      await until(
        'the non-reader to be served',
        () => stats(d),
        (s) => s.connections_active === 1,
      );
      const s = await until(
        'the write deadline',
        () => stats(d),
        (v) => v.rejected.write_timeout === 1 && v.connections_active === 0,
      );
      assert.equal(s.connections_active, 0);
      await until(
        'the client to see its connection gone',
        async () => h.count,
        (n) => n === 0,
      );
    } finally {
      h.stop();
      await d.stop();
      fs.rmSync(d.dir, { recursive: true, force: true });
    }
  });

  test('a place in the waiting line expires after 5 s with an error line', async () => {
    const d = await spawnTestDaemon({ args: ['-max-connections', '1'] });
    // The one slot is held by a slow but honest client: a document every second, replies read.
    const holder = net.connect(d.socketPath);
    holder.on('error', () => undefined);
    holder.on('data', () => undefined);
    const tick = setInterval(
      () => holder.write(`${JSON.stringify(runRecord({ command: 'slow-but-honest' }))}\n`),
      1000,
    );
    try {
      await until(
        'the holder to be served',
        () => stats(d),
        (s) => s.connections_active === 1,
      );
      const s = net.connect(d.socketPath);
      const waited = await within(
        15_000,
        'the waiter being turned away',
        new Promise<string>((resolve) => {
          let data = '';
          s.on('data', (c: Buffer) => (data += c.toString()));
          s.on('error', () => undefined);
          s.on('close', () => resolve(data));
        }),
      ).finally(() => s.destroy());
      assert.match(waited, /waited 5s in line for a free connection \(all max_connections 1 were taken\)/);
      assert.equal((await stats(d)).rejected.waiting_timeout, 1);
    } finally {
      clearInterval(tick);
      holder.destroy();
      await d.stop();
      fs.rmSync(d.dir, { recursive: true, force: true });
    }
  });
});
