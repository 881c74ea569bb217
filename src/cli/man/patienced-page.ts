// patienced(8), written at build time from the table `patienced -h` prints (KEYS and
// COMMAND_FLAGS, read-only from src/daemon/config/): every flag with its type, default,
// config key and env var. Only the prose around the table is written here.
import { defaultLogFile } from '../../daemon/daemonize.ts';
import { COMMAND_FLAGS, HELP_FLAGS } from '../../daemon/config/flags.ts';
import { DEFAULT_CONFIG_PATH, FIELDS, KEYS, type ConfigField } from '../../daemon/config/schema.ts';
import { VERSION } from '../../shared/version.ts';
import { commandLine } from '../command-line.ts';
import { API_ENDPOINTS } from './api-endpoints.ts';
import { PATIENCED_EXAMPLES } from './examples.ts';
import { bold, esc, italic, literal, page, para, rawPara, section, tagged, type Block } from './roff.ts';

interface Flag {
  name: string;
  type: string;
  text: string;
}

function keyFlag<F extends ConfigField>(field: F): Flag {
  const spec = KEYS[field];
  const shown = spec.type.show(spec.default);
  const def = shown === '' ? 'unset' : shown;
  return {
    name: spec.flag,
    type: spec.type.flagType,
    text: `${spec.usage}. Default: ${def}. Config file: ${spec.key}; env: ${spec.env}.`,
  };
}

const flagEntry = (f: Flag): Block =>
  tagged(f.type === 'bool' ? bold(`-${f.name}`) : `${bold(`-${f.name}`)} ${italic(f.type)}`, f.text);

const entry = (name: string, text: string): Block => tagged(bold(name), text);

export function patiencedPage(): string {
  const socket = KEYS.socketPath.default;
  const pidFile = KEYS.pidFile.default;
  return page({ name: 'patienced', section: 8, source: `patience ${VERSION}`, manual: 'System Administration' }, [
    ...introduction(),
    section('Options'),
    ...options().map(flagEntry),
    section('Environment'),
    entry('RETRY_CONFIG', 'the config file, when -config is not given'),
    ...FIELDS.map((f) => entry(KEYS[f].env, `sets ${KEYS[f].key} (-${KEYS[f].flag})`)),
    section('Files'),
    entry(DEFAULT_CONFIG_PATH, 'the JSON config file read when neither -config nor RETRY_CONFIG names one'),
    entry(socket, 'the socket patience reports to (socket_path)'),
    entry(pidFile, 'the pid file: the PID and an instance token (pid_file)'),
    entry(defaultLogFile(pidFile), 'the log of -daemon when log_file is unset: beside the pid file'),
    para('A data file (data_file) keeps the runs across restarts; without one they are kept in memory only.'),
    section('Signals'),
    entry(
      'SIGTERM, SIGINT',
      'stop accepting, let open connections finish (up to 5 s), store what arrived, close HTTP, remove the ' +
        'socket and pid file, exit 0; a second signal exits 1 at once',
    ),
    entry('SIGHUP', 'reopen log_file (for logrotate)'),
    section('HTTP API'),
    para(
      `On http_host:http_port (${KEYS.httpHost.default}:${KEYS.httpPort.default} by default), read-only: ` +
        'answers are JSON, and errors are {"error": …, "code": …}. GET /api/openapi.json describes every route.',
    ),
    ...API_ENDPOINTS.map((e) => entry(`GET ${e.path}`, e.about)),
    section('Exit status'),
    entry('0', 'ran and stopped cleanly, started (-daemon), running (-status), or stopped or not running (-stop)'),
    entry('1', 'could not start (already running, socket or port in use, pid or log file refused), or -stop failed'),
    entry('2', 'invalid configuration or usage'),
    entry('3', '-status: not running'),
    entry('4', '-status: unknown (the pid file is not trusted); -stop: not allowed to signal it'),
    section('Examples'),
    ...PATIENCED_EXAMPLES.map((e) => [...(e.about ? para(e.about) : []), ...literal([commandLine(e.argv)])]),
    section('See also'),
    rawPara(`${bold('patience')}(1); docs/operations.md in the source distribution.`),
  ]);
}

/** NAME, SYNOPSIS (the action flags from the table) and DESCRIPTION. */
function introduction(): Block[] {
  const actions = COMMAND_FLAGS.filter((c) => c.type === 'bool' && c.name !== 'version');
  return [
    section('Name'),
    [`patienced \\- ${esc('the per-host daemon that collects the runs of patience(1)')}`],
    section('Synopsis'),
    [
      '.nf',
      `${bold('patienced')} [${italic('options')}]`,
      `${bold('patienced')} ${actions.map((a) => bold(`-${a.name}`)).join(' | ')} [${italic('options')}]`,
      `${bold('patienced')} ${bold('-h')} | ${bold('-version')}`,
      '.fi',
    ],
    section('Description'),
    para(
      'patienced receives the run record of every patience(1) run on the host over a Unix socket, keeps the runs ' +
        '(in memory, or in an SQLite data file) within retention limits by count, bytes and age, shares the rate ' +
        'limits of patience diophantine --daemon, and serves an HTTP API with a dashboard.',
    ),
    para(
      'It runs in the foreground; -daemon starts it in the background and returns once it listens. -status and ' +
        '-stop act on the daemon that the same configuration names, through its pid file.',
    ),
    para(
      `Settings are layered: the defaults, then the JSON config file (-config, else RETRY_CONFIG, else ${DEFAULT_CONFIG_PATH} ` +
        'when it exists), then RETRY_* environment variables, then flags; each overrides the one before. An ' +
        'unknown key or an invalid value stops start-up with exit status 2 and a message naming its source.',
    ),
    para(
      'Flags use Go syntax: one dash or two, the value as the next word or after = (-port 8081, -port=8081); ' +
        'booleans are set false with -flag=false. Durations are Go-style: 24h, 1h30m, 500ms.',
    ),
  ];
}

/** Every flag, as `patienced -h` sorts them. */
function options(): Flag[] {
  return [
    ...FIELDS.map(keyFlag),
    ...COMMAND_FLAGS.map((c) => ({ name: c.name, type: c.type, text: `${c.usage}.` })),
    ...HELP_FLAGS.map((h) => ({ name: h, type: 'bool', text: 'Print the usage and exit.' })),
  ].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
