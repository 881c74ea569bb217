// The connections being served, in a plain array in which each one knows its own place:
// adding is a push, removing moves the last one into the gap. Not a Set: a Set that
// thousands of short connections join and leave every second kept them alive through
// young-generation collections, so every socket was copied and promoted with its whole
// object graph before a full collection freed it. That was most of the daemon's CPU per
// record beyond a bare server (measured: 13.7 against 6.7 MB promoted per 12,000
// connections; docs/performance.md). A vacated slot is cleared at once, so the array
// never points at a connection that has left.

/** An item of a SlotList: its index there, or -1 while it is in none. */
export interface Slotted {
  slot: number;
}

export class SlotList<T extends Slotted> implements Iterable<T> {
  private readonly items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  add(item: T): void {
    if (item.slot !== -1) return;
    item.slot = this.items.length;
    this.items.push(item);
  }

  /** Removes the item; false when it was not in the list. */
  delete(item: T): boolean {
    const i = item.slot;
    if (i < 0 || this.items[i] !== item) return false;
    const last = this.items.pop() as T;
    if (last !== item) {
      this.items[i] = last;
      last.slot = i;
    }
    item.slot = -1;
    return true;
  }

  /** Over a copy: the loop may remove items (a sweep sheds connections) as it goes. */
  [Symbol.iterator](): Iterator<T> {
    return this.items.slice()[Symbol.iterator]();
  }
}
