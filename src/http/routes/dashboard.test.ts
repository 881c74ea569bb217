// GET / and /assets/:name through inject(), from a web root of the test's own: the files
// with their types and CSP, unknown names 404 not_found, missing files 500 dashboard_missing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertError, testApp } from './test-app.ts';
import { DASHBOARD_CSP } from './dashboard.ts';

function webRoot(t: { after(fn: () => void): void }, files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'patience-web-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

test('GET / and /assets/*: the built files with their types and a strict CSP', async (t) => {
  const root = webRoot(t, { 'index.html': '<!doctype html>page', 'dashboard.css': 'body{}' });
  const { app } = testApp(t, { store: 'memory', webRoot: root });
  const page = await app.inject({ url: '/' });
  assert.equal(page.statusCode, 200);
  assert.equal(page.body, '<!doctype html>page');
  assert.equal(page.headers['content-type'], 'text/html; charset=utf-8');
  assert.equal(page.headers['content-security-policy'], DASHBOARD_CSP);
  const css = await app.inject({ url: '/assets/dashboard.css' });
  assert.equal(css.headers['content-type'], 'text/css; charset=utf-8');
  assert.equal(css.body, 'body{}');
});

test('an unknown asset is 404 not_found; the page only at /; missing files are 500 dashboard_missing', async (t) => {
  const root = webRoot(t, { 'index.html': 'page' });
  const { app } = testApp(t, { store: 'memory', webRoot: root });
  for (const name of ['nope.js', 'index.html', 'constructor', '..%2Fpatienced.cjs']) {
    assertError(await app.inject({ url: `/assets/${name}` }), 404, 'not_found');
  }
  const missing = assertError(await app.inject({ url: '/assets/dashboard.js' }), 500, 'dashboard_missing');
  assert.match(missing.error, /rebuild with npm run build/);
  assertError(await app.inject({ url: '/', headers: { host: 'evil.example' } }), 421, 'misdirected_host');
});
