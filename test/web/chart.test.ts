// "Runs per hour" as Chromium draws it: the bars are read back from the canvas's pixels,
// so what is checked is what a person sees. Each hour of the range is one equal slot of
// the plot, from the hour's start to its end; the bars of an hour must lie inside its
// slot, and the current hour must show its failed runs as well as its succeeded ones.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import type { TestDaemon } from '../helpers/daemon.ts';
import { startWithBrowser } from '../helpers/browser.ts';
import { runRecord, send } from '../helpers/socket.ts';

const HOUR = 3_600_000;
/** The chart's colours (src/web/panels/chart.ts). */
const GREEN = [0x1f, 0x9d, 0x55] as const;
const RED = [0xd6, 0x45, 0x45] as const;

/** Hours back from the current one (0) → [succeeded, failed] runs in that hour. */
const PLAN: ReadonlyMap<number, readonly [number, number]> = new Map([
  [0, [3, 2]],
  [-2, [4, 1]],
  [-5, [0, 2]],
  [-20, [1, 0]],
]);

/** Columns of the plot area (CSS px from its left edge) that hold a pixel of each colour. */
interface Scan {
  plotWidth: number;
  green: number[];
  red: number[];
}

/** Reads the chart's canvas in the page. Self-contained: it runs in Chromium. */
function scan(colours: { green: readonly number[]; red: readonly number[] }): Scan | null {
  const canvas = document.querySelector('#chart canvas');
  const over = document.querySelector('#chart .u-over');
  if (!(canvas instanceof HTMLCanvasElement) || !(over instanceof HTMLElement) || canvas.clientWidth === 0) return null;
  const ctx = canvas.getContext('2d');
  if (!ctx) return null;
  const ratio = canvas.width / canvas.clientWidth;
  const box = over.getBoundingClientRect();
  const origin = canvas.getBoundingClientRect();
  const x0 = Math.round((box.left - origin.left) * ratio);
  const y0 = Math.round((box.top - origin.top) * ratio);
  const w = Math.round(box.width * ratio);
  const h = Math.round(box.height * ratio);
  const px = ctx.getImageData(x0, y0, w, h).data;
  const out: Scan = { plotWidth: box.width, green: [], red: [] };
  for (let x = 0; x < w; x++) {
    let green = false;
    let red = false;
    for (let y = 0; y < h; y++) {
      const i = (y * w + x) * 4;
      const r = px[i] ?? 0;
      const g = px[i + 1] ?? 0;
      const b = px[i + 2] ?? 0;
      // Exact fill colour, give or take rounding: anti-aliased edges are left out.
      if (
        Math.abs(r - (colours.green[0] ?? 0)) +
          Math.abs(g - (colours.green[1] ?? 0)) +
          Math.abs(b - (colours.green[2] ?? 0)) <
        12
      )
        green = true;
      if (
        Math.abs(r - (colours.red[0] ?? 0)) +
          Math.abs(g - (colours.red[1] ?? 0)) +
          Math.abs(b - (colours.red[2] ?? 0)) <
        12
      )
        red = true;
    }
    if (green) out.green.push(x / ratio);
    if (red) out.red.push(x / ratio);
  }
  return out;
}

/** Contiguous runs of columns: one per bar, as [left, right) in CSS px. */
function bars(columns: number[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const x of columns) {
    const last = out.at(-1);
    if (last && x - last[1] < 0.5) last[1] = x + 1;
    else out.push([x, x + 1]);
  }
  return out;
}

describe('"Runs per hour" in Chromium', { timeout: 120_000 }, () => {
  let d: TestDaemon | undefined;
  let browser: Browser | undefined;
  const NOW = Date.now();
  const CURRENT = Math.floor(NOW / HOUR);

  before(async () => {
    ({ d, browser } = await startWithBrowser());
    const docs: unknown[] = [];
    for (const [offset, [succeeded, failed]] of PLAN) {
      const n = succeeded + failed;
      for (let i = 0; i < n; i++) {
        // Inside the hour; in the current one, between its start and now (never ahead of the daemon's clock).
        const start = (CURRENT + offset) * HOUR;
        const span = offset === 0 ? NOW - start : HOUR;
        const ok = i < succeeded;
        docs.push(
          runRecord({
            command: `job-${offset}-${i}`,
            timestamp: (start + (span * (i + 0.5)) / n) / 1000,
            final_status: ok ? 'succeeded' : 'failed',
            total_attempts: 1,
            total_duration_seconds: 1,
            attempts: [{ duration_seconds: 1, exit_code: ok ? 0 : 1, success: ok }],
          }),
        );
      }
    }
    const replies = await send(d.socketPath, docs);
    assert.ok(
      replies.every((r) => r.status === 'ok'),
      JSON.stringify(replies.find((r) => r.status !== 'ok')),
    );
  });
  after(async () => {
    await browser?.close();
    if (d) {
      assert.equal(await d.stop(), 0, d.logs());
      fs.rmSync(d.dir, { recursive: true, force: true });
    }
  });

  async function chart(hash: string): Promise<{ page: Page; scan: Scan }> {
    assert.ok(browser && d);
    const ctx = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      deviceScaleFactor: 1,
      timezoneId: 'UTC',
      locale: 'en-US',
    });
    const page = await ctx.newPage();
    // The page's "now" is the moment the runs were made, so that its current hour is theirs.
    await page.clock.setFixedTime(NOW);
    await page.goto(`${d.url}/${hash}`);
    await page.waitForSelector('body[data-loaded]');
    const colours = { green: GREEN, red: RED };
    // uPlot draws once the data is in, and again after a resize: poll until bars show.
    const deadline = Date.now() + 10_000;
    let s = await page.evaluate(scan, colours);
    while (!(s && s.green.length > 0 && s.red.length > 0) && Date.now() < deadline) {
      await page.waitForTimeout(50);
      s = await page.evaluate(scan, colours);
    }
    assert.ok(s, 'the chart has a canvas and a plot area');
    return { page, scan: s };
  }

  for (const [hash, hours] of [
    ['#range=24h', 24],
    ['#range=1h', 1],
  ] as const) {
    test(`${hash}: every bar lies inside its hour, and the current hour shows succeeded and failed runs`, async () => {
      const { page, scan: s } = await chart(hash);
      const first = Math.floor((NOW - hours * HOUR) / HOUR);
      const slots = CURRENT - first + 1;
      const slot = s.plotWidth / slots;
      const expected = (which: 0 | 1): number[] =>
        [...PLAN]
          .filter(([offset, counts]) => counts[which] > 0 && CURRENT + offset >= first)
          .map(([offset]) => CURRENT + offset)
          .sort((a, b) => a - b);
      for (const [name, columns, which] of [
        ['succeeded', s.green, 0],
        ['failed', s.red, 1],
      ] as const) {
        const drawn = bars(columns);
        const where = drawn.map(([l, r]) => `[${l}, ${r})`).join(' ');
        const hoursDrawn = drawn.map(([l, r]) => {
          const h = first + Math.floor((l + r) / 2 / slot);
          // A bar of hour h lies between the positions of h and h + 1 h (1 px for rounding).
          assert.ok(
            l >= (h - first) * slot - 1 && r <= (h - first + 1) * slot + 1,
            `${name} bar ${where} crosses out of its hour (slots of ${slot} px)`,
          );
          return h;
        });
        assert.deepEqual(
          hoursDrawn,
          expected(which),
          `${name} bars (at ${where}) are drawn in these hours, ${slots} slots of ${slot} px`,
        );
      }
      await page.context().close();
    });
  }
});
