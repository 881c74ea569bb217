// The in-memory records as columns of typed arrays, one row per run in id order, with
// strings interned and attempts in one shared pool. A JS object per run (boxed numbers,
// an object per attempt, a hidden class each) costs several times more RSS.
// Removed rows become tombstones until a compaction slides the live rows down; a
// compaction bumps `generation` so that iterators know to find their place again.

import type { Attempt, RunRecord } from '../shared/run-record.ts';
import type { AggRow, RangeSummary } from './agg-input.ts';
import { ChunkSpans } from './chunk-spans.ts';
import { CHUNK_ROWS, F64Column, I32Column, U32Column, U8Column } from './chunked-column.ts';
import { CommandTallies } from './command-tallies.ts';
import { MATCH } from './command-match.ts';
import { HourParts } from './hour-parts.ts';
import { addRun, emptyRuns, trimRuns, type CommandRuns } from './command-stats.ts';
import { extraColumns, labelsColumn, type ExtraColumn, type RowColumn } from './extra-columns.ts';
import { ABSENT, type StringPool } from './string-pool.ts';
import { rowIndex, type PoolId, type RowIndex, type RunId } from './ids.ts';
import { recordCost } from './record-cost.ts';
import { DerivedHashes } from './derived-hashes.ts';
import { isRescued } from './rescued.ts';

const SUCCEEDED = 1;
const DEAD = 2;
/** The row's numbers did not fit the columns; the record itself is kept aside. */
const EXOTIC = 4;
/**
 * command_hash is sha256(command)'s prefix, as it nearly always is: recomputed on read
 * (about 1 µs) instead of holding an 8-char string per distinct command.
 */
const HASH_DERIVED = 8;
/** Presence of the optional integer fields (extra-columns.ts), one bit each. */
const PRESENCE_BITS = [16, 32, 64, 128];

/** Tombstones tolerated before a compaction is worth its copying. */
const MIN_DEAD = 1024;
const UINT32_MAX = 0xffff_ffff;

function isInt32(n: number): boolean {
  return (n | 0) === n;
}

/** Exotic rows keep exact values aside; their columns hold a clamped stand-in. */
function clampU32(n: number): number {
  return Math.min(n, UINT32_MAX);
}

/** Whether the record's core integers fit the Uint32/Int32 columns without loss. */
function fitsColumns(r: RunRecord): boolean {
  if (r.total_attempts > UINT32_MAX || r.successful_attempts > UINT32_MAX || r.failed_attempts > UINT32_MAX)
    return false;
  for (const a of r.attempts) if (!isInt32(a.exit_code)) return false;
  return true;
}

/** One chunk's slices of the columns a pass over a time range reads. */
interface ChunkView {
  ts: Float64Array;
  flags: Uint8Array;
  commands: Uint32Array;
  durations: Float64Array;
  failed: Uint32Array;
  total: Uint32Array;
  /** Rows in use in this chunk. */
  end: number;
}

export class RunColumns {
  /** Rows in use, live or dead. */
  length = 0;
  live = 0;
  /** The sum of the live rows' costs (record-cost.ts), for max_store_bytes. */
  bytes = 0;
  /** Bumped whenever rows move. */
  generation = 0;
  private dead = 0;

  private readonly ids = new F64Column<RunId>();
  private readonly timestamps = new F64Column();
  private readonly received = new F64Column();
  private readonly durations = new F64Column();
  private readonly totalAttempts = new U32Column();
  private readonly successfulAttempts = new U32Column();
  private readonly failedAttempts = new U32Column();
  private readonly flags = new U8Column();
  private readonly commands = new U32Column<PoolId>();
  private readonly hashes = new U32Column<PoolId>();
  /** The optional fields of record-fields.ts, one column each. */
  private readonly extras: readonly ExtraColumn[];
  /** The labels' column among the extras. */
  private readonly labels: U32Column<PoolId>;
  private readonly attemptStart = new U32Column();
  private readonly attemptCount = new U32Column();
  private readonly costs = new U32Column();
  private readonly rowColumns: RowColumn[] = [
    this.ids,
    this.timestamps,
    this.received,
    this.durations,
    this.totalAttempts,
    this.successfulAttempts,
    this.failedAttempts,
    this.flags,
    this.commands,
    this.hashes,
    this.attemptStart,
    this.attemptCount,
    this.costs,
  ];

