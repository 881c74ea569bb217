// Interned strings with reference counts. A command, host or label set that thousands of
// runs share is held once; ids are small dense integers, so per-query accumulators can
// be typed arrays indexed by id, and an id is reused once its last holder lets go.

import { grownCapacity, resized } from './growable.ts';
import { poolId, type PoolId } from './ids.ts';

/** Id 0 means "absent" in every column that holds pool ids. */
export const ABSENT = poolId(0);

export class StringPool {
  private readonly ids = new Map<string, PoolId>();
  private strings: (string | undefined)[] = [undefined];
  private refs = new Uint32Array(16);
  private readonly free: PoolId[] = [];

  /** Returns the id of `s`, adding one reference. */
  intern(s: string): PoolId {
    const known = this.ids.get(s);
    if (known !== undefined) {
      this.refs[known] = (this.refs[known] ?? 0) + 1;
      return known;
    }
    const id = this.free.pop() ?? poolId(this.strings.length);
    if (id === this.strings.length) this.strings.push(s);
    else this.strings[id] = s;
    if (id >= this.refs.length) this.refs = resized(this.refs, grownCapacity(this.refs.length, id + 1));
    this.refs[id] = 1;
    this.ids.set(s, id);
    return id;
  }

  /** Adds one reference to an id already held; returns it. */
  retain(id: PoolId): PoolId {
    if (this.strings[id] === undefined) throw new Error(`string pool: retain of unknown id ${id}`);
    this.refs[id] = (this.refs[id] ?? 0) + 1;
    return id;
  }

  /** `intern` for an optional value: undefined becomes ABSENT and holds nothing. */
  internOptional(s: string | undefined): PoolId {
    return s === undefined ? ABSENT : this.intern(s);
  }

  /** Drops one reference; the string is forgotten when none are left. */
  release(id: PoolId): void {
    if (id === ABSENT) return;
    const left = (this.refs[id] ?? 0) - 1;
    if (left > 0) {
      this.refs[id] = left;
      return;
    }
    const s = this.strings[id];
    if (s === undefined) throw new Error(`string pool: release of unknown id ${id}`);
    this.refs[id] = 0;
    this.ids.delete(s);
    this.strings[id] = undefined;
    this.free.push(id);
  }

  get(id: PoolId): string {
    const s = this.strings[id];
    if (s === undefined) throw new Error(`string pool: unknown id ${id}`);
    return s;
  }

  getOptional(id: PoolId): string | undefined {
    return id === ABSENT ? undefined : this.get(id);
  }

  /** The id of `s` without taking a reference, or undefined if it is not held. */
  idOf(s: string): PoolId | undefined {
    return this.ids.get(s);
  }

  /** Calls `f` with each string held and its id. */
  forEach(f: (s: string, id: PoolId) => void): void {
    for (const [s, id] of this.ids) f(s, id);
  }

  /** One more than the largest id ever handed out: the size for arrays indexed by id. */
  get idLimit(): number {
    return this.strings.length;
  }

  /** Number of distinct strings held. */
  get size(): number {
    return this.ids.size;
  }

  clear(): void {
    this.ids.clear();
    this.strings = [undefined];
    this.refs = new Uint32Array(16);
    this.free.length = 0;
  }
}
