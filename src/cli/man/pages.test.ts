// The man pages against the tables that print --help: every option, strategy, command and
// patienced flag is on its page, every example parses with the programs' own parsers, the
// HTTP API list matches the routes, and the roff is escaped (no request hides in a text line).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { COMMAND_FLAGS } from '../../daemon/config/flags.ts';
import { loadConfig } from '../../daemon/config/load.ts';
import { FIELDS, KEYS, type ConfigField } from '../../daemon/config/schema.ts';
import { testApp } from '../../http/routes/test-app.ts';
import { STRATEGIES, STRATEGY_NAMES } from '../../retry/strategies/index.ts';
import { parseArgs } from '../args.ts';
import { OPTIONS, defaultOf } from '../options.ts';
import { parseRunsArgs, parseStatsArgs, runsCommandLine, statsCommandLine } from '../query/flags.ts';
import { API_ENDPOINTS } from './api-endpoints.ts';
import { PATIENCED_EXAMPLES, PATIENCE_EXAMPLES } from './examples.ts';
import { patiencePage } from './patience-page.ts';
import { patiencedPage } from './patienced-page.ts';
import { esc } from './roff.ts';

const QUIET = { write: () => true };
const shownDefault = <F extends ConfigField>(f: F): string => KEYS[f].type.show(KEYS[f].default);
const patience = patiencePage();
const patienced = patiencedPage();
/** The section of a page from its .SH to the next. */
const sectionOf = (text: string, title: string): string => {
  const start = text.indexOf(`.SH "${title}"\n`);
  assert.ok(start >= 0, title);
  const end = text.indexOf('\n.SH ', start + 1);
  return text.slice(start, end < 0 ? undefined : end);
};

test('patience(1) has the sections of a man page', () => {
  for (const s of [
    'NAME',
    'SYNOPSIS',
    'DESCRIPTION',
    'STRATEGIES',
    'OPTIONS',
    'COMMANDS',
    'ENVIRONMENT',
    'FILES',
    'EXIT STATUS',
    'EXAMPLES',
    'SEE ALSO',
  ])
    sectionOf(patience, s);
  assert.match(patience, /^\.TH PATIENCE 1 /m);
});

test('patience(1) has every strategy with its formula and aliases, and every option with its default', () => {
  const strategies = sectionOf(patience, 'STRATEGIES');
  for (const s of STRATEGY_NAMES) {
    const info = STRATEGIES[s];
    const head = strategies.split('\n').find((l) => l.startsWith(`.SS "\\fB${esc(s)}\\fR (`));
    assert.ok(head, s);
    for (const alias of [info.alias, ...(info.moreAliases ?? [])])
      assert.ok(head.includes(`\\fB${esc(alias)}\\fR`), alias);
    assert.ok(strategies.includes(esc(info.formula)), `${s}: formula`);
    // This strategy's subsection: from its .SS to the next one (or the end of the section).
    const at = strategies.indexOf(head);
    const next = strategies.indexOf('\n.SS ', at);
    const own = strategies.slice(at, next < 0 ? undefined : next);
    for (const o of OPTIONS.filter((x) => x.only?.includes(s))) {
      assert.ok(own.includes(`\\fB\\-\\-${esc(o.key)}\\fR`), `${s} --${o.key}`);
      assert.ok(
        own.includes(esc(`(default: ${defaultOf(o, s)})`)) || o.default === undefined,
        `${s} --${o.key} default`,
      );
    }
  }
  const options = sectionOf(patience, 'OPTIONS');
  for (const o of OPTIONS.filter((x) => !x.only)) {
    assert.ok(options.includes(`\\fB\\-\\-${esc(o.key)}\\fR`), `--${o.key}`);
    if (o.short) assert.ok(options.includes(`\\fB\\-${o.short}\\fR, \\fB\\-\\-${esc(o.key)}\\fR`), `-${o.short}`);
    if (o.env) {
      assert.ok(options.includes(esc(o.env)), o.env);
      assert.ok(sectionOf(patience, 'ENVIRONMENT').includes(esc(o.env)), o.env);
    }
  }
});

