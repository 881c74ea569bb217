// The dashboard in a real headless Chromium, against a real daemon fed through its
// socket: totals that match the API, live updates without a reload (and the fallback
// when the event stream fails), commands shown as text, the range picker, a 375 px
// phone, and the empty states of a fresh daemon.
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { getJson, spawnTestDaemon, type TestDaemon } from '../helpers/daemon.ts';
import { startWithBrowser, watchPage } from '../helpers/browser.ts';
import { runRecord, send } from '../helpers/socket.ts';
import { count, duration, percent } from '../../src/web/format.ts';
import { realisticRuns } from './dataset.ts';

const HOUR = 3_600_000;
const XSS = '<img src=x onerror=alert(1)>';
const iso = (ms: number): string => new Date(ms).toISOString();

interface Stats {
  total_runs: number;
  success_rate: number;
  duration_seconds: { p90: number };
}

describe('dashboard in Chromium', { timeout: 120_000 }, () => {
  let d: TestDaemon;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const problems: string[] = [];
  let dialogs = 0;
  const NOW = Date.now();
  /** Runs three days back, for 7 d and a custom range to find. */
  const OLD_AT = NOW - 3 * 24 * HOUR;

  before(async () => {
    // No run within 5 minutes of a preset's start, so that the seconds between the page's
    // query and the test's own never move a run across a bound.
    const bounds = [NOW - HOUR, NOW - 24 * HOUR];
    const day = realisticRuns(NOW - 60_000, 23).filter((r) =>
      bounds.every((b) => Math.abs((r.timestamp as number) * 1000 - b) > 5 * 60_000),
    );
    const old = Array.from({ length: 6 }, (_, i) =>
      runRecord({
        command: `nightly-report --week ${i}`,
        strategy: 'fixed',
        timestamp: (OLD_AT + i * 60_000) / 1000,
        final_status: i === 0 ? 'failed' : 'succeeded',
      }),
    );
    const xss = runRecord({ command: XSS, timestamp: (NOW - 10 * 60_000) / 1000 });
    ({ d, browser } = await startWithBrowser({ args: ['-max-metrics', '100000', '-max-age', '240h'] }));
    const replies = await send(d.socketPath, [...old, ...day, xss]);
    assert.ok(
      replies.every((r) => r.status === 'ok'),
      JSON.stringify(replies.find((r) => r.status !== 'ok')),
    );
  });
  beforeEach(() => {
    problems.length = 0;
    dialogs = 0;
  });
  // Every test that opens pages answers for their script errors and CSP violations itself:
  // a test of its own at the end would pass vacuously when run alone, having seen no page.
  afterEach(async () => {
    for (const c of contexts.splice(0)) await c.close();
    // The aborted event stream of the fallback test is the one expected error.
    const unexpected = problems.filter((p) => !/api\/events|ERR_FAILED/.test(p));
    assert.deepEqual(unexpected, [], 'no script errors and no CSP violations on the pages of this test');
    assert.equal(dialogs, 0, 'no dialog opened');
  });
  after(async () => {
    await browser?.close();
    if (d) {
      assert.equal(await d.stop(), 0, d.logs());
      fs.rmSync(d.dir, { recursive: true, force: true });
    }
  });

  async function open(
    options: { width?: number; setup?: (ctx: BrowserContext, page: Page) => Promise<void>; url?: string } = {},
  ): Promise<Page> {
    const ctx = await browser.newContext({
      viewport: { width: options.width ?? 1280, height: 900 },
      timezoneId: 'UTC',
      locale: 'en-US',
    });
    contexts.push(ctx);
    const page = await ctx.newPage();
    watchPage(page, problems, () => dialogs++);
    await options.setup?.(ctx, page);
    await page.goto(options.url ?? `${d.url}/`);
    await page.waitForSelector('body[data-loaded]');
    return page;
  }

  const text = (page: Page, selector: string): Promise<string> => page.locator(selector).first().innerText();
  const waitText = (page: Page, selector: string, expected: string): Promise<unknown> =>
    page.waitForFunction(
      ([sel, want]) => document.querySelector(sel ?? '')?.textContent?.trim() === want,
      [selector, expected] as const,
      { timeout: 10_000 },
    );
  const stats = async (startMs: number, endMs: number): Promise<Stats> =>
    (await getJson(`${d.url}/api/metrics/stats?start=${iso(startMs)}&end=${iso(endMs)}`)).body as Stats;

  test('the page is served with a strict Content-Security-Policy', async () => {
    const res = await fetch(`${d.url}/`);
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:/);
    const html = await res.text();
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)/, 'no inline script');
    assert.doesNotMatch(html, /\sstyle=|\son[a-z]+=/, 'no inline styles or handlers');
  });

  test('the totals shown match the API', async () => {
    const page = await open();
    const s = await stats(Date.now() - 24 * HOUR, Date.now());
    assert.ok(s.total_runs > 300, `a realistic day: ${s.total_runs} runs`);
    await waitText(page, '#total-runs', count(s.total_runs));
    assert.equal(await text(page, '#success-rate'), percent(s.success_rate, s.total_runs));
    assert.equal(await text(page, '#p90'), duration(s.duration_seconds.p90));
    const cmds = (await getJson(`${d.url}/api/metrics/commands?limit=20`)).body as {
      commands: Array<{ command: string; count: number }>;
    };
    const rows = await page
      .locator('#commands-body tr')
      .evaluateAll((trs) => trs.map((tr) => [tr.querySelector('.cmd')?.textContent, tr.children[1]?.textContent]));
    assert.deepEqual(
      rows,
      cmds.commands.map((c) => [c.command, count(c.count)]),
    );
    assert.equal(await page.locator('#recent-body tr').count(), 50);
    const daemon = (await getJson(`${d.url}/api/daemon/stats`)).body as { total_metrics: number; max_size: number };
    assert.match(
      await text(page, '#storage'),
      new RegExp(`^${count(daemon.total_metrics)} of ${count(daemon.max_size)} records`),
    );
    // The chart has one slot per hour of the range.
    assert.equal(await page.locator('#chart canvas').count(), 1);
  });

  test('a command that is HTML is shown as text and runs nothing', async () => {
    const page = await open();
    const cells = await page.locator('#recent-body td.cmd').allTextContents();
    assert.ok(cells.includes(XSS), 'the command appears, literally');
    assert.ok((await page.locator('#commands-body td.cmd').allTextContents()).includes(XSS));
    assert.equal(await page.locator('main img').count(), 0);
    // And live: the same text through the event stream.
    await page.waitForSelector('#live-status[data-state="live"]');
    assert.ok(
      (await send(d.socketPath, [runRecord({ command: `${XSS} <script>alert(2)</script>` })])).every(
        (r) => r.status === 'ok',
      ),
    );
    await page.waitForFunction(
      (want) => Array.from(document.querySelectorAll('#recent-body td.cmd')).some((td) => td.textContent === want),
      `${XSS} <script>alert(2)</script>`,
    );
    assert.equal(await page.locator('main img, main script').count(), 0);
    assert.equal(dialogs, 0, 'no dialog opened');
  });

  test('a record ingested after the page loaded appears without a reload', async () => {
    const page = await open();
    await page.waitForSelector('#live-status[data-state="live"]');
    await page.evaluate(() => ((window as unknown as { marker: string }).marker = 'same page'));
    const before = await stats(Date.now() - 24 * HOUR, Date.now());
    const command = `echo live-${Date.now()}`;
    assert.ok((await send(d.socketPath, [runRecord({ command })])).every((r) => r.status === 'ok'));
    await page.waitForFunction(
      (want) => document.querySelector('#recent-body tr td.cmd')?.textContent === want,
      command,
      { timeout: 5000 },
    );
    await waitText(page, '#total-runs', count(before.total_runs + 1));
    assert.equal(await page.evaluate(() => (window as unknown as { marker?: string }).marker), 'same page');
  });

  test('the first load with every panel rendered is marked once on the body; a failed panel leaves it unmarked', async () => {
    const page = await open();
    const marked = await page.evaluate(() => ({
      ms: Number(document.body.dataset.panelsLoadedMs),
      now: performance.now(),
      commands: document.querySelectorAll('#commands-body tr').length,
      recent: document.querySelectorAll('#recent-body tr').length,
      total: document.querySelector('#total-runs')?.textContent,
      daemon: document.querySelectorAll('#system dt').length,
    }));
    assert.ok(marked.ms > 0 && marked.ms <= marked.now, JSON.stringify(marked));
    assert.ok(marked.commands > 0 && marked.recent > 0 && marked.daemon > 0, JSON.stringify(marked));
    assert.notEqual(marked.total, '–');

    const failing = await open({
      setup: async (_ctx, p) => {
        await p.route('**/api/metrics/commands?*', (route) => route.abort());
      },
    });
    assert.equal(await failing.locator('#error').isVisible(), true);
    assert.equal(await failing.evaluate(() => document.body.dataset.panelsLoadedMs), undefined);
  });

  test('when the event stream fails, the page refreshes every 30 s without a reload', async () => {
    const page = await open({
      setup: async (_ctx, p) => {
        await p.clock.install();
        await p.route('**/api/events', (route) => route.abort());
      },
    });
    await page.waitForSelector('#live-status[data-state="polling"]');
    await page.evaluate(() => ((window as unknown as { marker: string }).marker = 'same page'));
    const command = `echo polled-${Date.now()}`;
    assert.ok((await send(d.socketPath, [runRecord({ command })])).every((r) => r.status === 'ok'));
    await page.clock.fastForward(31_000);
    await page.waitForFunction(
      (want) => document.querySelector('#recent-body tr td.cmd')?.textContent === want,
      command,
      { timeout: 10_000 },
    );
    assert.equal(await page.evaluate(() => (window as unknown as { marker?: string }).marker), 'same page');
  });

  test('the range picker changes what every panel shows', async () => {
    const page = await open();
    await page.click('button[data-range="1h"]');
    let s = await stats(Date.now() - HOUR, Date.now());
    await waitText(page, '#total-runs', count(s.total_runs));
    assert.equal(new URL(page.url()).hash, '#range=1h');
    assert.equal(await page.getAttribute('button[data-range="1h"]', 'aria-pressed'), 'true');
    // The recent table has its own request: wait until it shows only the last hour.
    await page.waitForFunction(
      (since) => {
        const tds = Array.from(document.querySelectorAll('#recent-body td.time'));
        return tds.length > 0 && tds.every((td) => Date.parse(td.getAttribute('title') ?? '') >= since);
      },
      Date.now() - HOUR - 60_000,
    );

    await page.click('button[data-range="7d"]');
    s = await stats(Date.now() - 7 * 24 * HOUR, Date.now());
    await waitText(page, '#total-runs', count(s.total_runs));
    await page.waitForFunction(() =>
      Array.from(document.querySelectorAll('#commands-body td.cmd')).some((td) =>
        td.textContent?.startsWith('nightly-report'),
      ),
    );

    // A custom window around the old runs only (the page runs in UTC).
    await page.click('button[data-range="custom"]');
    await page.fill('#range-start', iso(OLD_AT - 30 * 60_000).slice(0, 16));
    await page.fill('#range-end', iso(OLD_AT + 30 * 60_000).slice(0, 16));
    await page.click('#custom-range button[type="submit"]');
    await waitText(page, '#total-runs', '6');
    assert.equal(await text(page, '#success-rate'), percent(5 / 6, 6));
    // The commands and recent tables come from their own requests: wait for each.
    await page.waitForFunction(() => {
      const cells = Array.from(document.querySelectorAll('#commands-body td.cmd'));
      return cells.length === 6 && document.querySelectorAll('#recent-body tr').length === 6;
    });
    const cmds = await page.locator('#commands-body td.cmd').allTextContents();
    assert.equal(cmds.length, 6);
    assert.ok(cmds.every((c) => c.startsWith('nightly-report')));
    assert.equal(await page.locator('#recent-body tr').count(), 6);
    assert.match(new URL(page.url()).hash, /^#range=custom&start=/);
    // The hash keeps the range across a reload.
    await page.reload();
    await waitText(page, '#total-runs', '6');
  });

  test('readable on a 375 px wide phone: no horizontal page scroll', async () => {
    const page = await open({ width: 375 });
    await page.waitForSelector('#recent-body tr');
    const width = await page.evaluate(() => document.scrollingElement?.scrollWidth ?? Infinity);
    assert.ok(width <= 375, `the page is ${width} px wide`);
    // Wide tables scroll inside their own box instead.
    const boxes = await page.locator('.table-wrap').evaluateAll((els) => els.map((e) => getComputedStyle(e).overflowX));
    assert.ok(boxes.length >= 2 && boxes.every((o) => o === 'auto'));
    assert.ok(await page.locator('button[data-range="7d"]').isVisible());
    // The custom range's inputs fit too.
    await page.click('button[data-range="custom"]');
    assert.ok(await page.locator('#range-end').isVisible());
    const withForm = await page.evaluate(() => document.scrollingElement?.scrollWidth ?? Infinity);
    assert.ok(withForm <= 375, `with the custom range open, the page is ${withForm} px wide`);
  });

  test('a fresh daemon shows empty states', async () => {
    const fresh = await spawnTestDaemon();
    try {
      const page = await open({ url: `${fresh.url}/` });
      await waitText(page, '#total-runs', '0');
      assert.equal(await text(page, '#success-rate'), '–');
      for (const id of ['#recent-empty', '#commands-empty', '#chart-empty'])
        assert.ok(await page.locator(id).isVisible(), id);
      assert.equal(await page.locator('#recent-wrap').isVisible(), false);
      assert.match(await text(page, '#storage'), /^0 of 10,000 records/);
    } finally {
      for (const c of contexts.splice(0)) await c.close();
      assert.equal(await fresh.stop(), 0);
      fs.rmSync(fresh.dir, { recursive: true, force: true });
    }
  });
});
