// The dashboard's first load in headless Chromium (Debian's, driven by playwright-core as
// the browser tests do): from navigation to every panel showing its data, which the page
// marks as `data-panels-loaded-ms` on its body (src/web/dashboard.ts), plus when each API
// answer of that load had arrived (the page's resource timings). The daemon answers one
// request at a time, so a slow call also delays the answers queued behind it.
import fs from 'node:fs';
import { latencySummary } from './measure.mjs';

/** The same Chromium and flags as test/helpers/browser.ts. */
const CHROMIUM = process.env.PATIENCE_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = JSON.parse(
  fs.readFileSync(new URL('../../test/helpers/chromium-args.json', import.meta.url), 'utf8'),
);
/** A load that takes longer than this is reported as failed, not waited for. */
const LOAD_TIMEOUT_MS = 60_000;

/** Why the browser part cannot run here, or undefined when it can. */
export async function browserMissing() {
  try {
    fs.accessSync(CHROMIUM, fs.constants.X_OK);
  } catch {
    return `Chromium is not at ${CHROMIUM} (apt-get install -y chromium fonts-liberation, or set PATIENCE_CHROMIUM)`;
  }
  try {
    await import('playwright-core');
  } catch {
    return 'playwright-core is not installed (npm ci)';
  }
  return undefined;
}

/** One load in `context`: wall and in-page times, and when each /api/ call's answer had arrived (ms since navigation). */
async function loadOnce(context, url) {
  const page = await context.newPage();
  try {
    const t0 = performance.now();
    await page.goto(url);
    // Either every panel rendered, or a load finished with the error banner up.
    await page.waitForFunction(
      () =>
        document.body.dataset.panelsLoadedMs !== undefined ||
        (document.body.dataset.loaded !== undefined && !document.getElementById('error')?.hidden),
      undefined,
      { timeout: LOAD_TIMEOUT_MS, polling: 'raf' },
    );
    const wallMs = performance.now() - t0;
    return await page.evaluate((wall) => {
      // The first call to each path: the page polls /api/coordination every 2 s, and a
      // later poll would stand in for the first load's call.
      const api = {};
      for (const e of performance.getEntriesByType('resource')) {
        const u = new URL(e.name);
        if (u.pathname.startsWith('/api/') && u.pathname !== '/api/events') api[u.pathname] ??= e.responseEnd;
      }
      const marked = document.body.dataset.panelsLoadedMs;
      return {
        ok: marked !== undefined,
        page_ms: marked === undefined ? undefined : Number(marked),
        wall_ms: wall,
        error: marked === undefined ? document.getElementById('error')?.textContent : undefined,
        api_ms: api,
      };
    }, wallMs);
  } finally {
    await page.close();
  }
}

/**
 * `loads` loads of the dashboard at `url`: the first in a fresh browser (cold cache), the
 * rest in the same context (warm). Returns each load and p50/max over them.
 */
export async function dashboardLoads(url, loads = 6) {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 30_000 });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    // Chromium's own start-up is not the dashboard's: a blank page first, then the cold load.
    await (await context.newPage()).goto('about:blank');
    const runs = [];
    for (let i = 0; i < loads; i++) runs.push(await loadOnce(context, url));
    const ok = runs.filter((r) => r.ok);
    const apiPaths = [...new Set(runs.flatMap((r) => Object.keys(r.api_ms)))];
    const api = Object.fromEntries(
      apiPaths.map((p) => [p, latencySummary(runs.map((r) => r.api_ms[p]).filter((v) => v !== undefined))]),
    );
    return {
      loads: runs,
      failed: runs.length - ok.length,
      cold_ms: runs[0]?.page_ms,
      page: ok.length ? latencySummary(ok.map((r) => r.page_ms)) : undefined,
      wall: latencySummary(runs.map((r) => r.wall_ms)),
      api,
    };
  } finally {
    await browser.close();
  }
}
