// For the SQLite store: the few numbers of each stored run that commands() and a command
// filter need (id, run time, duration, attempts, status, command), in id order in typed
// arrays, ~33 B a run. The alternative, an index on runs by command, doubled the CPU of
// each insert at a million rows over 10,000 commands (each run lands on a different page
// of it, and every page a commit touches is written again); these columns cost nothing
// to append to, and a pass over them reads a million runs in a few milliseconds.
// Removed rows become tombstones until a compaction slides the live rows down.

import type { AggRow } from './agg-input.ts';
import { F64Column, U32Column, U8Column } from './chunked-column.ts';
import type { PoolId } from './ids.ts';
import { isRescued } from './rescued.ts';

const SUCCEEDED = 1;
const RESCUED = 2;
const DEAD = 4;
/** Tombstones tolerated before a compaction is worth its copying. */
const MIN_DEAD = 8192;

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

  /** A run just stored; ids only increase. `commandId` is its command's id in the store's pool. */
  push(id: number, row: AggRow, commandId: PoolId): void {
    const r = this.length++;
    if (this.length > this.ids.capacity) for (const c of this.columns()) c.reserve(this.length);
    this.ids.set(r, id);
    this.ts.set(r, row.timestampMs);
    this.durations.set(r, row.durationSeconds);
    this.attempts.set(r, row.totalAttempts);
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

  /**
   * Calls `visit` with each live row whose command is flagged in `wanted` (by pool id) and
   * whose run time lies in [fromMs, toMs], oldest first.
   */
  forEachOf(wanted: Uint8Array, fromMs: number, toMs: number, visit: (row: number) => void): void {
    for (let r = this.head; r < this.length; r++) {
      if (wanted[this.commands.get(r)] !== 1) continue;
      const ts = this.ts.get(r);
      if (ts >= fromMs && ts <= toMs && this.flags.get(r) !== DEAD) visit(r);
    }
  }

  /**
   * Newest first: the rows of commands flagged in `wanted` for which `accept` says yes,
   * until it has said yes `limit` times.
   */
  newestOf(wanted: Uint8Array, limit: number, accept: (row: number) => boolean): number[] {
    const ids: number[] = [];
    for (let r = this.length - 1; r >= this.head && ids.length < limit; r--) {
      if (wanted[this.commands.get(r)] !== 1 || this.flags.get(r) === DEAD) continue;
      if (accept(r)) ids.push(this.ids.get(r));
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
    for (const c of this.columns()) c.shrink(w);
  }

  private columns(): (F64Column | U32Column | U8Column)[] {
    return [this.ids, this.ts, this.durations, this.attempts, this.commands, this.flags];
  }
}
