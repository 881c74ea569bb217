// The zsh and fish scripts as text (zsh and fish themselves may be missing where the tests
// run; test/cli/completion.test.ts parses them where they are): each strategy's arm has its
// options and no other strategy's, values and quoting are right.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OPTIONS, optionsFor } from '../options.ts';
import { completionModel } from './model.ts';
import { fishPatience, fishPatienced } from './fish.ts';
import { zshScript } from './zsh.ts';

const m = completionModel();
const zsh = zshScript(m, '9.9.9');
const fish = fishPatience(m, '9.9.9');

/** The zsh case arm of a strategy, from its pattern to its ;;. */
function zshArm(pattern: string): string {
  const start = zsh.indexOf(`        (${pattern})\n`);
  assert.ok(start >= 0, pattern);
  return zsh.slice(start, zsh.indexOf('\n          ;;', start));
}

test('zsh: each strategy arm has its options, the command and then files; nothing of other strategies', () => {
  const exp = zshArm('exponential|exp');
  for (const o of optionsFor('exponential')) assert.ok(exp.includes(`--${o.key}`), o.key);
  for (const o of OPTIONS.filter((x) => x.only && !x.only.includes('exponential')))
    assert.ok(!exp.includes(`--${o.key}=`) && !exp.includes(`--${o.key}[`), o.key);
  assert.match(exp, /_arguments -s -S -A '-\*' :/);
  assert.match(exp, /'\(-a --attempts\)-a\+\[maximum attempts, 1\.\.1000\]:N: '/);
  assert.match(exp, /'\(-a --attempts\)--attempts=\[maximum attempts, 1\.\.1000\]:N: '/);
  assert.match(exp, /'--config=\[TOML config file [^']*\]:FILE:_files'/);
  assert.match(exp, /'\*--label=\[[^']*\]:K=V: '/, 'repeatable');
  assert.match(exp, /'1:command:_command_names -e' \\\n +'\*:argument:_files'/);
  assert.match(
    zshArm('http-aware|ha'),
    /--fallback=\[[^']*\]:NAME:\(exponential linear fixed jitter decorrelated-jitter fibonacci polynomial\)'/,
  );
  assert.match(zshArm('runs'), /'--status=\[[^']*\]:STATUS:\(succeeded failed\)'/);
  assert.match(zshArm('completion'), /'1:shell:\(bash zsh fish\)'/);
});

test('zsh: quotes and brackets in help texts are escaped; patienced flags are one-dash with = values', () => {
  // "the fallback's first delay": a single quote inside a single-quoted word.
  assert.ok(zsh.includes(`[the fallback'\\''s first delay]`));
  // A ] or a backslash in a help text is escaped inside the [description].
  const odd = zshScript(
    { rootFlags: [], subcommands: [], daemonFlags: [{ names: ['-x'], help: "a [b] c\\d 'e'" }] },
    '9.9.9',
  );
  assert.ok(odd.includes(`'-x[a [b\\] c\\\\d '\\''e'\\'']'`), odd);
  assert.match(zsh, /'-log-level=\[[^']*\]:string:\(debug info warn error\)'/);
  assert.match(zsh, /'-socket=\[Unix socket path\]:string:_files'/);
  assert.match(zsh, /'-enable-http\[Enable HTTP API server\]'/);
  assert.match(
    zsh,
    /^if \[\[ \$funcstack\[1\] == _patience \]\]; then\n {2}_patience "\$@"\nelse\n {2}compdef _patience patience patienced\nfi$/m,
  );
});

test('fish: options by state, aliases resolved, the command and then files; patienced old-style flags', () => {
  assert.match(fish, /^ {8}case diophantine dio dioph\n {12}echo diophantine$/m);
  assert.match(
    fish,
    /^complete -c patience -n '__patience_at exponential options value' -s b -l base-delay -x -d 'first delay'$/m,
  );
  assert.match(
    fish,
    /^complete -c patience -n '__patience_at http-aware options value' -s f -l fallback -x -a 'exponential linear fixed jitter decorrelated-jitter fibonacci polynomial' /m,
  );
  assert.match(fish, /^complete -c patience -n '__patience_at fixed options value' -l config -r -F /m);
  assert.match(
    fish,
    /^complete -c patience -n '__patience_at fixed options command' -a '\(__fish_complete_command\)'$/m,
  );
  assert.match(fish, /^complete -c patience -n '__patience_at fixed args' -F$/m);
  assert.match(
    fish,
    /^complete -c patience -n '__patience_at runs options value' -l status -x -a 'succeeded failed' /m,
  );
  assert.ok(!/__patience_at fixed options value' .*-l base-delay/.test(fish), 'fixed has no --base-delay');
  assert.ok(fish.includes(`-d 'the fallback\\'s first delay'`), 'quotes escaped');
  const daemon = fishPatienced(m, '9.9.9');
  assert.match(daemon, /^complete -c patienced -o socket -r -F -d 'Unix socket path'$/m);
  assert.match(daemon, /^complete -c patienced -o log-level -x -a 'debug info warn error' /m);
});
