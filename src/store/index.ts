// The store factory: in memory by default, SQLite when the daemon has a data file.

import { MemoryStore } from './memory-store.ts';
import { SqliteStore } from './sqlite-store.ts';
import type { RetentionLimits, Store } from './types.ts';

export type * from './types.ts';

export interface OpenStoreOptions {
  /** A SQLite file (created if missing); in memory when absent or empty. */
  dataFile?: string | undefined;
  limits: RetentionLimits;
  /** The clock for retention at open. */
  now?: () => number;
  /**
   * Given: a failure of the retention at open (a full disk cannot delete either) is
   * reported here and the store opens anyway, for the retention timer to try again.
   * Absent: it is thrown.
   */
  onExpireError?: (err: unknown) => void;
}

/** Checks the limits up front, so a bad value fails at start-up and names the option. */
export function checkLimits(limits: RetentionLimits): void {
  const { maxRecords, maxAgeMs } = limits;
  if (!(maxRecords === Infinity || (Number.isInteger(maxRecords) && maxRecords >= 1))) {
    throw new RangeError(`store limits: maxRecords must be an integer >= 1 (or Infinity), got ${maxRecords}`);
  }
  const maxBytes = limits.maxBytes ?? Infinity;
  if (!(maxBytes === Infinity || (Number.isInteger(maxBytes) && maxBytes >= 1))) {
    throw new RangeError(`store limits: maxBytes must be an integer >= 1 (or Infinity), got ${maxBytes}`);
  }
  if (!(maxAgeMs > 0)) throw new RangeError(`store limits: maxAgeMs must be greater than 0, got ${maxAgeMs}`);
}

/** Opens the store; an existing data file is reopened with its records, ids and stats. */
export function openStore(options: OpenStoreOptions): Store {
  checkLimits(options.limits);
  const limits = { ...options.limits };
  const store = options.dataFile ? new SqliteStore(options.dataFile, limits) : new MemoryStore(limits);
  // A data file from a daemon that was down for a while may hold expired runs. Done for
  // both kinds so that lastCleanupMs means the same everywhere.
  try {
    store.removeExpired((options.now ?? Date.now)());
  } catch (err) {
    if (options.onExpireError) options.onExpireError(err);
    else {
      store.close();
      throw err;
    }
  }
  return store;
}
