// The per-command tallies of a range summary (agg-input.ts), found by pool id through a
// reused Int32Array rather than a Map by name: both stores' passes over their typed
// arrays (memory-columns.ts, sqlite-shadow.ts) tally this way, in first-met order, so
// that their summaries, float sums included, agree to the bit.

import type { CommandTally } from './agg-input.ts';
import { grownCapacity, resized } from './growable.ts';
import type { PoolId } from './ids.ts';

export class CommandTallies {
  /** In first-met order. */
  private list: CommandTally[] = [];
  /** Per pool id, its tally's index + 1 (0 when not met); all 0 between passes. */
  private slotOf: Int32Array = new Int32Array(0);

  /** The tally of command `id`, added (with its pool id, named by `nameOf`) when first met. */
  of(id: PoolId, nameOf: (id: PoolId) => string): CommandTally {
    if (id >= this.slotOf.length) this.slotOf = resized(this.slotOf, grownCapacity(this.slotOf.length, id + 1, 1024));
    const slot = this.slotOf[id] ?? 0;
    if (slot !== 0) return this.list[slot - 1] as CommandTally;
    const c: CommandTally = {
      command: nameOf(id),
      commandId: id,
      count: 0,
      succeeded: 0,
      rescued: 0,
      attempts: 0,
      durationSum: 0,
    };
    this.list.push(c);
    this.slotOf[id] = this.list.length;
    return c;
  }

  /** The pass's tallies; the scratch is clean again for the next pass. */
  take(): CommandTally[] {
    const list = this.list;
    for (const c of list) this.slotOf[c.commandId ?? 0] = 0;
    this.list = [];
    return list;
  }
}
