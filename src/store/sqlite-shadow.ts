// For the SQLite store: the few numbers of each stored run that commands() and a command
// filter need (id, run time, duration, attempts, status, command), in id order in typed
// arrays, ~33 B a run. The alternative, an index on runs by command, doubled the CPU of
// each insert at a million rows over 10,000 commands (each run lands on a different page
// of it, and every page a commit touches is written again); these columns cost nothing
// to append to, and a pass over them reads a million runs in a few milliseconds.
// Removed rows become tombstones until a compaction slides the live rows down.

import type { AggRow, RangeSummary } from './agg-input.ts';
import { CommandTallies } from './command-tallies.ts';
import { MATCH } from './command-match.ts';
import { HourParts } from './hour-parts.ts';
import { ChunkSpans } from './chunk-spans.ts';
import { CHUNK_ROWS, F64Column, SHIFT, U32Column, U8Column } from './chunked-column.ts';
import { addRun, emptyRuns, trimRuns, type CommandRuns } from './command-stats.ts';
import type { PoolId } from './ids.ts';
import { MAX_ATTEMPTS, MAX_DURATION_SECONDS } from '../shared/record-limits.ts';
import { isRescued } from './rescued.ts';

const SUCCEEDED = 1;
const RESCUED = 2;
const DEAD = 4;
/** Tombstones tolerated before a compaction is worth its copying. */
const MIN_DEAD = 8192;

/** One chunk of each column of the shadow, row i of the chunk at index i in each. */
interface ShadowChunk {
  commands: Uint32Array;
  ts: Float64Array;
  flags: Uint8Array;
  durations: Float64Array;
  attempts: Uint32Array;
}

export class RunShadow {
  /** Rows in use, live or dead. */
  private length = 0;
  private dead = 0;
  /** Every row below this is dead: removals by age of id start here. */
  private head = 0;
  private readonly ids = new F64Column();
  private readonly ts = new F64Column();
  private readonly durations = new F64Column();
  private readonly attempts = new U32Column();
  private readonly commands = new U32Column<PoolId>();
  private readonly flags = new U8Column();
  private readonly spans = new ChunkSpans();
  /** summarize()'s scratch. */
  private readonly tallies = new CommandTallies();

  /** A run just stored; ids only increase. `commandId` is its command's id in the store's pool. */
  push(id: number, row: AggRow, commandId: PoolId): void {
    const r = this.length++;
    if (this.length > this.ids.capacity) for (const c of this.columns()) c.reserve(this.length);
    this.ids.set(r, id);
    this.ts.set(r, row.timestampMs);
    this.spans.widen(r, row.timestampMs);
    // Clamped as AGG_COLUMNS clamps what the aggregates read from old files (sqlite-codec.ts).
    this.durations.set(r, Math.min(Math.max(row.durationSeconds, 0), MAX_DURATION_SECONDS));
    this.attempts.set(r, Math.min(Math.max(row.totalAttempts, 0), MAX_ATTEMPTS));
    this.commands.set(r, commandId);
    this.flags.set(r, (row.succeeded ? SUCCEEDED : 0) | (isRescued(row.succeeded, row.failedAttempts) ? RESCUED : 0));
  }

  /** Forgets the run with this id (it must be held). */
  remove(id: number): void {
    const r = this.rowOf(id);
    if (r < 0) throw new Error(`run shadow: removing run ${id}, which it does not hold`);
    this.flags.set(r, DEAD);
    this.dead++;
    while (this.head < this.length && this.flags.get(this.head) === DEAD) this.head++;
    if (this.dead >= MIN_DEAD && this.dead * 4 >= this.length) this.compact();
  }

  /** Chunk k of every column, or undefined past the end. */
  private chunk(k: number): ShadowChunk | undefined {
    const commands = this.commands.chunkAt(k);
    const ts = this.ts.chunkAt(k);
    const flags = this.flags.chunkAt(k);
    const durations = this.durations.chunkAt(k);
    const attempts = this.attempts.chunkAt(k);
    if (!commands || !ts || !flags || !durations || !attempts) return undefined;
    return { commands, ts, flags, durations, attempts };
  }

