// Typed arrays that grow by copying, for the small per-string and per-command tables.
// (Record columns use chunked-column.ts instead, which never copies.) Growth is 1.5x so
// that the slack a growth leaves behind stays a small share of the memory.

export type NumberColumn = Float64Array | Uint32Array | Int32Array | Uint8Array;

/** A copy of `arr` with `capacity` slots; the first min(length, capacity) are kept. */
export function resized<T extends NumberColumn>(arr: T, capacity: number): T {
  const Ctor = arr.constructor as new (n: number) => T;
  const next = new Ctor(capacity);
  next.set(arr.length <= capacity ? arr : arr.subarray(0, capacity));
  return next;
}

/** The capacity to grow to so that `needed` slots fit. */
export function grownCapacity(current: number, needed: number, minimum = 16): number {
  let cap = Math.max(current, minimum);
  while (cap < needed) cap = Math.ceil(cap * 1.5);
  return cap;
}
