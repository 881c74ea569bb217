// The Unix socket listener: connection limits, a bounded waiting line, stale socket
// files, the socket's mode, and an orderly drain on shutdown.
import net, { type Server, type Socket } from 'node:net';
import fs from 'node:fs';
import { serveConnection, type ConnectionOptions } from './connection.ts';

export interface IngestOptions extends ConnectionOptions {
  socketPath: string;
  /** e.g. 0o660; the socket is never wider than this, not even while it is created. */
  socketMode: number;
  maxConnections: number;
}

/** Connections beyond max_connections wait their turn, up to this many times the limit. */
const WAITING_FACTOR = 10;
/** How long a refused client may take to finish sending before it is cut off. */
const REFUSE_LINGER_MS = 1000;
/** The kernel caps it at net.core.somaxconn. */
const LISTEN_BACKLOG = 4096;

export class IngestServer {
  private readonly server: Server;
  private readonly active = new Set<Socket>();
  private readonly waiting: Socket[] = [];
  private listening = false;

  constructor(private readonly opts: IngestOptions) {
    this.server = net.createServer({ allowHalfOpen: true }, (socket) => this.accept(socket));
  }

  async listen(): Promise<void> {
    await removeStaleSocket(this.opts.socketPath);
    // bind(2) creates the socket file with mode 0777 & ~umask in one step, so with this
    // umask the file is born with socket_mode and is never wider, not even for an instant
    // (a chmod after bind would leave a window). Outside a cluster worker, Node binds a
    // pipe synchronously inside listen(), so the umask is restored before any other JS
    // runs; files created meanwhile by the thread pool only get a narrower mode.
    const previous = process.umask(0o777 & ~this.opts.socketMode);
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      try {
        // A deep backlog: when it is full, a client's connect fails at once with EAGAIN
        // (Unix sockets do not wait), and a burst of 1,024 clients must all get in.
        this.server.listen({ path: this.opts.socketPath, backlog: LISTEN_BACKLOG }, () => {
          this.server.off('error', reject);
          resolve();
        });
      } finally {
        process.umask(previous);
      }
    });
    // bind already gave these bits; this only makes sure of them, and cannot widen them.
    // chmod follows symlinks: in a directory others may write, the name could have been
    // swapped for a link to some file of root's since bind, so only our socket is touched.
    const st = fs.lstatSync(this.opts.socketPath);
    if (!st.isSocket()) {
      this.server.close();
      throw new Error(`${this.opts.socketPath} was replaced by another file right after it was created; choose a socket_path in a directory only this user can write`);
    }
    if ((st.mode & 0o777) !== this.opts.socketMode) fs.chmodSync(this.opts.socketPath, this.opts.socketMode);
    this.listening = true;
  }

  /** Stops accepting, lets open connections finish for up to drainMs, then closes the rest. */
  async close(drainMs: number): Promise<void> {
    if (!this.listening) return;
    this.listening = false;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    const deadline = Date.now() + drainMs;
    while ((this.active.size > 0 || this.waiting.length > 0) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    for (const s of [...this.active, ...this.waiting]) s.destroy();
    this.opts.batcher.flush();
    await closed;
    try {
      fs.unlinkSync(this.opts.socketPath);
    } catch {
      // already gone
    }
  }

  private accept(socket: Socket): void {
    const { counters } = this.opts;
    counters.connectionsTotal++;
    if (this.active.size < this.opts.maxConnections) return this.start(socket);
    if (this.waiting.length < this.opts.maxConnections * WAITING_FACTOR) {
      socket.pause();
      socket.on('error', () => undefined);
      this.waiting.push(socket);
      counters.connectionsWaiting = this.waiting.length;
      return;
    }
    counters.reject('too_many_connections');
    refuse(socket, `too many connections (max_connections ${this.opts.maxConnections}); try again`);
  }

  private start(socket: Socket): void {
    this.active.add(socket);
    this.opts.counters.connectionsActive = this.active.size;
    serveConnection(socket, this.opts, () => {
      this.active.delete(socket);
      this.opts.counters.connectionsActive = this.active.size;
      this.next();
    });
    socket.resume();
  }

  private next(): void {
    while (this.active.size < this.opts.maxConnections) {
      const socket = this.waiting.shift();
      if (!socket) break;
      this.opts.counters.connectionsWaiting = this.waiting.length;
      if (!socket.destroyed) this.start(socket);
    }
  }
}

/**
 * Answers with an error line and closes. What the client sent is read and dropped first:
 * closing with unread data would reset the connection and lose the error line.
 */
function refuse(socket: Socket, error: string): void {
  socket.on('error', () => undefined);
  socket.on('data', () => undefined);
  socket.end(`${JSON.stringify({ status: 'error', error })}\n`);
  const timer = setTimeout(() => socket.destroy(), REFUSE_LINGER_MS);
  socket.once('end', () => socket.destroy());
  socket.once('close', () => clearTimeout(timer));
}

/**
 * Unlinks a socket file nobody answers on; refuses when a live process answers. Only a
 * socket of ours or root's is removed: another user's file (in /tmp, where root may remove
 * anything) is theirs, and lstat never follows a symlink planted at the name.
 */
export async function removeStaleSocket(path: string, uid: number = process.getuid?.() ?? 0): Promise<void> {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(path);
  } catch {
    return;
  }
  if (!stat.isSocket()) throw new Error(`${path} exists and is not a socket; remove it or choose another socket_path`);
  if (stat.uid !== uid && stat.uid !== 0) {
    throw new Error(`${path} is a socket owned by uid ${stat.uid}, neither this user (uid ${uid}) nor root; it is left alone: remove it if it is stale, or choose another socket_path`);
  }
  const alive = await new Promise<boolean>((resolve) => {
    const probe = net.connect(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
  if (alive) throw new Error(`another process is listening on ${path}; stop it or choose another socket_path`);
  fs.unlinkSync(path);
}
