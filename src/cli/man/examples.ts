// The EXAMPLES of patience(1), as argv so that a test parses each one with the parser the
// program uses: an example that names a renamed option fails there, not in a reader's shell.
import { STRATEGIES } from '../../retry/strategies/index.ts';

export interface Example {
  about: string;
  argv: readonly string[];
}

export const PATIENCE_EXAMPLES: readonly Example[] = [
  {
    about: 'A health check, up to 5 attempts, waiting 500ms, 1s, 2s and 4s between them:',
    argv: ['patience', 'exponential', '-a', '5', '-b', '500ms', '--', 'curl', '-fsS', 'https://example.com/health'],
  },
  {
    about: 'Wait as the server’s Retry-After says after a 429 or a 5xx, and stop at once on any other 4xx:',
    argv: ['patience', 'http-aware', '--', 'curl', '-i', 'https://api.example.com/items'],
  },
  {
    about: 'A deploy with a time limit per attempt, stopped at once when its output says fatal:',
    argv: ['patience', 'fixed', '-d', '2s', '-t', '30s', '--failure-pattern', '(?i)fatal', '--', './deploy.sh'],
  },
  {
    about: 'The schedule of delays, without running anything:',
    argv: ['patience', 'fibonacci', '--max-time', '5m', '--dry-run', '--', 'make', 'publish'],
  },
  {
    about: 'At most 2 starts per 10 seconds, one budget for every patience on the host through patienced:',
    argv: ['patience', 'diophantine', ...(STRATEGIES.diophantine.example ?? '').split(' ')],
  },
  {
    about: 'What failed in the last hour, and a week of deploys, from the daemon:',
    argv: ['patience', 'runs', '--status', 'failed', '--since', '1h'],
  },
  {
    about: '',
    argv: ['patience', 'stats', '--since', '168h', '--command', 'deploy'],
  },
];

export const PATIENCED_EXAMPLES: readonly Example[] = [
  {
    about: 'In the background, keeping the runs across restarts:',
    argv: ['patienced', '-daemon', '-data-file', '/var/lib/retry/metrics.db'],
  },
  { about: 'Is it running, and stop it:', argv: ['patienced', '-status'] },
  { about: '', argv: ['patienced', '-stop'] },
  {
    about: 'In the foreground on another port, logging every record:',
    argv: ['patienced', '-port', '9090', '-log-level', 'debug'],
  },
];