  /**
   * The runs in [fromMs, toMs] of the commands given slots in `slots` (by pool id: slot + 1,
   * 0 for the others), summed up per slot. `expected[slot]` is how many runs the slot will
   * have (the aggregates know), so each command's durations fill one array of that size.
   */
  commandRuns(slots: Int32Array, expected: readonly number[], fromMs: number, toMs: number): CommandRuns[] {
    const out = emptyRuns(expected);
    // A chunk at a time over the raw arrays: a million rows in a few milliseconds.
    for (let k = this.head >>> SHIFT; k * CHUNK_ROWS < this.length; k++) {
      const chunk = this.chunk(k);
      if (chunk === undefined) break;
      const { commands, ts, flags, durations, attempts } = chunk;
      if (!this.spans.overlaps(k, fromMs, toMs)) continue;
      const end = Math.min(CHUNK_ROWS, this.length - k * CHUNK_ROWS);
      for (let i = 0; i < end; i++) {
        const slot = slots[commands[i] ?? 0] ?? 0;
        if (slot === 0) continue;
        const t = ts[i] ?? NaN;
        const f = flags[i] ?? DEAD;
        if (!(t >= fromMs && t <= toMs) || f === DEAD) continue;
        const c = out[slot - 1];
        if (c !== undefined)
          addRun(c, t, (f & SUCCEEDED) !== 0, (f & RESCUED) !== 0, durations[i] ?? 0, attempts[i] ?? 0);
      }
    }
    return trimRuns(out);
  }

  /**
   * The runs in [fromMs, toMs], for the hours a query covers only in part: what the memory
   * store's pass over its columns gives, in the same order (commands as first met, each
   * one's durations summed in id order), so that both stores' float sums agree to the bit.
   * A run's command is named through `nameOf` (the store's pool).
   */
  summarize(fromMs: number, toMs: number, nameOf: (id: PoolId) => string): RangeSummary {
    const tallies = this.tallies;
    const all: number[] = [];
    let minTs = Infinity;
    let maxTs = -Infinity;
    for (let k = this.head >>> SHIFT; k * CHUNK_ROWS < this.length; k++) {
      if (!this.spans.overlaps(k, fromMs, toMs)) continue;
      const chunk = this.chunk(k);
      if (chunk === undefined) break;
      const { commands, ts, flags, durations, attempts } = chunk;
      const end = Math.min(CHUNK_ROWS, this.length - k * CHUNK_ROWS);
      for (let i = 0; i < end; i++) {
        const t = ts[i] ?? NaN;
        const f = flags[i] ?? DEAD;
        if (!(t >= fromMs && t <= toMs) || f === DEAD) continue;
        const c = tallies.of((commands[i] ?? 0) as PoolId, nameOf);
        const seconds = durations[i] ?? 0;
        c.count++;
        if ((f & SUCCEEDED) !== 0) c.succeeded++;
        if ((f & RESCUED) !== 0) c.rescued++;
        c.attempts += attempts[i] ?? 0;
        c.durationSum += seconds;
        all.push(seconds);
        if (t < minTs) minTs = t;
        if (t > maxTs) maxTs = t;
      }
    }
    return { commands: tallies.take(), durations: all, minTs, maxTs };
  }

