// Preloaded by scripts/test-isolation.mjs (`--import`): registers tests and suites in reverse
// order. The top-level calls made while a file loads are held back and replayed, last first, once
// the loading turn is over; the calls inside a suite's body (which runs at once) are replayed,
// last first, as the body ends.
import { createRequire, syncBuiltinESMExports } from 'node:module';

const require = createRequire(import.meta.url);
const nodeTest = require('node:test');
/** The calls held back: one list for the top level, one per suite body being run. */
const levels = [[]];
let scheduled = false;

function replay(calls) {
  for (const { register, args } of calls.reverse()) register(args);
}

function wrap(original, isSuite) {
  const register = (args) => {
    const i = args.findIndex((a) => typeof a === 'function');
    if (isSuite && i >= 0) {
      const body = args[i];
      args[i] = function reversedBody(...inner) {
        levels.push([]);
        try {
          return body.apply(this, inner);
        } finally {
          replay(levels.pop());
        }
      };
    }
    return original(...args);
  };
  return (...args) => {
    levels.at(-1).push({ register, args });
    if (levels.length === 1 && !scheduled) {
      scheduled = true;
      setImmediate(() => {
        scheduled = false;
        replay(levels[0].splice(0));
      });
    }
    return undefined;
  };
}

for (const [name, isSuite] of [
  ['test', false],
  ['it', false],
  ['describe', true],
  ['suite', true],
]) {
  if (typeof nodeTest[name] === 'function') nodeTest[name] = wrap(nodeTest[name], isSuite);
}
syncBuiltinESMExports();
