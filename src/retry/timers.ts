// setTimeout overflows above 2^31−1 ms (about 24.8 days) and then fires at once; long
// delays and timeouts are chained in steps instead.

const MAX_STEP = 2 ** 31 - 1;

export interface Cancel {
  (): void;
}

export function longTimeout(fn: () => void, ms: number): Cancel {
  let timer: NodeJS.Timeout;
  let left = Math.max(0, ms);
  const step = (): void => {
    if (left <= MAX_STEP) {
      timer = setTimeout(fn, left);
      return;
    }
    left -= MAX_STEP;
    timer = setTimeout(step, MAX_STEP);
  };
  step();
  return () => clearTimeout(timer);
}

/** Resolves after ms, or at once when the signal aborts (never rejects). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted || !(ms > 0)) return resolve();
    const done = (): void => {
      cancel();
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const cancel = longTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
