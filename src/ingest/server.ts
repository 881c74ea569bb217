// The Unix socket listener: connection limits, a bounded waiting line, stale socket
// files, the socket's mode, and an orderly drain on shutdown. One sweep timer (running
// only while there are connections) keeps every deadline of deadlines.ts, and a client
// that arrives while all slots are taken gets the slot of the stalest one.
import net, { type Server, type Socket } from 'node:net';
import fs from 'node:fs';
import { serveConnection, type ConnectionHooks, type ConnectionOptions, type ServedConnection } from './connection.ts';
import { DEFAULT_DEADLINES, expiryOf, pickDrop, pickWaiter, stalest, type IngestDeadlines } from './deadlines.ts';
import { DocumentHandler, type DocumentOptions } from './documents.ts';
import { errorLine } from './reply-line.ts';
import type { RejectReason } from './counters.ts';
import { WaitingLine, type Waiter } from './waiting-line.ts';
import { SlotList } from './slot-list.ts';
import { TurnBudget } from './turn-budget.ts';
import { ShedLog } from './shed-log.ts';

export interface IngestOptions extends ConnectionOptions, DocumentOptions {
  socketPath: string;
  /** e.g. 0o660; the socket is never wider than this, not even while it is created. */
  socketMode: number;
  maxConnections: number;
  /** DEFAULT_DEADLINES unless given; with sweepMs 0 no timer runs and the caller calls sweep(). */
  deadlines?: Partial<IngestDeadlines>;
}

/** Connections beyond max_connections wait their turn, up to this many times the limit. */
const WAITING_FACTOR = 10;
/** The kernel caps it at net.core.somaxconn. */
const LISTEN_BACKLOG = 4096;

export class IngestServer {
  private readonly server: Server;
  private readonly active = new SlotList<ServedConnection>();
  private readonly waiting: WaitingLine;
  /** Sockets being closed (shed, expired, refused), with when they began: they hold no slot, and linger at most lingerMs. */
  private readonly leaving = new Map<Socket, number>();
  private readonly deadlines: IngestDeadlines;
  private readonly hooks: ConnectionHooks;
  private readonly documents: DocumentHandler;
  private readonly shedLog: ShedLog;
  private sweeps = 0;
  private sweepTimer: NodeJS.Timeout | undefined;
  private admitting = false;
  private listening = false;

  constructor(private readonly opts: IngestOptions) {
    this.deadlines = { ...DEFAULT_DEADLINES, ...opts.deadlines };
    this.documents = new DocumentHandler(opts);
    this.shedLog = new ShedLog(opts.counters, opts.log, opts.maxConnections);
    this.server = net.createServer({ allowHalfOpen: true }, (socket) => this.accept(socket));
    const admit = (): void => this.admit();
    this.waiting = new WaitingLine(opts.now, admit, admit);
    this.hooks = {
      sweeps: () => this.sweeps,
      leaving: (c) => {
        this.release(c);
        this.linger(c.socket);
      },
      closed: (c) => {
        this.release(c);
        this.leaving.delete(c.socket);
        this.admit();
      },
      budget: new TurnBudget(),
    };
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
      throw new Error(
        `${this.opts.socketPath} was replaced by another file right after it was created; choose a socket_path in a directory only this user can write`,
      );
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
    for (const c of this.active) c.socket.destroy();
    for (const w of this.waiting.takeAll()) w.socket.destroy();
    for (const s of this.leaving.keys()) s.destroy();
    this.leaving.clear();
    this.stopSweep();
    this.opts.batcher.flush();
    await closed;
    try {
      fs.unlinkSync(this.opts.socketPath);
    } catch {
      // already gone
    }
  }

  /**
   * Whether documents are on their way, for the commit delay (commit-delay.ts): a client in
   * the waiting line, or a served connection that has not sent a complete document yet.
   * 1 stands for "some": the first one found ends the search.
   */
  expectedDocuments(): number {
    if (this.waiting.length > 0) return this.waiting.length;
    for (const c of this.active) if (c.documents === 0) return 1;
    return 0;
  }

