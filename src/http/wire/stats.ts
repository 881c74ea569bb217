// The store's aggregates in the API's shapes (src/shared/api/metrics.ts): times in RFC 3339
// to the second, average durations also in integer nanoseconds (Go's time.Duration).
import type { CommandStats, RunStats } from '../../store/types.ts';
import type { CommandsResult, StatsResult } from '../../shared/api/metrics.ts';
import { rfc3339Seconds } from './time.ts';

const nanoseconds = (seconds: number): number => Math.round(seconds * 1e9);

export function toApiStats(s: RunStats): StatsResult {
  return {
    time_range: { start: rfc3339Seconds(s.startMs), end: rfc3339Seconds(s.endMs) },
    total_runs: s.totalRuns,
    successful_runs: s.successfulRuns,
    failed_runs: s.failedRuns,
    success_rate: s.successRate,
    average_attempts: s.averageAttempts,
    average_duration: nanoseconds(s.averageDurationSeconds),
    average_duration_seconds: s.averageDurationSeconds,
    duration_seconds: s.durationSeconds,
    rescued_runs: s.rescuedRuns,
    total_attempts: s.totalAttempts,
    top_commands: s.topCommands.map((c) => ({
      command: c.command,
      count: c.count,
      success_rate: c.successRate,
      avg_duration: nanoseconds(c.avgDurationSeconds),
    })),
    hourly_breakdown: s.hourly.map((h) => ({
      hour: rfc3339Seconds(h.hourMs),
      total_runs: h.totalRuns,
      success_rate: h.successRate,
    })),
  };
}

export function toApiCommands(c: CommandStats): CommandsResult {
  return {
    time_range: { start: rfc3339Seconds(c.startMs), end: rfc3339Seconds(c.endMs) },
    commands: c.commands.map((d) => ({
      command: d.command,
      count: d.count,
      successful_runs: d.successfulRuns,
      failed_runs: d.failedRuns,
      success_rate: d.successRate,
      rescued_runs: d.rescuedRuns,
      average_attempts: d.averageAttempts,
      average_duration_seconds: d.averageDurationSeconds,
      duration_seconds: d.durationSeconds,
      last_run: rfc3339Seconds(d.lastRunMs),
    })),
  };
}
