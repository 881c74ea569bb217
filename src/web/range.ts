// The time range every panel shows: a preset that ends now (1 h, 24 h, 7 d) or fixed
// custom bounds. Kept in the URL's hash, so a reload or a shared link shows the same.
import type { Range } from './api.ts';

export type Preset = '1h' | '24h' | '7d';
export type RangeChoice = { kind: 'preset'; preset: Preset } | { kind: 'custom'; startMs: number; endMs: number };

const HOUR = 3_600_000;
export const PRESET_MS: Readonly<Record<Preset, number>> = { '1h': HOUR, '24h': 24 * HOUR, '7d': 7 * 24 * HOUR };
export const DEFAULT_CHOICE: RangeChoice = { kind: 'preset', preset: '24h' };

function isPreset(v: string | null): v is Preset {
  return v === '1h' || v === '24h' || v === '7d';
}

/** The bounds at `nowMs`: a preset moves with the clock, a custom range does not. */
export function resolve(choice: RangeChoice, nowMs: number): Range {
  if (choice.kind === 'custom') return { startMs: choice.startMs, endMs: choice.endMs };
  return { startMs: nowMs - PRESET_MS[choice.preset], endMs: nowMs };
}

/** Whether a run at `tsMs` belongs in the range; a preset's end is always "now". */
export function contains(choice: RangeChoice, tsMs: number, nowMs: number): boolean {
  const r = resolve(choice, nowMs);
  return tsMs >= r.startMs && (choice.kind === 'preset' || tsMs <= r.endMs);
}

export function toHash(choice: RangeChoice): string {
  if (choice.kind === 'preset') return `#range=${choice.preset}`;
  return `#range=custom&start=${new Date(choice.startMs).toISOString()}&end=${new Date(choice.endMs).toISOString()}`;
}

/** Reads a hash written by toHash; anything else gives the default. */
export function fromHash(hash: string): RangeChoice {
  const p = new URLSearchParams(hash.replace(/^#/, ''));
  const range = p.get('range');
  if (isPreset(range)) return { kind: 'preset', preset: range };
  if (range === 'custom') {
    const startMs = Date.parse(p.get('start') ?? '');
    const endMs = Date.parse(p.get('end') ?? '');
    if (Number.isFinite(startMs) && Number.isFinite(endMs) && startMs <= endMs)
      return { kind: 'custom', startMs, endMs };
  }
  return DEFAULT_CHOICE;
}

/** "last 24 h" or "Nov 26 16:00 – Nov 27 09:30". */
export function describe(choice: RangeChoice, format: (ms: number) => string): string {
  if (choice.kind === 'preset') return `last ${choice.preset.replace(/(\d+)/, '$1 ')}`;
  return `${format(choice.startMs)} – ${format(choice.endMs)}`;
}
