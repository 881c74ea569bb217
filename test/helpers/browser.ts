// Debian's Chromium driven by playwright-core (`npx playwright install` cannot work here).
import fs from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { spawnTestDaemon, type StartOptions, type TestDaemon } from './daemon.ts';

/** PATIENCE_CHROMIUM overrides it, so that a test can play a machine without Chromium. */
export const CHROMIUM = process.env.PATIENCE_CHROMIUM ?? '/usr/bin/chromium';
/** Chromium's flags, in a file of their own so that the bench's dashboard load uses the same. */
export const CHROMIUM_ARGS = JSON.parse(
  fs.readFileSync(new URL('./chromium-args.json', import.meta.url), 'utf8'),
) as string[];
/** Far below playwright's default of 3 minutes: a Chromium that cannot start fails the run quickly. */
const LAUNCH_TIMEOUT_MS = 30_000;

/** Said when Chromium is missing: what to install, not only what failed. */
export function missingChromium(file: string): string {
  return (
    `the dashboard tests need Chromium, and ${file} is not an executable file. ` +
    'Install it with `apt-get install -y chromium fonts-liberation` (scripts/ci.sh does), ' +
    'or point PATIENCE_CHROMIUM at a Chromium binary.'
  );
}

export function launchBrowser(): Promise<Browser> {
  try {
    fs.accessSync(CHROMIUM, fs.constants.X_OK);
  } catch {
    return Promise.reject(new Error(missingChromium(CHROMIUM)));
  }
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: LAUNCH_TIMEOUT_MS });
}

/**
 * Chromium first, then the daemon. Never both at once: had the daemon started while
 * Chromium failed, nothing would hold it to stop it, and the test process would wait on
 * it for good. A daemon that fails to start closes the browser.
 */
export async function startWithBrowser(opts: StartOptions = {}): Promise<{ d: TestDaemon; browser: Browser }> {
  const browser = await launchBrowser();
  try {
    return { d: await spawnTestDaemon(opts), browser };
  } catch (e) {
    await browser.close();
    throw e;
  }
}

/** Notes a page's script errors and console errors in `problems`, and dismisses (and reports) every dialog. */
export function watchPage(page: Page, problems: string[], onDialog: () => void): void {
  page.on('dialog', (dialog) => {
    onDialog();
    void dialog.dismiss();
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
}
