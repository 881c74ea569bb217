// The open Server-Sent Event streams of GET /api/events: at most `maxClients`, each sent
// one event per stored run. A client that stops reading is cut off once its unsent
// bytes pass `maxBufferedBytes`, so a stalled browser tab never makes the daemon grow.
import type { StoredRun } from '../../store/types.ts';
import { toApiRun } from '../serialize.ts';
import type { RunFeed } from './run-feed.ts';

/** The part of http.ServerResponse a stream needs; tests may pass a fake. */
export interface StreamSink {
  readonly writableLength: number;
  write(chunk: string): boolean;
  destroy(): void;
}

export interface EventStreamLimits {
  maxClients: number;
  maxBufferedBytes: number;
  heartbeatMs: number;
}

export const DEFAULT_STREAM_LIMITS: EventStreamLimits = {
  maxClients: 32,
  maxBufferedBytes: 1024 * 1024,
  heartbeatMs: 15_000,
};

/** What /api/daemon/stats and /metrics show about the streams. */
export interface EventStreamStats {
  clients: number;
  max_clients: number;
  /** Clients cut off for not reading. */
  dropped_slow: number;
  /** Connections turned away because maxClients were open. */
  refused: number;
  /** The most unsent bytes any client has had queued: stays near maxBufferedBytes at worst. */
  max_buffered_bytes: number;
}

/** One SSE message; its data is one line, since JSON.stringify escapes newlines. */
export function runEvent(run: StoredRun): string {
  return `id: ${run.id}\nevent: run\ndata: ${JSON.stringify(toApiRun(run))}\n\n`;
}

export class EventStreams {
  private readonly sinks = new Set<StreamSink>();
  private dropped = 0;
  private refused = 0;
  private maxBuffered = 0;
  private heartbeat: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly feed: RunFeed,
    readonly limits: EventStreamLimits = DEFAULT_STREAM_LIMITS,
  ) {}

  /** Takes a new stream, or returns false (and counts it) when the limit is reached. */
  add(sink: StreamSink): boolean {
    if (this.sinks.size >= this.limits.maxClients) {
      this.refused++;
      return false;
    }
    this.sinks.add(sink);
    // Follow the feed and beat only while someone listens: no cost when nobody does.
    if (this.sinks.size === 1) {
      this.unsubscribe = this.feed.subscribe((runs) => this.broadcast(runs));
      this.heartbeat = setInterval(() => this.sendAll(': heartbeat\n\n'), this.limits.heartbeatMs);
      this.heartbeat.unref();
    }
    return true;
  }

  remove(sink: StreamSink): void {
    if (!this.sinks.delete(sink) || this.sinks.size > 0) return;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }

  /** Ends every stream at once, so that closing the HTTP server does not wait on them. */
  closeAll(): void {
    for (const sink of [...this.sinks]) {
      this.remove(sink);
      sink.destroy();
    }
  }

  stats(): EventStreamStats {
    return {
      clients: this.sinks.size,
      max_clients: this.limits.maxClients,
      dropped_slow: this.dropped,
      refused: this.refused,
      max_buffered_bytes: this.maxBuffered,
    };
  }

  /**
   * One write per client per batch, serialised once for all. The bound is checked before
   * the batch: what a socket accepted in this turn still counts as queued until the next
   * one, so a check inside the batch would cut off healthy clients of a large batch.
   * Queued bytes thus stay below maxBufferedBytes plus one batch.
   */
  private broadcast(runs: readonly StoredRun[]): void {
    let text = '';
    for (const run of runs) text += runEvent(run);
    this.sendAll(text);
  }

  private sendAll(text: string): void {
    for (const sink of this.sinks) {
      if (sink.writableLength > this.limits.maxBufferedBytes) {
        this.dropped++;
        this.remove(sink);
        sink.destroy();
        continue;
      }
      sink.write(text);
      if (sink.writableLength > this.maxBuffered) this.maxBuffered = sink.writableLength;
    }
  }
}
