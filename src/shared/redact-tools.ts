// Short flags that carry a password only for particular tools: `mysql -pSECRET` and
// `mysql -p SECRET`, `sshpass -p X`, `docker login -p X`, `redis-cli -a X`. The same `-p`
// is a port for ssh, psql and `docker run`, so these rules apply only to the words that
// follow such a tool within one simple command (up to `;`, `|`, `&`, a parenthesis, a
// backquote or a newline). A single forward scan: linear in the text's length.

const MASK = '***';

/** Any tool name the scanner knows; when none occurs the scan is skipped. */
export const TOOL_HINT = /mysql|mariadb|sshpass|login|redis-cli|keydb-cli|valkey-cli/;

interface ToolRule {
  /** The short flag whose value is a password. */
  readonly flag: string;
  /** sshpass: options end at the wrapped command, whose own `-p` is its own business. */
  readonly optionsOnly?: boolean;
  /** Other options that take the next word as their value (so it is not the wrapped command). */
  readonly takesValue?: ReadonlySet<string>;
}

const MYSQL: ToolRule = { flag: '-p' };
const REDIS: ToolRule = { flag: '-a' };
const SSHPASS: ToolRule = { flag: '-p', optionsOnly: true, takesValue: new Set(['-f', '-d', '-P']) };
const LOGIN: ToolRule = { flag: '-p' };

const TOOLS = new Map<string, ToolRule>([
  ...[
    'mysql',
    'mysqldump',
    'mysqladmin',
    'mysqlimport',
    'mysqlcheck',
    'mysqlshow',
    'mysqlpump',
    'mysqlslap',
    'mysqlbinlog',
    'mariadb',
    'mariadb-dump',
    'mariadb-admin',
    'mariadb-import',
    'mariadb-check',
    'mariadb-show',
    'mariadb-binlog',
  ].map((name) => [name, MYSQL] as const),
  ...['redis-cli', 'keydb-cli', 'valkey-cli'].map((name) => [name, REDIS] as const),
  ['sshpass', SSHPASS],
]);

// `login` is a tool only as the sub-command of one of these (`helm registry login`).
const LOGIN_PARENTS = new Set([
  'docker',
  'podman',
  'nerdctl',
  'buildah',
  'skopeo',
  'oras',
  'registry',
  'crane',
  'finch',
  'regctl',
  'cf',
  'oc',
]);

const SPACE = 1;
const QUOTE = 2;
const SEPARATOR = 4;
const KIND = new Uint8Array(128);
for (const c of ' \t\v\f') KIND[c.charCodeAt(0)] = SPACE;
for (const c of `'"`) KIND[c.charCodeAt(0)] = QUOTE;
for (const c of ';|&()`\n\r') KIND[c.charCodeAt(0)] = SEPARATOR;
const kind = (text: string, i: number): number => KIND[text.charCodeAt(i)] ?? 0;

/** The program a word names: a bare name, or a path through a bin directory (not /var/lib/mysql). */
function programName(word: string): string {
  const slash = word.lastIndexOf('/');
  if (slash < 0) return word;
  return word.slice(0, slash + 1).endsWith('bin/') ? word.slice(slash + 1) : '';
}

function toolOf(word: string, previous: string): ToolRule | undefined {
  // `docker run --name mysql -p 3306:3306`: the word is the value of a long option.
  if (previous.startsWith('--') && !previous.includes('=')) return undefined;
  const name = programName(word);
  if (name === 'login') return LOGIN_PARENTS.has(programName(previous)) ? LOGIN : undefined;
  return TOOLS.get(name);
}

/** Where a value starting at `from` ends: at a space or separator, quoted parts included. */
function valueEnd(text: string, from: number): number {
  let j = from;
  while (j < text.length) {
    const k = kind(text, j);
    if (k === QUOTE) {
      const close = text.indexOf(text.charAt(j), j + 1);
      j = close < 0 ? text.length : close + 1;
    } else if (k === SPACE || k === SEPARATOR) break;
    else j++;
  }
  return j;
}

/** Masks the password values of tool-scoped short flags; other text is returned as it was. */
export function redactToolFlags(text: string): string {
  const n = text.length;
  let out = '';
  let copied = 0;
  let rule: ToolRule | undefined;
  let previous = '';
  let skipNext = false;
  let i = 0;
  const mask = (from: number, to: number): void => {
    out += text.slice(copied, from) + MASK;
    copied = to;
    i = to;
  };
  while (i < n) {
    const k = kind(text, i);
    // Quotes are read as spaces here so that `sh -c "mysql -pX db"` still finds mysql.
    if (k === SPACE || k === QUOTE) {
      i++;
      continue;
    }
    if (k === SEPARATOR) {
      rule = undefined;
      previous = '';
      i++;
      continue;
    }
    const start = i;
    while (i < n && kind(text, i) === 0) i++;
    const word = text.slice(start, i);
    const tool = toolOf(word, previous);
    previous = word;
    if (tool !== undefined) {
      rule = tool;
      skipNext = false;
      continue;
    }
    if (rule === undefined) continue;
    if (skipNext) {
      skipNext = false;
      continue;
    }
    if (word === rule.flag) {
      // The value is attached in quotes (-p'x') or is the next word; `-p` alone prompts.
      let v = i;
      if (kind(text, v) !== QUOTE) {
        while (v < n && kind(text, v) === SPACE) v++;
        if (v >= n || text.charAt(v) === '-' || kind(text, v) === SEPARATOR) continue;
      }
      mask(v, valueEnd(text, v));
    } else if (word.startsWith(rule.flag) && !word.startsWith('--')) {
      const v = start + rule.flag.length;
      mask(v, valueEnd(text, v));
    } else if (rule.takesValue?.has(word) === true) {
      skipNext = true;
    } else if (rule.optionsOnly === true && !word.startsWith('-')) {
      rule = undefined;
    }
  }
  return copied === 0 ? text : out + text.slice(copied);
}