test('patience(1) has the options of runs and stats, completion and help', () => {
  const commands = sectionOf(patience, 'COMMANDS');
  for (const cmd of [runsCommandLine(QUIET), statsCommandLine(QUIET)]) {
    const at = commands.indexOf(`.SS "\\fB${esc(cmd.name())}\\fR`);
    assert.ok(at >= 0, cmd.name());
    const block = commands.slice(at, commands.indexOf('.SS', at + 1));
    for (const o of cmd.options) assert.ok(block.includes(`\\fB${esc(o.long ?? '')}\\fR`), `${cmd.name()} ${o.long}`);
  }
  assert.match(commands, /\.SS "\\fBcompletion\\fR \\fBbash\\fR\|\\fBzsh\\fR\|\\fBfish\\fR"/);
  assert.match(commands, /\.SS "\\fBhelp\\fR/);
});

test('patienced(8) has every flag with its type and default, config key and env var', () => {
  for (const s of [
    'NAME',
    'SYNOPSIS',
    'DESCRIPTION',
    'OPTIONS',
    'ENVIRONMENT',
    'FILES',
    'SIGNALS',
    'HTTP API',
    'EXIT STATUS',
    'SEE ALSO',
  ])
    sectionOf(patienced, s);
  const options = sectionOf(patienced, 'OPTIONS');
  for (const f of FIELDS) {
    const spec = KEYS[f];
    const tag = `\\fB\\-${esc(spec.flag)}\\fR`;
    assert.ok(
      options.includes(spec.type.flagType === 'bool' ? `${tag}\n` : `${tag} \\fI${spec.type.flagType}\\fR\n`),
      spec.flag,
    );
    const shown = shownDefault(f);
    assert.ok(
      options.includes(esc(`Default: ${shown === '' ? 'unset' : shown}. Config file: ${spec.key}; env: ${spec.env}.`)),
      spec.flag,
    );
    assert.ok(sectionOf(patienced, 'ENVIRONMENT').includes(esc(spec.env)), spec.env);
  }
  for (const c of COMMAND_FLAGS) assert.ok(options.includes(`\\fB\\-${esc(c.name)}\\fR`), c.name);
});

test('every example parses with the parser of its program', () => {
  for (const e of PATIENCE_EXAMPLES) {
    const [program, first, ...rest] = e.argv;
    assert.equal(program, 'patience');
    if (first === 'runs') assert.equal(parseRunsArgs(rest, Date.now(), QUIET).kind, 'query', e.argv.join(' '));
    else if (first === 'stats') assert.equal(parseStatsArgs(rest, Date.now(), QUIET).kind, 'query', e.argv.join(' '));
    else assert.equal(parseArgs([first ?? '', ...rest], QUIET).kind, 'run', e.argv.join(' '));
  }
  for (const e of PATIENCED_EXAMPLES) {
    assert.equal(e.argv[0], 'patienced');
    const loaded = loadConfig({ argv: e.argv.slice(1), env: {}, defaultConfigPath: '/nonexistent/daemon.json' });
    assert.notEqual(loaded.kind, 'error', `${e.argv.join(' ')}: ${loaded.kind === 'error' ? loaded.message : ''}`);
  }
});

test("patienced(8)'s HTTP API names every /api route and /metrics, and only routes that exist", async (t) => {
  const { app } = testApp(t, { store: 'memory', profiling: true });
  const doc = (await app.inject({ url: '/api/openapi.json' })).json<{ paths: Record<string, unknown> }>();
  const routes = Object.keys(doc.paths);
  const listed = API_ENDPOINTS.map((e) => e.path);
  for (const path of listed) assert.ok(routes.includes(path), `${path} is not a route`);
  for (const path of routes.filter((p) => p.startsWith('/api/') || p === '/metrics'))
    assert.ok(listed.includes(path), `${path} is not on the page`);
  const api = sectionOf(patienced, 'HTTP API');
  for (const path of listed) assert.ok(api.includes(`\\fBGET ${esc(path)}\\fR`), path);
});

test('the roff is escaped: no unescaped hyphen, and every line that starts with . is one of our requests', () => {
  const pages: Array<[string, string]> = [
    ['patience.1', patience],
    ['patienced.8', patienced],
  ];
  for (const [name, text] of pages) {
    for (const line of text.split('\n')) {
      if (line.startsWith('.\\"')) continue;
      assert.doesNotMatch(line, /(^|[^\\])-/, `${name}: ${line}`);
      if (/^[.']/.test(line)) assert.match(line, /^\.(TH|SH|SS|PP|TP|RS|RE|nf|fi|nh|ad)( |$)/, `${name}: ${line}`);
    }
  }
});
