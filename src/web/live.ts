// Live updates: Server-Sent Events from /api/events, with a 30 s refresh (no page
// reload) whenever the stream is down, and a fresh try at the stream every 30 s after
// the browser gives up on it (as it does on a 503 when the daemon has too many viewers).
import type { ApiRun } from './api.ts';

export const POLL_MS = 30_000;

export type LiveState = 'connecting' | 'live' | 'polling';

export interface LiveHandlers {
  onRun(run: ApiRun): void;
  /** Reload everything: on a fallback tick, and after a reconnect (events may be missed). */
  refresh(): void;
  onState(state: LiveState): void;
}

export function startLive(h: LiveHandlers): void {
  let poll: number | undefined;
  let hadStream = false;
  const startPolling = (): void => {
    h.onState('polling');
    poll ??= window.setInterval(h.refresh, POLL_MS);
  };
  if (typeof EventSource !== 'function') {
    startPolling();
    return;
  }
  const connect = (): void => {
    const es = new EventSource('/api/events');
    es.addEventListener('open', () => {
      window.clearInterval(poll);
      poll = undefined;
      h.onState('live');
      if (hadStream) h.refresh();
      hadStream = true;
    });
    es.addEventListener('run', (e) => {
      try {
        h.onRun(JSON.parse((e as MessageEvent<string>).data) as ApiRun);
      } catch {
        // A malformed event is skipped; the next refresh brings the truth.
      }
    });
    es.addEventListener('error', () => {
      startPolling();
      if (es.readyState === EventSource.CLOSED) window.setTimeout(connect, POLL_MS);
    });
  };
  h.onState('connecting');
  connect();
}
