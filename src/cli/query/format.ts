// How `patience runs` and `patience stats` write values for people: durations, times
// relative to now or on the local clock, percentages, and colour (only on a terminal,
// never with NO_COLOR set: https://no-color.org).
import type { Color } from './table.ts';

/** A run's duration in seconds, short: 850ms, 3.5s, 42.3s, 2m05s, 1h02m, 3d04h. */
export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '-';
  const ms = Math.round(seconds * 1000);
  if (ms < 1000) return `${ms}ms`;
  if (ms < 9995) return `${trimZeros((ms / 1000).toFixed(2))}s`;
  if (ms < 59_950) return `${trimZeros((ms / 1000).toFixed(1))}s`;
  const s = Math.round(seconds);
  if (s < 3600) return `${Math.floor(s / 60)}m${two(s % 60)}s`;
  const m = Math.round(seconds / 60);
  if (m < 24 * 60) return `${Math.floor(m / 60)}h${two(m % 60)}m`;
  const h = Math.round(seconds / 3600);
  return `${Math.floor(h / 24)}d${two(h % 24)}h`;
}

const trimZeros = (fixed: string): string => fixed.replace(/\.?0+$/, '');
const two = (n: number): string => String(n).padStart(2, '0');

/** How long ago a time was: 12s ago, 3m ago, 5h ago, 2d ago; older than a week, its local date. */
export function formatRelative(thenMs: number, nowMs: number): string {
  const diff = nowMs - thenMs;
  const ahead = diff < 0;
  const s = Math.floor(Math.abs(diff) / 1000);
  const say = (n: number, unit: string): string => (ahead ? `in ${n}${unit}` : `${n}${unit} ago`);
  if (s < 60) return say(s, 's');
  if (s < 3600) return say(Math.floor(s / 60), 'm');
  if (s < 86_400) return say(Math.floor(s / 3600), 'h');
  if (s < 7 * 86_400) return say(Math.floor(s / 86_400), 'd');
  return localDate(thenMs);
}

/** A time on the local clock, as a log shows it: 14:05:09 today, else Nov 29 14:05. */
export function formatClock(thenMs: number, nowMs: number): string {
  const t = new Date(thenMs);
  const n = new Date(nowMs);
  const sameDay = t.getFullYear() === n.getFullYear() && t.getMonth() === n.getMonth() && t.getDate() === n.getDate();
  if (sameDay) return `${two(t.getHours())}:${two(t.getMinutes())}:${two(t.getSeconds())}`;
  const month = t.toLocaleString('en-US', { month: 'short' });
  return `${month} ${two(t.getDate())} ${two(t.getHours())}:${two(t.getMinutes())}`;
}

/** 2026-11-29 on the local calendar. */
export function localDate(ms: number): string {
  const t = new Date(ms);
  return `${t.getFullYear()}-${two(t.getMonth() + 1)}-${two(t.getDate())}`;
}

/** 2026-11-29 14:05 on the local clock. */
export function localMinute(ms: number): string {
  const t = new Date(ms);
  return `${localDate(ms)} ${two(t.getHours())}:${two(t.getMinutes())}`;
}

/** A rate of 0..1 as a percentage: 100%, 75%, 66.7%. */
export function formatPercent(rate: number): string {
  if (!Number.isFinite(rate)) return '-';
  return `${trimZeros((rate * 100).toFixed(1))}%`;
}

/** Whether to colour stdout: a terminal, NO_COLOR unset or empty, and a terminal that knows colour. */
export function useColor(isTTY: boolean, env: Readonly<Record<string, string | undefined>>): boolean {
  return isTTY && !env.NO_COLOR && env.TERM !== 'dumb';
}

const SGR: Record<Color, string> = { green: '\u001b[32m', red: '\u001b[31m' };

export function paint(color: Color, text: string): string {
  return `${SGR[color]}${text}\u001b[0m`;
}

/** No colour: the text as it is. */
export const noPaint = (_color: Color, text: string): string => text;