  private attemptsUsed = 0;
  private readonly attemptDurations = new F64Column();
  private readonly attemptExitCodes = new I32Column();
  private readonly attemptSuccess = new U8Column();
  private readonly attemptColumns = [this.attemptDurations, this.attemptExitCodes, this.attemptSuccess];

  private readonly exotic = new Map<RunId, RunRecord>();
  private readonly derivedHashes = new DerivedHashes();
  /** Each chunk's earliest and latest run time: a pass over a time range skips the others. */
  private readonly spans = new ChunkSpans();
  /** aggRow()'s one object: a run added or removed costs no garbage. */
  private readonly aggScratch: AggRow & { commandId: PoolId } = {
    timestampMs: 0,
    command: '',
    commandId: ABSENT,
    succeeded: false,
    failedAttempts: 0,
    totalAttempts: 0,
    durationSeconds: 0,
  };
  /** summarize()'s scratch. */
  private readonly tallies = new CommandTallies();
  private readonly nameOf = (id: PoolId): string => this.pool.get(id);

  constructor(private readonly pool: StringPool) {
    this.extras = extraColumns(pool, PRESENCE_BITS);
    this.labels = labelsColumn(this.extras);
    this.rowColumns.push(...this.extras.map((e) => e.column));
  }

  /** Appends a run and returns its row. */
  push(id: RunId, receivedAtMs: number, r: RunRecord): RowIndex {
    if (this.length === this.ids.capacity) {
      // Reuse tombstoned rows before taking more memory.
      if (this.dead > 0 && this.dead * 8 >= this.length) this.compact();
      else for (const col of this.rowColumns) col.reserve(this.length + 1);
    }
    const n = r.attempts.length;
    for (const col of this.attemptColumns) col.reserve(this.attemptsUsed + n);
    const row = rowIndex(this.length++);
    this.live++;
    let fits = fitsColumns(r);
    for (const e of this.extras) fits &&= e.fits(r);
    const command = this.pool.intern(r.command);
    const derived = r.command_hash === this.derivedHashes.of(command, r.command);
    this.ids.set(row, id);
    this.timestamps.set(row, r.timestampMs);
    this.spans.widen(row, r.timestampMs);
    this.received.set(row, receivedAtMs);
    this.durations.set(row, r.total_duration_seconds);
    this.totalAttempts.set(row, clampU32(r.total_attempts));
    this.successfulAttempts.set(row, clampU32(r.successful_attempts));
    this.failedAttempts.set(row, clampU32(r.failed_attempts));
    let flags = (r.final_status === 'succeeded' ? SUCCEEDED : 0) | (fits ? 0 : EXOTIC) | (derived ? HASH_DERIVED : 0);
    for (const e of this.extras) flags |= e.write(row, r);
    this.flags.set(row, flags);
    this.commands.set(row, command);
    this.hashes.set(row, derived ? ABSENT : this.pool.intern(r.command_hash));
    this.attemptStart.set(row, this.attemptsUsed);
    this.attemptCount.set(row, n);
    const cost = recordCost(r);
    this.costs.set(row, cost);
    this.bytes += cost;
    for (const a of r.attempts) {
      const k = this.attemptsUsed++;
      this.attemptDurations.set(k, a.duration_seconds);
      this.attemptExitCodes.set(k, a.exit_code);
      this.attemptSuccess.set(k, a.success ? 1 : 0);
    }
    if (!fits) this.exotic.set(id, structuredClone(r));
    return row;
  }

