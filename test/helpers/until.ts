// Waiting for an event seen through polling, for tests: the limit is generous and only
// turns a hang into a failure that names what was awaited (not a timing assertion).

/** Polls `read` every 25 ms until `ok` holds, and returns that value; fails naming `what`. */
export async function until<T>(
  what: string,
  read: () => Promise<T> | T,
  ok: (v: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
