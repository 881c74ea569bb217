// A hostile local client of the daemon's socket, for the lockout tests: connections that
// hold a slot without ever delivering, each kind the way an attacker would make it.
import net from 'node:net';

/**
 * - `drip`: one byte of a document every dripMs, never a newline (each byte used to reset the idle timer);
 * - `silent`: connects and sends nothing;
 * - `nonreader`: floods documents and never reads a reply, so the daemon's writes back up.
 */
export type HostileKind = 'drip' | 'silent' | 'nonreader';

export interface HostileOptions {
  /** Open a new connection of the same kind whenever the daemon closes one, as an attacker holding the cap would. */
  reconnect: boolean;
  dripMs?: number;
}

export class Hostile {
  private readonly sockets = new Set<net.Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private running = true;
  /** Connections the daemon closed (or refused) so far. */
  closedByDaemon = 0;

  constructor(
    private readonly socketPath: string,
    private readonly opts: HostileOptions,
  ) {}

  open(kind: HostileKind, count = 1): void {
    for (let i = 0; i < count; i++) this.connect(kind);
  }

  get count(): number {
    return this.sockets.size;
  }

  stop(): void {
    this.running = false;
    for (const t of this.timers) clearInterval(t);
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  private connect(kind: HostileKind): void {
    if (!this.running) return;
    const s = net.connect(this.socketPath);
    this.sockets.add(s);
    s.on('error', () => undefined);
    let timer: NodeJS.Timeout | undefined;
    s.on('close', () => {
      this.sockets.delete(s);
      if (timer) {
        clearInterval(timer);
        this.timers.delete(timer);
      }
      if (!this.running) return;
      this.closedByDaemon++;
      if (this.opts.reconnect) this.connect(kind);
    });
    if (kind === 'drip') {
      const doc = '{"command":"' + 'x'.repeat(100_000);
      let i = 0;
      s.on('connect', () => {
        s.write(doc[i++] ?? 'x');
        timer = setInterval(() => s.write(doc[i++] ?? 'x'), this.opts.dripMs ?? 200);
        this.timers.add(timer);
      });
      s.on('data', () => undefined);
    } else if (kind === 'nonreader') {
      // Never reads: what the daemon answers piles up in the socket buffers.
      s.pause();
      const flood = Buffer.from('{"command":1}\n'.repeat(4096));
      const pump = (): void => {
        while (s.writable && s.write(flood)) {
          // keep writing until the daemon stops reading
        }
      };
      s.on('connect', pump);
      s.on('drain', pump);
    } else {
      s.on('data', () => undefined);
    }
  }
}
