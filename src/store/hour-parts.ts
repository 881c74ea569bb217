// The hours a command filter matches only in part (aggregates.ts), summarised in one pass
// over a store's runs in range: each run of a wanted command goes to its hour's summary as
// it is met, so the summaries come out as the stores' summarize() would give each hour
// alone (commands in first-met order, each one's durations summed in row order). Both
// stores thus give the same floats to the bit, and a filter every command passes gives
// what the unfiltered query gives. One pass for all the hours, not one per hour: runs that
// arrive out of time order spread an hour over every chunk. No second read by row: a
// sparse filter's runs are cache misses, and reading each one twice cost twice as much.

import { HOUR_MS, hourOf, justBelow, type CommandTally, type RangeSummary } from './agg-input.ts';
import type { ChunkSpans } from './chunk-spans.ts';
import type { PoolId } from './ids.ts';

export class HourParts {
  private readonly slotOf = new Map<number, number>();
  /** The listed hours as time windows within the range, neighbours joined: what a chunk must overlap. */
  private readonly windows: Array<[number, number]> = [];
  private readonly parts: RangeSummary[];
  /** Every tally, and the hour slot of each. */
  private readonly tallies: CommandTally[] = [];
  private readonly tallySlots: number[] = [];
  /**
   * By pool id, the index + 1 of the command's latest tally: in runs that arrive in time
   * order the next run of a command is usually in the same hour. `byKey` finds the others.
   */
  private readonly latest: Int32Array;
  private readonly byKey = new Map<number, number>();
  /** Runs mostly arrive in time order: the hour of the run before is usually this run's. */
  private lastHour = NaN;
  private lastSlot = -1;

  /**
   * @param hours ascending, each within [fromMs, toMs]'s hours
   * @param idLimit the pool's idLimit: every command id is below it
   */
  constructor(
    hours: readonly number[],
    fromMs: number,
    toMs: number,
    idLimit: number,
    private readonly nameOf: (id: PoolId) => string,
  ) {
    hours.forEach((h, i) => {
      this.slotOf.set(h, i);
      const last = this.windows[this.windows.length - 1];
      const end = Math.min(toMs, justBelow((h + 1) * HOUR_MS));
      if (last !== undefined && hours[i - 1] === h - 1) last[1] = end;
      else this.windows.push([Math.max(fromMs, h * HOUR_MS), end]);
    });
    this.parts = hours.map(() => ({ commands: [], durations: [], minTs: Infinity, maxTs: -Infinity }));
    this.latest = new Int32Array(idLimit);
  }

  /** Whether chunk k may hold a run of a listed hour: the others are skipped unread. */
  touches(spans: ChunkSpans, k: number): boolean {
    for (const [from, to] of this.windows) if (spans.overlaps(k, from, to)) return true;
    return false;
  }

  /** The slot of the hour of a run at `ts`, or -1 when that hour is not listed. */
  slotAt(ts: number): number {
    const h = hourOf(ts);
    if (h !== this.lastHour) {
      this.lastHour = h;
      this.lastSlot = this.slotOf.get(h) ?? -1;
    }
    return this.lastSlot;
  }

  /** One run into the summary of its hour's slot (from slotAt), in row order. */
  add(
    slot: number,
    command: PoolId,
    ts: number,
    seconds: number,
    succeeded: boolean,
    rescued: boolean,
    attempts: number,
  ): void {
    const part = this.parts[slot];
    if (part === undefined) return;
    const c = this.tally(slot, command, part);
    c.count++;
    if (succeeded) c.succeeded++;
    if (rescued) c.rescued++;
    c.attempts += attempts;
    c.durationSum += seconds;
    part.durations.push(seconds);
    if (ts < part.minTs) part.minTs = ts;
    if (ts > part.maxTs) part.maxTs = ts;
  }

  /** One summary per listed hour, aligned with the list. */
  summaries(): RangeSummary[] {
    return this.parts;
  }

  private tally(slot: number, command: PoolId, part: RangeSummary): CommandTally {
    const at = (this.latest[command] ?? 0) - 1;
    if (at >= 0 && this.tallySlots[at] === slot) return this.tallies[at] as CommandTally;
    const key = slot * this.latest.length + command;
    let i = this.byKey.get(key);
    if (i === undefined) {
      i = this.tallies.length;
      const c: CommandTally = {
        command: this.nameOf(command),
        commandId: command,
        count: 0,
        succeeded: 0,
        rescued: 0,
        attempts: 0,
        durationSum: 0,
      };
      this.tallies.push(c);
      this.tallySlots.push(slot);
      this.byKey.set(key, i);
      part.commands.push(c);
    }
    this.latest[command] = i + 1;
    return this.tallies[i] as CommandTally;
  }
}
