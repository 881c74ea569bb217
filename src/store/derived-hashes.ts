// The command_hash of a command, as the memory store recomputes it on read (memory-columns.ts
// keeps no hash per distinct command). A direct-mapped table indexed by the command's pool
// id remembers recent ones: with more distinct commands than a small cache holds, an export
// or a burst of ingest otherwise ran a sha256 for most rows, and each such hash object is
// garbage that the collector has to trace (measured at a million rows over 10,000 commands).
import { commandHash } from '../shared/command-hash.ts';
import type { PoolId } from './ids.ts';

/** At most this many hashes are remembered (about 1.5 MB with the command strings it pins). */
const MAX_SLOTS = 1 << 15;

export class DerivedHashes {
  private commands: (string | undefined)[] = [];
  private hashes: string[] = [];
  private mask = -1;

  /** sha256(command)'s prefix; `id` is the command's pool id, used only to pick a slot. */
  of(id: PoolId, command: string): string {
    if (id > this.mask && this.mask + 1 < MAX_SLOTS) this.grow(id);
    const slot = id & this.mask;
    // The string is compared, not only the id: ids are reused once a command is released.
    if (this.commands[slot] === command) return this.hashes[slot] as string;
    const hash = commandHash(command);
    this.commands[slot] = command;
    this.hashes[slot] = hash;
    return hash;
  }

  clear(): void {
    this.commands = [];
    this.hashes = [];
    this.mask = -1;
  }

  /** A table for ids up to `id` (a power of two, capped); what it held is dropped. */
  private grow(id: number): void {
    let size = 64;
    while (size <= id && size < MAX_SLOTS) size *= 2;
    this.commands = new Array<string | undefined>(size).fill(undefined);
    this.hashes = new Array<string>(size).fill('');
    this.mask = size - 1;
  }
}
