// scripts/long-functions.mjs (`npm run check:functions`): functions over 60 lines must say why.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SCRIPT = join(import.meta.dirname, '..', '..', 'scripts', 'long-functions.mjs');

/** A function spanning exactly `lines` lines (its first line to its closing brace). */
function fn(head: string, lines: number, indent = ''): string {
  const body = Array.from({ length: lines - 2 }, (_, i) => `${indent}  const v${i} = ${i};`);
  return [`${indent}${head}`, ...body, `${indent}}`].join('\n');
}

function check(t: TestContext, source: string): { code: number | null; stdout: string } {
  const dir = mkdtempSync(join(tmpdir(), 'long-functions-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'fixture.ts');
  writeFileSync(file, source);
  const r = spawnSync(process.execPath, [SCRIPT, file], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout.replaceAll(`${file}:`, 'fixture.ts:') };
}

test('a 61-line function without a comment is listed as file:line name length, exit 1', (t) => {
  const r = check(t, `// header\n\n${fn('export function tooLong(): void {', 61)}\n`);
  assert.equal(r.code, 1);
  assert.equal(r.stdout, 'fixture.ts:3 tooLong 61\n');
});

test('60 lines is allowed', (t) => {
  const r = check(t, `${fn('function justRight(): void {', 60)}\n`);
  assert.equal(r.code, 0);
  assert.equal(r.stdout, '');
});

test('a "Long because" comment right before it allows it, as // or JSDoc', (t) => {
  const slashes = `// Long because the steps share their locals.\n${fn('function a(): void {', 61)}\n`;
  const jsdoc = `/**\n * Does a.\n * Long because it reads top to bottom.\n */\n${fn('function b(): void {', 61)}\n`;
  assert.equal(check(t, slashes).code, 0);
  assert.equal(check(t, jsdoc).code, 0);
});

test('a comment without the marker, or one before an earlier statement, does not count', (t) => {
  const vague = `// This function has many lines.\n${fn('function a(): void {', 61)}\n`;
  const earlier = `// Long because of x.\nconst x = 1;\n${fn('function b(): void {', 61)}\n`;
  assert.equal(check(t, vague).stdout, 'fixture.ts:2 a 61\n');
  assert.equal(check(t, earlier).stdout, 'fixture.ts:3 b 61\n');
});

test('methods, arrow functions and function expressions, nested ones by their own lines', (t) => {
  const source = [
    'export class C {',
    fn('  method(): void {', 61),
    '}',
    fn('const arrow = (): void => {', 61),
    fn('const expr = function (): void {', 61),
    '// Long because it holds the nested one.',
    'export function outer(): void {',
    fn('  const inner = (): void => {', 61),
    '  };',
    '}',
    '',
  ].join('\n');
  const r = check(t, source);
  assert.equal(r.code, 1);
  assert.equal(
    r.stdout,
    ['fixture.ts:2 method 61', 'fixture.ts:64 arrow 61', 'fixture.ts:125 expr 61', 'fixture.ts:188 inner 61', ''].join(
      '\n',
    ),
  );
});

test('the comment on the statement that holds an arrow function counts for it', (t) => {
  const r = check(
    t,
    `// Long because it is a table.\nexport const handler = async (): Promise<void> => {\n${fn('', 61).split('\n').slice(1).join('\n')}\n`,
  );
  assert.equal(r.code, 0);
});

test('a commented function whose whole body returns a long arrow function speaks for it; with more in its body it does not', (t) => {
  const inner = fn('  return (app: unknown): void => {', 61, '').replace(/\n}$/, '\n  };');
  const alone = check(t, `// Long because each route carries its schema.\nexport function routes() {\n${inner}\n}\n`);
  assert.equal(alone.code, 0, alone.stdout);
  const more = check(
    t,
    `// Long because each route carries its schema.\nexport function routes() {\n  const x = 1;\n${inner}\n}\n`,
  );
  assert.equal(more.code, 1);
  assert.match(more.stdout, /^fixture\.ts:4 \(anonymous\) 61\n$/);
});
