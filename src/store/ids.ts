// The memory store's three kinds of integer, told apart by the type checker: a row of the
// columns (moves when a compaction slides rows down), a run's id (assigned once, ascending,
// never reused) and a string-pool id (reused once its string is released). Each is a number
// at run time; the brand exists only for tsc, so passing one for another is a type error.
// Values that come back out of a typed array lose their brand and get it back through the
// constructors below, which are the only casts.

declare const brand: unique symbol;
type Branded<T extends string> = number & { readonly [brand]: T };

/** A row of RunColumns, live or dead; valid until the next compaction (see `generation`). */
export type RowIndex = Branded<'RowIndex'>;
/** A stored run's id: what the API calls `id`, ascending with arrival. */
export type RunId = Branded<'RunId'>;
/** An interned string's id in a StringPool; 0 is ABSENT. */
export type PoolId = Branded<'PoolId'>;

export const rowIndex = (n: number): RowIndex => n as RowIndex;
export const runId = (n: number): RunId => n as RunId;
export const poolId = (n: number): PoolId => n as PoolId;
