// Process CPU and memory from /proc, percentiles, and plain-text tables.
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';

let clkTck;
function clockTicks() {
  if (clkTck === undefined) {
    try {
      clkTck = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clkTck = 100;
    }
  }
  return clkTck;
}

/** utime and stime of a process (all its threads), in µs. Resolution: one clock tick (10 ms). */
export function cpuTimes(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after "(comm)": state is field 3, utime 14, stime 15.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const tick = 1e6 / clockTicks();
  return { user: Number(rest[11]) * tick, sys: Number(rest[12]) * tick };
}

/** utime + stime of a process, in µs. */
export function cpuMicros(pid) {
  const t = cpuTimes(pid);
  return t.user + t.sys;
}

/** CPU time all processes on the machine spent busy (not idle or iowait), in µs, from /proc/stat. */
export function systemBusyMicros() {
  const [, ...v] = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/);
  const [user, nice, system, , , irq, softirq, steal] = v.map(Number);
  return ((user + nice + system + irq + softirq + (steal || 0)) * 1e6) / clockTicks();
}

/** VmRSS of a process, in bytes. */
export function rssBytes(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]) * 1024;
}

export function loadAverage() {
  try {
    return fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
  } catch {
    return [];
  }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Collects garbage in this (the client) process between phases, when --expose-gc is on. */
export function clientGc() {
  if (typeof globalThis.gc === 'function') globalThis.gc();
}

export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function latencySummary(ms) {
  const s = [...ms].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  return {
    n: s.length,
    p50: percentile(s, 50),
    p90: percentile(s, 90),
    p99: percentile(s, 99),
    max: s[s.length - 1],
    mean,
  };
}

/** Formats a number with a fixed count of decimals; dashes for missing values. */
export function fmt(v, decimals = 0) {
  if (v === undefined || v === null || Number.isNaN(v)) return '–';
  return v.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/** A plain table; align is one letter per column, "l" or "r" (default: first l, rest r). */
export function table(headers, rows, align) {
  const all = [headers, ...rows].map((r) => r.map((c) => String(c)));
  const widths = headers.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const left = (j) => (align ? align[j] === 'l' : j === 0);
  const line = (r) =>
    r
      .map((c, j) => (left(j) ? c.padEnd(widths[j]) : c.padStart(widths[j])))
      .join('  ')
      .trimEnd();
  const sep = widths.map((w) => '-'.repeat(w)).join('  ');
  return [line(all[0]), sep, ...all.slice(1).map(line)].map((l) => `  ${l}`).join('\n');
}