  isLive(row: RowIndex): boolean {
    return row < this.length && (this.flags.get(row) & DEAD) === 0;
  }

  idAt(row: RowIndex): RunId {
    return this.ids.get(row);
  }

  timestampAt(row: RowIndex): number {
    return this.timestamps.get(row);
  }

  receivedAt(row: RowIndex): number {
    return this.received.get(row);
  }

  succeededAt(row: RowIndex): boolean {
    return (this.flags.get(row) & SUCCEEDED) !== 0;
  }

  costAt(row: RowIndex): number {
    return this.costs.get(row);
  }

  commandIdAt(row: RowIndex): PoolId {
    return this.commands.get(row);
  }

  /** The row's label set as JSON text in the pool, or ABSENT. */
  labelsIdAt(row: RowIndex): PoolId {
    return this.labels.get(row);
  }

  /** The first row whose id is at least `id` (ids ascend with rows). */
  rowAtOrAfter(id: RunId): RowIndex {
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ids.get(mid) < id) lo = mid + 1;
      else hi = mid;
    }
    return rowIndex(lo);
  }

  /** The row as the aggregates count it: one object, filled anew by each call (they keep nothing of it). */
  aggRow(row: RowIndex): AggRow {
    const ex = this.exoticAt(row);
    const a = this.aggScratch;
    a.commandId = this.commands.get(row);
    a.timestampMs = this.timestamps.get(row);
    a.command = this.pool.get(a.commandId);
    a.succeeded = this.succeededAt(row);
    a.failedAttempts = ex ? ex.failed_attempts : this.failedAttempts.get(row);
    a.totalAttempts = ex ? ex.total_attempts : this.totalAttempts.get(row);
    a.durationSeconds = this.durations.get(row);
    return a;
  }

  /**
   * The live runs in [fromMs, toMs], for the hours a query covers only in part: a chunk at
   * a time over the raw arrays, tallied by pool id, commands as first met and each one's
   * durations summed in row order, as the SQLite store's shadow does (sqlite-shadow.ts),
   * so that both stores' float sums agree to the bit.
   */
  // Loops written out in full here and in commandRuns(): a visitor callback per row made both slower.
  summarize(fromMs: number, toMs: number): RangeSummary {
    const all: number[] = [];
    let minTs = Infinity;
    let maxTs = -Infinity;
    for (let k = 0; k * CHUNK_ROWS < this.length; k++) {
      const v = this.chunkView(k, fromMs, toMs);
      if (v === undefined) continue;
      for (let i = 0; i < v.end; i++) {
        const t = v.ts[i] ?? NaN;
        const f = v.flags[i] ?? DEAD;
        if (!(t >= fromMs && t <= toMs) || (f & DEAD) !== 0) continue;
        const ex = (f & EXOTIC) !== 0 ? this.exoticAt(rowIndex(k * CHUNK_ROWS + i)) : undefined;
        const c = this.tallies.of((v.commands[i] ?? 0) as PoolId, this.nameOf);
        const seconds = v.durations[i] ?? 0;
        c.count++;
        if ((f & SUCCEEDED) !== 0) c.succeeded++;
        if (isRescued((f & SUCCEEDED) !== 0, ex ? ex.failed_attempts : (v.failed[i] ?? 0))) c.rescued++;
        c.attempts += ex ? ex.total_attempts : (v.total[i] ?? 0);
        c.durationSum += seconds;
        all.push(seconds);
        if (t < minTs) minTs = t;
        if (t > maxTs) maxTs = t;
      }
    }
    return { commands: this.tallies.take(), durations: all, minTs, maxTs };
  }

  /**
   * A command filter's runs: the live runs in [fromMs, toMs] of the commands flagged MATCH
   * in `wanted` (by pool id), one summary per hour of `hours` (agg-input.ts HourSummarizer),
   * tallied as summarize() tallies (hour-parts.ts).
   */
  summarizeHours(fromMs: number, toMs: number, wanted: Uint8Array, hours: readonly number[]): RangeSummary[] {
    const parts = new HourParts(hours, fromMs, toMs, this.pool.idLimit, this.nameOf);
    const match = MATCH;
    for (let k = 0; k * CHUNK_ROWS < this.length; k++) {
      const v = parts.touches(this.spans, k) ? this.chunkView(k, fromMs, toMs) : undefined;
      if (v === undefined) continue;
      for (let i = 0; i < v.end; i++) {
        const command = (v.commands[i] ?? 0) as PoolId;
        if (wanted[command] !== match) continue;
        const t = v.ts[i] ?? NaN;
        const f = v.flags[i] ?? DEAD;
        if (!(t >= fromMs && t <= toMs) || (f & DEAD) !== 0) continue;
        const slot = parts.slotAt(t);
        if (slot < 0) continue;
        const ex = (f & EXOTIC) !== 0 ? this.exoticAt(rowIndex(k * CHUNK_ROWS + i)) : undefined;
        const ok = (f & SUCCEEDED) !== 0;
        const failed = ex ? ex.failed_attempts : (v.failed[i] ?? 0);
        const total = ex ? ex.total_attempts : (v.total[i] ?? 0);
        parts.add(slot, command, t, v.durations[i] ?? 0, ok, isRescued(ok, failed), total);
      }
    }
    return parts.summaries();
  }

  /**
   * The live runs in [fromMs, toMs] of the commands given slots in `slots` (by pool id:
   * slot + 1, 0 for the others), summed up per slot; `expected[slot]` is the slot's count.
   */
  commandRuns(slots: Int32Array, expected: readonly number[], fromMs: number, toMs: number): CommandRuns[] {
    const out = emptyRuns(expected);
    for (let k = 0; k * CHUNK_ROWS < this.length; k++) {
      const v = this.chunkView(k, fromMs, toMs);
      if (v === undefined) continue;
      for (let i = 0; i < v.end; i++) {
        const slot = slots[v.commands[i] ?? 0] ?? 0;
        if (slot === 0) continue;
        const t = v.ts[i] ?? NaN;
        const f = v.flags[i] ?? DEAD;
        const c = out[slot - 1];
        if (!(t >= fromMs && t <= toMs) || (f & DEAD) !== 0 || c === undefined) continue;
        const ex = (f & EXOTIC) !== 0 ? this.exoticAt(rowIndex(k * CHUNK_ROWS + i)) : undefined;
        const failed = ex ? ex.failed_attempts : (v.failed[i] ?? 0);
        const total = ex ? ex.total_attempts : (v.total[i] ?? 0);
        const ok = (f & SUCCEEDED) !== 0;
        addRun(c, t, ok, isRescued(ok, failed), v.durations[i] ?? 0, total);
      }
    }
    return trimRuns(out);
  }

  record(row: RowIndex): RunRecord {
    const ex = this.exoticAt(row);
    if (ex) return structuredClone(ex);
    const attempts: Attempt[] = [];
    const start = this.attemptStart.get(row);
    const end = start + this.attemptCount.get(row);
    for (let k = start; k < end; k++) {
      attempts.push({
        duration_seconds: this.attemptDurations.get(k),
        exit_code: this.attemptExitCodes.get(k),
        success: this.attemptSuccess.get(k) === 1,
      });
    }
    const flags = this.flags.get(row);
    const commandId = this.commands.get(row);
    const command = this.pool.get(commandId);
    const r: RunRecord = {
      command,
      command_hash:
        flags & HASH_DERIVED ? this.derivedHashes.of(commandId, command) : this.pool.get(this.hashes.get(row)),
      final_status: flags & SUCCEEDED ? 'succeeded' : 'failed',
      total_duration_seconds: this.durations.get(row),
      total_attempts: this.totalAttempts.get(row),
      successful_attempts: this.successfulAttempts.get(row),
      failed_attempts: this.failedAttempts.get(row),
      attempts,
      timestampMs: this.timestamps.get(row),
    };
    for (const e of this.extras) e.read(row, flags, r);
    return r;
  }

  /** Marks a row dead and lets go of its strings. The caller compacts when it suits. */
  kill(row: RowIndex): void {
    if (!this.isLive(row)) return;
    this.flags.set(row, this.flags.get(row) | DEAD);
    this.pool.release(this.commands.get(row));
    this.pool.release(this.hashes.get(row));
    for (const e of this.extras) e.release(row);
    this.exotic.delete(this.idAt(row));
    this.bytes -= this.costs.get(row);
    this.live--;
    this.dead++;
  }

  /** Compacts once tombstones are a quarter of the rows: amortised O(1) per removal. */
  compactIfWorthIt(): void {
    if (this.dead >= MIN_DEAD && this.dead * 4 >= this.length) this.compact();
  }

  /** Drops every row and attempt. The caller has already released what they hold. */
  clear(): void {
    this.length = this.live = this.dead = this.attemptsUsed = this.bytes = 0;
    this.exotic.clear();
    this.derivedHashes.clear();
    for (const col of [...this.rowColumns, ...this.attemptColumns]) col.clear();
    this.spans.clear();
    this.generation++;
  }

  /** Chunk k's slices, or undefined when its span misses [fromMs, toMs]. */
  private chunkView(k: number, fromMs: number, toMs: number): ChunkView | undefined {
    if (!this.spans.overlaps(k, fromMs, toMs)) return undefined;
    const ts = this.timestamps.chunkAt(k);
    const flags = this.flags.chunkAt(k);
    const commands = this.commands.chunkAt(k);
    const durations = this.durations.chunkAt(k);
    const failed = this.failedAttempts.chunkAt(k);
    const total = this.totalAttempts.chunkAt(k);
    if (!ts || !flags || !commands || !durations || !failed || !total) return undefined;
    return { ts, flags, commands, durations, failed, total, end: Math.min(CHUNK_ROWS, this.length - k * CHUNK_ROWS) };
  }

  private exoticAt(row: RowIndex): RunRecord | undefined {
    return this.flags.get(row) & EXOTIC ? this.exotic.get(this.idAt(row)) : undefined;
  }

  /** Slides each run of live rows, and their attempts, down over the dead ones. */
  private compact(): void {
    let write = 0;
    let attemptWrite = 0;
    let r = rowIndex(0);
    while (r < this.length) {
      if (!this.isLive(r)) {
        r++;
        continue;
      }
      let e = r;
      while (e < this.length && this.isLive(e)) e++;
      const aFrom = this.attemptStart.get(r);
      const aTo = this.attemptStart.get(e - 1) + this.attemptCount.get(e - 1);
      if (write !== r) for (const col of this.rowColumns) col.moveDown(r, write, e - r);
      if (attemptWrite !== aFrom) {
        for (const col of this.attemptColumns) col.moveDown(aFrom, attemptWrite, aTo - aFrom);
        const shift = attemptWrite - aFrom;
        for (let w = write; w < write + (e - r); w++) this.attemptStart.set(w, this.attemptStart.get(w) + shift);
      }
      write += e - r;
      attemptWrite += aTo - aFrom;
      r = e;
    }
    this.length = write;
    this.attemptsUsed = attemptWrite;
    this.dead = 0;
    this.generation++;
    this.spans.clear();
    for (let w = 0; w < write; w++) this.spans.widen(w, this.timestamps.get(w));
    // Give back the chunks a large removal emptied.
    for (const col of this.rowColumns) col.shrink(this.length);
    for (const col of this.attemptColumns) col.shrink(this.attemptsUsed);
  }
}
