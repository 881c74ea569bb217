// A small Server-Sent Events reader for the tests: parses the stream of GET /api/events.
export interface SseEvent {
  id?: string;
  event?: string;
  data: string;
  /** performance.now() when the event was parsed. */
  at: number;
}

export interface SseStream {
  status: number;
  headers: Headers;
  /** Resolves with the next event (not comments), or rejects after timeoutMs. */
  next(timeoutMs?: number): Promise<SseEvent>;
  close(): void;
}

export async function openSse(url: string): Promise<SseStream> {
  const ac = new AbortController();
  const res = await fetch(url, { signal: ac.signal, headers: { Accept: '*/*' } });
  const queue: SseEvent[] = [];
  const waiting: Array<(e: SseEvent) => void> = [];
  let buffer = '';
  const pump = async (): Promise<void> => {
    if (!res.body) return;
    const decoder = new TextDecoder();
    const reader = res.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const ev: SseEvent = { data: '', at: performance.now() };
          let hasData = false;
          for (const line of block.split('\n')) {
            const i = line.indexOf(':');
            if (i === 0) continue;
            const field = i < 0 ? line : line.slice(0, i);
            const value = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
            if (field === 'data') {
              ev.data += (hasData ? '\n' : '') + value;
              hasData = true;
            } else if (field === 'id') ev.id = value;
            else if (field === 'event') ev.event = value;
          }
          if (!hasData) continue;
          const w = waiting.shift();
          if (w) w(ev);
          else queue.push(ev);
        }
      }
    } catch {
      // aborted by close()
    }
  };
  void pump();
  return {
    status: res.status,
    headers: res.headers,
    next(timeoutMs = 5000) {
      const ready = queue.shift();
      if (ready) return Promise.resolve(ready);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiting.splice(waiting.indexOf(done), 1);
          reject(new Error(`no event within ${timeoutMs} ms`));
        }, timeoutMs);
        const done = (e: SseEvent): void => {
          clearTimeout(timer);
          resolve(e);
        };
        waiting.push(done);
      });
    },
    close() {
      ac.abort();
    },
  };
}