  /**
   * One pass over every connection: deadlines of served ones, places in the waiting line,
   * and lingering closes; then waiters get free slots and those of stale connections, and
   * what was shed is logged (shed-log.ts). Runs every sweepMs while there is any connection
   * or anything shed is not logged yet.
   */
  sweep(): void {
    this.sweeps++;
    const now = this.opts.now();
    const d = this.deadlines;
    for (const c of this.active) {
      const e = expiryOf(c, now, d);
      if (e) {
        c.expire(e, d.documentMs);
        this.release(c);
      }
    }
    for (const w of this.waiting.takeExpired(now, d.waitMs)) {
      this.opts.counters.reject('waiting_timeout');
      this.refuse(
        w.socket,
        'waiting_timeout',
        `waited ${d.waitMs / 1000}s in line for a free connection (all max_connections ${this.opts.maxConnections} were taken); try again`,
      );
    }
    for (const [socket, since] of this.leaving) {
      if (now - since >= d.lingerMs) {
        socket.destroy();
        this.leaving.delete(socket);
      }
    }
    this.admit();
    this.shedLog.tick(now, this.waiting.length);
    const idle = this.active.size === 0 && this.waiting.length === 0 && this.leaving.size === 0;
    if (idle && this.shedLog.unlogged === 0) this.stopSweep();
  }

  private accept(socket: Socket): void {
    this.opts.counters.connectionsTotal++;
    this.startSweep();
    if (this.active.size < this.opts.maxConnections && this.waiting.length === 0) {
      this.start(socket);
      return;
    }
    if (this.waiting.length >= this.opts.maxConnections * WAITING_FACTOR) {
      // The line is full: a place goes, the least ready and oldest, not the new client's.
      // Under a flood of silent connections that is one of them; otherwise it is the
      // client nearest its own deadline.
      const i = pickDrop(this.waiting.all);
      const dropped = i === undefined ? undefined : this.waiting.take(i);
      if (dropped) {
        this.opts.counters.reject('too_many_connections');
        this.refuse(
          dropped.socket,
          'too_many_connections',
          `too many connections (max_connections ${this.opts.maxConnections}, and the waiting line is full); dropped for a newer client; try again`,
        );
      }
    }
    // The line reads what it sends; it is served once a slot is free, or as soon as it has
    // sent a complete document and some connection is stale.
    this.waiting.add(socket);
    if (this.active.size < this.opts.maxConnections) this.admit();
    this.count();
  }

  /** Gives waiters the free slots, then the slots of stale connections. */
  private admit(): void {
    if (this.admitting) return;
    this.admitting = true;
    try {
      while (this.waiting.length > 0) {
        const full = this.active.size >= this.opts.maxConnections;
        const now = this.opts.now();
        const i = pickWaiter(this.waiting.all, now, full);
        if (i === undefined) break;
        if (full) {
          const victim = stalest(this.active, this.sweeps, now);
          if (!victim) break;
          victim.shed(
            `connection shed to admit a new client: no complete document for ${now - victim.documentSince} ms while all max_connections (${this.opts.maxConnections}) were taken; send each document whole, then read its reply`,
          );
          this.release(victim);
        }
        const w = this.waiting.take(i);
        if (w && !w.socket.destroyed) this.start(w.socket, w);
      }
    } finally {
      this.admitting = false;
    }
    this.count();
  }

  private start(socket: Socket, from?: Waiter): void {
    const c = serveConnection(socket, this.opts, this.documents, this.hooks);
    this.active.add(c);
    this.count();
    c.begin(from && { chunks: from.chunks, ended: from.ended });
  }

  private release(c: ServedConnection): void {
    this.active.delete(c);
    this.count();
  }

  private count(): void {
    this.opts.counters.connectionsActive = this.active.size;
    this.opts.counters.connectionsWaiting = this.waiting.length;
  }

  /** A closing socket gets lingerMs; beyond the bound (a burst the size of the listen backlog fits), the one closing longest goes at once. */
  private linger(socket: Socket): void {
    if (this.leaving.size >= Math.max(LISTEN_BACKLOG, this.opts.maxConnections * WAITING_FACTOR)) {
      const first = this.leaving.keys().next();
      if (!first.done) {
        first.value.destroy();
        this.leaving.delete(first.value);
      }
    }
    this.leaving.set(socket, this.opts.now());
    socket.once('close', () => this.leaving.delete(socket));
  }

  /**
   * Answers with an error line and closes. What the client sent is read and dropped first:
   * closing with unread data would reset the connection and lose the error line.
   */
  private refuse(socket: Socket, code: RejectReason, error: string): void {
    socket.on('error', () => undefined);
    socket.on('data', () => undefined);
    socket.end(errorLine(code, error));
    socket.once('end', () => socket.destroy());
    socket.resume();
    this.linger(socket);
  }

  private startSweep(): void {
    if (this.sweepTimer || this.deadlines.sweepMs <= 0) return;
    this.sweepTimer = setInterval(() => this.sweep(), this.deadlines.sweepMs);
    this.sweepTimer.unref();
  }

  private stopSweep(): void {
    clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
  }
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
    throw new Error(
      `${path} is a socket owned by uid ${stat.uid}, neither this user (uid ${uid}) nor root; it is left alone: remove it if it is stale, or choose another socket_path`,
    );
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
