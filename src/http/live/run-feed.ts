// Stored runs as they are committed, for whoever follows them live: the SSE streams and
// the Prometheus counters. The daemon publishes from the batcher's onStored; listeners
// run synchronously, so each must be quick and must not throw into ingest.
import type { StoredRun } from '../../store/types.ts';

export type RunListener = (runs: readonly StoredRun[]) => void;

export class RunFeed {
  private readonly listeners = new Set<RunListener>();

  constructor(private readonly onListenerError: (err: unknown) => void = () => {}) {}

  /** Returns the unsubscribe function. */
  subscribe(listener: RunListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(runs: readonly StoredRun[]): void {
    if (runs.length === 0) return;
    for (const listener of this.listeners) {
      try {
        listener(runs);
      } catch (err) {
        // A broken listener must never turn a stored record into a failed ingest.
        this.onListenerError(err);
      }
    }
  }

  get listenerCount(): number {
    return this.listeners.size;
  }
}
