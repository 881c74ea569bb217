// The README's picture of the dashboard (docs/dashboard.png): the real page in Chromium,
// showing a realistic day of runs fed through the daemon's socket. Always 1280×1400.
// Every run takes the picture; it replaces the committed one only with
// PATIENCE_UPDATE_SCREENSHOT=1, so an ordinary test run leaves the work tree clean.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startWithBrowser } from '../helpers/browser.ts';
import { send } from '../helpers/socket.ts';
import { realisticRuns } from './dataset.ts';

const OUT = process.env.PATIENCE_UPDATE_SCREENSHOT === '1' ? path.resolve('docs/dashboard.png') : undefined;
const WIDTH = 1280;
const HEIGHT = 1400;

test('docs/dashboard.png: the dashboard with a realistic day of runs', { timeout: 60_000 }, async () => {
  const { d, browser } = await startWithBrowser({ args: ['-max-metrics', '100000'] });
  try {
    const replies = await send(d.socketPath, realisticRuns(Date.now() - 60_000, 24));
    assert.ok(replies.every((r) => r.status === 'ok'));
    const ctx = await browser.newContext({
      viewport: { width: WIDTH, height: HEIGHT },
      deviceScaleFactor: 1,
      timezoneId: 'UTC',
      locale: 'en-US',
    });
    const page = await ctx.newPage();
    await page.goto(`${d.url}/`);
    await page.waitForSelector('#live-status[data-state="live"]');
    await page.waitForSelector('#chart canvas');
    await page.waitForSelector('#commands-body tr');
    await page.waitForFunction(() => document.getElementById('total-runs')?.textContent !== '–');
    // A fixed viewport, not the full page, so the picture's size never changes.
    const png = await page.screenshot({
      path: OUT ?? path.join(d.dir, 'dashboard.png'),
      fullPage: false,
      animations: 'disabled',
      caret: 'hide',
    });
    assert.equal(png.subarray(1, 4).toString(), 'PNG');
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [WIDTH, HEIGHT]);
  } finally {
    await browser.close();
    assert.equal(await d.stop(), 0, d.logs());
    fs.rmSync(d.dir, { recursive: true, force: true });
  }
});
