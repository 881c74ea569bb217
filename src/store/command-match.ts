// The `command=` filter of stats() and commands(): a run passes when its (redacted) command
// contains the text, case-sensitive (String.includes), the rule recent() applies in both
// stores. Commands repeat, so each distinct command is tested at most once per query, by
// its pool id, and the answers double as the mask a store's pass over its runs reads.

import type { PoolId } from './ids.ts';
import type { StringPool } from './string-pool.ts';

/** In `wanted`: the command passes. Any other value (0 untested, MISS) means it does not. */
export const MATCH = 1;
const MISS = 2;

export class CommandMatch {
  /** By pool id: 0 while untested, then MATCH or MISS. */
  readonly wanted: Uint8Array;

  constructor(
    private readonly part: string,
    private readonly pool: StringPool,
  ) {
    this.wanted = new Uint8Array(pool.idLimit);
  }

  /** Whether the command with this pool id passes; tests its text the first time only. */
  readonly test = (id: PoolId): boolean => {
    let m = this.wanted[id] ?? MISS;
    if (m === 0) this.wanted[id] = m = this.pool.get(id).includes(this.part) ? MATCH : MISS;
    return m === MATCH;
  };
}
