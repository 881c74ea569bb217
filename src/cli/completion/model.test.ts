// The completion model against the tables that print --help: every option, strategy, query
// flag and patienced flag is there, in the right place, with the right kind of value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { COMMAND_FLAGS, HELP_FLAGS } from '../../daemon/config/flags.ts';
import { FIELDS, KEYS, LOG_LEVELS } from '../../daemon/config/schema.ts';
import { FALLBACK_NAMES, STRATEGIES, STRATEGY_NAMES } from '../../retry/strategies/index.ts';
import { OPTIONS, optionsFor } from '../options.ts';
import { RUN_STATUSES, runsCommandLine, statsCommandLine } from '../query/flags.ts';
import { completionModel, type FlagModel, type SubcommandModel } from './model.ts';

const m = completionModel();
const QUIET = { write: () => true };
const sub = (name: string): SubcommandModel => {
  const found = m.subcommands.find((s) => s.name === name);
  assert.ok(found, name);
  return found;
};
const names = (flags: readonly FlagModel[]): string[] => flags.flatMap((f) => f.names);
const flag = (flags: readonly FlagModel[], name: string): FlagModel | undefined =>
  flags.find((f) => f.names.includes(name));

test('each strategy has its aliases and exactly its own options and the common ones, short and long', () => {
  assert.deepEqual(
    m.subcommands.map((s) => s.name),
    [...STRATEGY_NAMES, 'runs', 'stats', 'completion', 'help'],
  );
  for (const s of STRATEGY_NAMES) {
    const model = sub(s);
    assert.deepEqual(model.aliases, [STRATEGIES[s].alias, ...(STRATEGIES[s].moreAliases ?? [])]);
    assert.deepEqual(model.operands, { kind: 'command' });
    const want = optionsFor(s).flatMap((o) => [...(o.short ? [`-${o.short}`] : []), `--${o.key}`]);
    assert.deepEqual(names(model.flags), [...want, '-h', '--help'], s);
    for (const o of OPTIONS.filter((x) => x.only && !x.only.includes(s)))
      assert.equal(flag(model.flags, `--${o.key}`), undefined, `${s} has no --${o.key}`);
  }
  assert.equal(flag(sub('fixed').flags, '--base-delay'), undefined);
  assert.ok(flag(sub('fixed').flags, '--delay'));
});

test('values: --fallback names, files for --config and --daemon-socket, nothing to offer for free text, none for booleans', () => {
  const ha = sub('http-aware').flags;
  assert.deepEqual(flag(ha, '--fallback')?.value, { kind: 'words', words: FALLBACK_NAMES });
  assert.deepEqual(flag(ha, '--config')?.value, { kind: 'files' });
  assert.deepEqual(flag(ha, '-a')?.value, { kind: 'text' });
  assert.equal(flag(ha, '--quiet')?.value, undefined);
  assert.deepEqual(flag(sub('diophantine').flags, '--daemon-socket')?.value, { kind: 'files' });
  assert.equal(flag(sub('diophantine').flags, '--daemon')?.value, undefined);
  assert.equal(flag(ha, '--label')?.repeatable, true);
});

test('runs and stats: the options their --help prints, --status with its values, --config a file', () => {
  for (const [name, cmd] of [
    ['runs', runsCommandLine(QUIET)],
    ['stats', statsCommandLine(QUIET)],
  ] as const) {
    const want = cmd.options.flatMap((o) => [o.short, o.long].filter((n) => n !== undefined));
    assert.deepEqual(names(sub(name).flags), [...want, '-h', '--help'], name);
    assert.deepEqual(flag(sub(name).flags, '--config')?.value, { kind: 'files' });
    assert.equal(sub(name).operands.kind, 'none');
  }
  assert.deepEqual(flag(sub('runs').flags, '--status')?.value, { kind: 'words', words: RUN_STATUSES });
  assert.equal(flag(sub('runs').flags, '--json')?.value, undefined);
  assert.deepEqual(sub('completion').operands, { kind: 'words', words: ['bash', 'zsh', 'fish'] });
});

test("patienced: every flag of its table, one dash, paths as files and -log-level's levels", () => {
  const want = [
    ...FIELDS.map((f) => `-${KEYS[f].flag}`),
    ...COMMAND_FLAGS.map((c) => `-${c.name}`),
    ...HELP_FLAGS.map((h) => `-${h}`),
  ];
  assert.deepEqual(names(m.daemonFlags).sort(), want.sort());
  for (const f of ['-socket', '-pid-file', '-data-file', '-log-file', '-config'])
    assert.deepEqual(flag(m.daemonFlags, f)?.value, { kind: 'files' }, f);
  assert.deepEqual(flag(m.daemonFlags, '-log-level')?.value, { kind: 'words', words: LOG_LEVELS });
  assert.deepEqual(flag(m.daemonFlags, '-port')?.value, { kind: 'text' });
  assert.equal(flag(m.daemonFlags, '-enable-http')?.value, undefined);
});
