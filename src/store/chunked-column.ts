// A column of numbers stored in fixed-size typed-array chunks. Growing adds a chunk and
// copies nothing: growing one big array by copying left the old copies as malloc
// garbage that the process never gave back (measured: ~160 B of RSS per record at 100k).

import type { NumberColumn } from './growable.ts';

export const SHIFT = 13;
/** Rows per chunk: 64 KiB for a Float64 column. */
export const CHUNK_ROWS = 1 << SHIFT;
export const MASK = CHUNK_ROWS - 1;

/**
 * The shared, cold part. Element access lives in one subclass per element type: a
 * single get/set shared by all four typed-array kinds went megamorphic in V8, tripled
 * append time and boxed every double it read. `V` is the type of the values (a branded id
 * from ids.ts, or plain number), for the type checker only: 0 reads back as any of them.
 */
abstract class ChunkedColumn<T extends NumberColumn> {
  protected readonly chunks: T[] = [];

  constructor(private readonly Make: new (n: number) => T) {}

  get capacity(): number {
    return this.chunks.length * CHUNK_ROWS;
  }

  /** The array of slots [k·CHUNK_ROWS, (k+1)·CHUNK_ROWS), for loops that take a chunk at a time. */
  chunkAt(k: number): T | undefined {
    return this.chunks[k];
  }

  /** Adds chunks until `n` slots fit. */
  reserve(n: number): void {
    while (this.capacity < n) this.chunks.push(new this.Make(CHUNK_ROWS));
  }

  /** Drops chunks beyond those needed for `n` slots, keeping one spare to avoid churn. */
  shrink(n: number): void {
    const keep = Math.ceil(n / CHUNK_ROWS) + 1;
    if (this.chunks.length > keep) this.chunks.length = keep;
  }

  clear(): void {
    this.chunks.length = 0;
  }

  /** Copies `count` slots from `from` down to `to` (to <= from), chunk by chunk. */
  moveDown(from: number, to: number, count: number): void {
    while (count > 0) {
      const src = this.chunks[from >>> SHIFT];
      const dst = this.chunks[to >>> SHIFT];
      if (src === undefined || dst === undefined) throw new RangeError('column: move beyond capacity');
      const s = from & MASK;
      const d = to & MASK;
      const n = Math.min(count, CHUNK_ROWS - s, CHUNK_ROWS - d);
      if (src === dst) dst.copyWithin(d, s, s + n);
      else dst.set(src.subarray(s, s + n), d);
      from += n;
      to += n;
      count -= n;
    }
  }
}

function beyond(i: number, capacity: number): RangeError {
  return new RangeError(`column: slot ${i} is beyond capacity ${capacity}`);
}

export class F64Column<V extends number = number> extends ChunkedColumn<Float64Array> {
  constructor() {
    super(Float64Array);
  }
  get(i: number): V {
    const c = this.chunks[i >>> SHIFT];
    return (c === undefined ? 0 : (c[i & MASK] ?? 0)) as V;
  }
  set(i: number, v: V): void {
    const c = this.chunks[i >>> SHIFT];
    if (c === undefined) throw beyond(i, this.capacity);
    c[i & MASK] = v;
  }
}

export class U32Column<V extends number = number> extends ChunkedColumn<Uint32Array> {
  constructor() {
    super(Uint32Array);
  }
  get(i: number): V {
    const c = this.chunks[i >>> SHIFT];
    return (c === undefined ? 0 : (c[i & MASK] ?? 0)) as V;
  }
  set(i: number, v: V): void {
    const c = this.chunks[i >>> SHIFT];
    if (c === undefined) throw beyond(i, this.capacity);
    c[i & MASK] = v;
  }
}

export class I32Column<V extends number = number> extends ChunkedColumn<Int32Array> {
  constructor() {
    super(Int32Array);
  }
  get(i: number): V {
    const c = this.chunks[i >>> SHIFT];
    return (c === undefined ? 0 : (c[i & MASK] ?? 0)) as V;
  }
  set(i: number, v: V): void {
    const c = this.chunks[i >>> SHIFT];
    if (c === undefined) throw beyond(i, this.capacity);
    c[i & MASK] = v;
  }
}

export class U8Column<V extends number = number> extends ChunkedColumn<Uint8Array> {
  constructor() {
    super(Uint8Array);
  }
  get(i: number): V {
    const c = this.chunks[i >>> SHIFT];
    return (c === undefined ? 0 : (c[i & MASK] ?? 0)) as V;
  }
  set(i: number, v: V): void {
    const c = this.chunks[i >>> SHIFT];
    if (c === undefined) throw beyond(i, this.capacity);
    c[i & MASK] = v;
  }
}
