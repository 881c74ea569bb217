// The dashboard's "Rate limits" panel in a real headless Chromium against a real daemon:
// hidden while no resource exists, shown with the right figures after acquires on the
// socket, updated without a reload when an acquire is refused, and resource names (which
// clients choose) shown as text only.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import type { TestDaemon } from '../helpers/daemon.ts';
import { startWithBrowser, watchPage } from '../helpers/browser.ts';
import { send } from '../helpers/socket.ts';

const XSS = '<img src=x onerror=alert(1)>';
const acquire = (resource_id: string, rate_limit: number, window_seconds: number) => ({
  type: 'acquire',
  resource_id,
  rate_limit,
  window_seconds,
});

describe('rate-limits panel in Chromium', { timeout: 120_000 }, () => {
  let d: TestDaemon;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];
  let dialogs = 0;

  before(async () => {
    ({ d, browser } = await startWithBrowser());
    const ctx = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      timezoneId: 'UTC',
      locale: 'en-US',
    });
    page = await ctx.newPage();
    watchPage(page, problems, () => dialogs++);
  });
  after(async () => {
    await browser?.close();
    if (d) {
      assert.equal(await d.stop(), 0, d.logs());
      fs.rmSync(d.dir, { recursive: true, force: true });
    }
  });

  const cells = (resource: string): Promise<string[]> =>
    page.$$eval(
      '#rate-limits-body tr',
      (rows, id) => {
        const row = rows.find((r) => (r as HTMLElement).dataset.resource === id);
        return row ? Array.from(row.querySelectorAll('td'), (td) => td.textContent ?? '') : [];
      },
      resource,
    );

  test('hidden with no resources; shown with the right values after acquires; a refusal updates it live', async () => {
    await page.goto(d.url);
    await page.waitForSelector('body[data-loaded]');
    assert.equal(await page.isHidden('#rate-limits'), true, 'no resource yet: no panel');

    assert.deepEqual(
      (await send(d.socketPath, [acquire('api.example.com', 2, 30), acquire(XSS, 3, 600)])).map((r) => r.granted),
      [true, true],
    );
    // No reload: the panel appears by itself.
    await page.waitForSelector('#rate-limits', { state: 'visible', timeout: 15_000 });
    await page.waitForFunction(() => document.querySelectorAll('#rate-limits-body tr').length === 2, undefined, {
      timeout: 15_000,
    });
    const [name, used, granted, refused, next] = await cells('api.example.com');
    assert.equal(name, 'api.example.com');
    assert.equal(used, '1/2 per 30s');
    assert.equal(granted, '1');
    assert.equal(refused, '0');
    assert.equal(next, 'now');
    // The hostile name is text: the cell shows it, and no element was made of it.
    assert.equal((await cells(XSS))[0], XSS);
    assert.equal((await cells(XSS))[1], '1/3 per 10m');
    assert.equal(await page.locator('#rate-limits img').count(), 0);
    // Newest use first.
    assert.equal(await page.getAttribute('#rate-limits-body tr:first-child', 'data-resource'), XSS);

    // Fill the window, then be refused: the panel follows without a reload.
    const replies = await send(d.socketPath, [acquire('api.example.com', 2, 30), acquire('api.example.com', 2, 30)]);
    assert.deepEqual(
      replies.map((r) => r.granted),
      [true, false],
    );
    await page.waitForFunction(
      () => {
        const row = document.querySelector('#rate-limits-body tr[data-resource="api.example.com"]');
        return row?.querySelector('.refused')?.textContent === '1';
      },
      undefined,
      { timeout: 15_000 },
    );
    const [, usedAfter, grantedAfter, refusedAfter, nextAfter] = await cells('api.example.com');
    assert.equal(usedAfter, '2/2 per 30s');
    assert.equal(grantedAfter, '2');
    assert.equal(refusedAfter, '1');
    assert.match(nextAfter ?? '', /^\d{2}:\d{2}:\d{2}$/, 'a time, not "now"');
    assert.deepEqual(problems, [], 'no script errors and no CSP violations');
    assert.equal(dialogs, 0, 'no dialog opened');
  });
});