  /**
   * A command filter's runs: those in [fromMs, toMs] of the commands flagged MATCH in
   * `wanted` (by pool id), one summary per hour of `hours` (agg-input.ts HourSummarizer),
   * tallied as summarize() and the memory store's columns tally (hour-parts.ts).
   */
  summarizeHours(
    fromMs: number,
    toMs: number,
    wanted: Uint8Array,
    hours: readonly number[],
    idLimit: number,
    nameOf: (id: PoolId) => string,
  ): RangeSummary[] {
    const parts = new HourParts(hours, fromMs, toMs, idLimit, nameOf);
    const match = MATCH;
    for (let k = this.head >>> SHIFT; k * CHUNK_ROWS < this.length; k++) {
      if (!parts.touches(this.spans, k)) continue;
      const chunk = this.chunk(k);
      if (chunk === undefined) break;
      const { commands, ts, flags, durations, attempts } = chunk;
      const end = Math.min(CHUNK_ROWS, this.length - k * CHUNK_ROWS);
      for (let i = 0; i < end; i++) {
        const command = (commands[i] ?? 0) as PoolId;
        if (wanted[command] !== match) continue;
        const t = ts[i] ?? NaN;
        const f = flags[i] ?? DEAD;
        if (!(t >= fromMs && t <= toMs) || f === DEAD) continue;
        const slot = parts.slotAt(t);
        if (slot < 0) continue;
        parts.add(slot, command, t, durations[i] ?? 0, (f & SUCCEEDED) !== 0, (f & RESCUED) !== 0, attempts[i] ?? 0);
      }
    }
    return parts.summaries();
  }

  /**
   * Newest first: the ids of the rows of commands flagged in `wanted` (by pool id) for
   * which `accept` says yes, until it has said yes `limit` times. From the row below
   * `below`: a caller that takes them a page at a time passes the last row accepted.
   */
  newestOf(wanted: Uint8Array, limit: number, accept: (row: number) => boolean, below = this.length): number[] {
    const ids: number[] = [];
    const end = Math.min(below, this.length);
    if (end <= this.head) return ids;
    for (let k = (end - 1) >>> SHIFT; k >= 0 && k * CHUNK_ROWS + CHUNK_ROWS > this.head; k--) {
      const commands = this.commands.chunkAt(k);
      const flags = this.flags.chunkAt(k);
      if (commands === undefined || flags === undefined) break;
      for (let i = Math.min(CHUNK_ROWS, end - k * CHUNK_ROWS) - 1; i >= 0; i--) {
        if (wanted[commands[i] ?? 0] !== 1 || flags[i] === DEAD) continue;
        const r = k * CHUNK_ROWS + i;
        if (r < this.head) break;
        if (!accept(r)) continue;
        ids.push(this.ids.get(r));
        if (ids.length >= limit) return ids;
      }
    }
    return ids;
  }

  idAt(r: number): number {
    return this.ids.get(r);
  }
  timestampAt(r: number): number {
    return this.ts.get(r);
  }
  durationAt(r: number): number {
    return this.durations.get(r);
  }
  attemptsAt(r: number): number {
    return this.attempts.get(r);
  }
  commandAt(r: number): PoolId {
    return this.commands.get(r);
  }
  succeededAt(r: number): boolean {
    return (this.flags.get(r) & SUCCEEDED) !== 0;
  }
  rescuedAt(r: number): boolean {
    return (this.flags.get(r) & RESCUED) !== 0;
  }

  /** The row holding `id`, dead or alive, or -1. Removals by count take the oldest: the head. */
  private rowOf(id: number): number {
    if (this.head < this.length && this.ids.get(this.head) === id) return this.head;
    let lo = this.head;
    let hi = this.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const at = this.ids.get(mid);
      if (at === id) return this.flags.get(mid) === DEAD ? -1 : mid;
      if (at < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  private compact(): void {
    let w = 0;
    for (let r = this.head; r < this.length; r++) {
      if (this.flags.get(r) === DEAD) continue;
      if (w !== r) {
        this.ids.set(w, this.ids.get(r));
        this.ts.set(w, this.ts.get(r));
        this.durations.set(w, this.durations.get(r));
        this.attempts.set(w, this.attempts.get(r));
        this.commands.set(w, this.commands.get(r));
        this.flags.set(w, this.flags.get(r));
      }
      w++;
    }
    this.length = w;
    this.dead = 0;
    this.head = 0;
    this.spans.clear();
    for (let r = 0; r < w; r++) this.spans.widen(r, this.ts.get(r));
    for (const c of this.columns()) c.shrink(w);
  }

  private columns(): (F64Column | U32Column | U8Column)[] {
    return [this.ids, this.ts, this.durations, this.attempts, this.commands, this.flags];
  }
}
