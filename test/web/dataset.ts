// A realistic day of runs for the dashboard tests and the README screenshot: a handful
// of commands with their own habits (a flaky API call, a slow backup, a deploy that
// sometimes fails), spread over the last 24 hours, from a seeded generator.
import { seeded } from '../helpers/seeded.ts';

const HOUR = 3_600_000;

interface Habit {
  command: string;
  strategy: string;
  /** Runs per hour. */
  rate: number;
  /** Chance that one attempt fails. */
  flakiness: number;
  maxAttempts: number;
  /** Typical seconds per attempt. */
  seconds: number;
}

const HABITS: Habit[] = [
  {
    command: 'curl -fsS https://api.example.com/v1/health',
    strategy: 'exponential',
    rate: 6,
    flakiness: 0.25,
    maxAttempts: 5,
    seconds: 0.4,
  },
  {
    command: 'pg_dump -Fc app > /var/backups/app.dump',
    strategy: 'fixed',
    rate: 1,
    flakiness: 0.08,
    maxAttempts: 3,
    seconds: 95,
  },
  {
    command: 'kubectl rollout status deploy/web -n prod',
    strategy: 'linear',
    rate: 1.5,
    flakiness: 0.45,
    maxAttempts: 3,
    seconds: 12,
  },
  {
    command: 'rsync -a /srv/uploads/ backup-2:/srv/uploads/',
    strategy: 'decorrelated-jitter',
    rate: 2,
    flakiness: 0.15,
    maxAttempts: 4,
    seconds: 30,
  },
  {
    command: 'npm ci --prefer-offline',
    strategy: 'fibonacci',
    rate: 2.5,
    flakiness: 0.12,
    maxAttempts: 3,
    seconds: 22,
  },
  { command: 'make -C build test', strategy: 'adaptive', rate: 3, flakiness: 0.05, maxAttempts: 2, seconds: 8 },
  {
    command: 'aws s3 sync ./dist s3://assets-bucket/site',
    strategy: 'http-aware',
    rate: 1,
    flakiness: 0.2,
    maxAttempts: 5,
    seconds: 6,
  },
  { command: 'ping -c 1 db.internal', strategy: 'jitter', rate: 4, flakiness: 0.5, maxAttempts: 2, seconds: 0.05 },
];

/** Run records for the socket, with timestamps (unix seconds) in [nowMs - hours, nowMs). */
export function realisticRuns(nowMs: number, hours = 24, seed = 42): Array<Record<string, unknown>> {
  const rnd = seeded(seed);
  const runs: Array<Record<string, unknown>> = [];
  for (let h = hours; h >= 1; h--) {
    const hourStart = nowMs - h * HOUR;
    // Busier in the working day, quieter at night, with one bad hour of failures.
    const load = 0.5 + 0.5 * Math.sin(((h % 24) / 24) * Math.PI * 2);
    const badHour = h === 7 || h === 8;
    for (const habit of HABITS) {
      const n = Math.round(habit.rate * (0.5 + load) * (0.6 + rnd() * 0.8));
      for (let k = 0; k < n; k++) {
        const attempts: Array<{ duration_seconds: number; exit_code: number; success: boolean }> = [];
        const flaky = badHour ? Math.min(0.9, habit.flakiness * 3) : habit.flakiness;
        let ok = false;
        while (!ok && attempts.length < habit.maxAttempts) {
          ok = rnd() >= flaky;
          const d = habit.seconds * (0.5 + rnd() * rnd() * 3);
          attempts.push({
            duration_seconds: Number(d.toFixed(3)),
            exit_code: ok ? 0 : ([1, 7, 22, 28][Math.floor(rnd() * 4)] ?? 1),
            success: ok,
          });
        }
        const waits = attempts.length > 1 ? (attempts.length - 1) * habit.seconds * 0.5 : 0;
        const total = attempts.reduce((s, a) => s + a.duration_seconds, 0) + waits;
        runs.push({
          command: habit.command,
          final_status: ok ? 'succeeded' : 'failed',
          total_duration_seconds: Number(total.toFixed(3)),
          attempts,
          strategy: habit.strategy,
          exit_code: attempts[attempts.length - 1]?.exit_code ?? 0,
          timestamp: (hourStart + rnd() * HOUR) / 1000,
        });
      }
    }
  }
  return runs.sort((a, b) => (a.timestamp as number) - (b.timestamp as number));
}
