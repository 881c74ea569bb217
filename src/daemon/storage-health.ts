// What /api/health and -status say about storage. Each part that touches the store reports
// its failures and its successes here; a fault lasts until that same part succeeds again,
// so health returns to "healthy" by itself once the disk has room or the file is back.
// A fault is logged as an error when it starts or changes, and once more when it clears:
// a full disk under a busy ingest must not write a log line per batch.
import { describeStorageError, isStorageError } from '../store/storage-error.ts';

export type HealthStatus = 'healthy' | 'degraded' | 'unhealthy';

/** ingest: storing records; retention: removing expired ones; reads: the HTTP queries; data_file: the file itself. */
export type FaultSource = 'ingest' | 'retention' | 'reads' | 'data_file';

export interface Fault {
  source: FaultSource;
  status: Exclude<HealthStatus, 'healthy'>;
  reason: string;
  /** RFC 3339. */
  since: string;
}

export interface HealthReport {
  status: HealthStatus;
  /** The faults, worst first, joined; absent when healthy. */
  reason?: string;
  faults: Fault[];
}

interface HealthLog {
  error(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

export interface StorageHealthDeps {
  now: () => number;
  log: HealthLog;
  /** The store's live check of its data file (see Store.fileProblem). */
  fileProblem: () => string | undefined;
}

const WHAT: Record<FaultSource, string> = {
  ingest: 'storing records failed',
  retention: 'removing expired records failed',
  reads: 'reading stored records failed',
  data_file: 'the data file is not the one being written',
};

export class StorageHealth {
  private readonly faults = new Map<FaultSource, Fault>();

  constructor(private readonly deps: StorageHealthDeps) {}

  /**
   * Records a failure of `source`. A data file that is gone makes the daemon unhealthy
   * whoever ran into it: nothing it stores now would survive a restart.
   */
  fail(source: FaultSource, err: unknown): void {
    if ((err as { code?: unknown } | undefined)?.code === 'DATA_FILE_MOVED') {
      this.set('data_file', 'unhealthy', describeStorageError(err), err);
      return;
    }
    this.set(source, 'degraded', `${WHAT[source]}: ${describeStorageError(err)}`, err);
  }

  ok(source: FaultSource): void {
    const fault = this.faults.get(source);
    if (fault === undefined) return;
    this.faults.delete(source);
    this.deps.log.info({ source, was: fault.reason, since: fault.since }, `storage recovered: ${source}`);
  }

  /** The state now: the data file is checked afresh, so a deletion shows without traffic. */
  report(): HealthReport {
    let problem: string | undefined;
    try {
      problem = this.deps.fileProblem();
    } catch (err) {
      // The check itself failed (EIO, EACCES on the directory): that is a fault too.
      problem = isStorageError(err) ? `the data file cannot be checked: ${describeStorageError(err)}` : String(err);
    }
    if (problem === undefined) this.ok('data_file');
    else this.set('data_file', 'unhealthy', problem, undefined);

    const faults = [...this.faults.values()].sort((a, b) => rank(b.status) - rank(a.status));
    const worst = faults[0];
    if (worst === undefined) return { status: 'healthy', faults };
    return { status: worst.status, reason: faults.map((f) => f.reason).join('; '), faults };
  }

  private set(source: FaultSource, status: Fault['status'], reason: string, err: unknown): void {
    const prior = this.faults.get(source);
    if (prior?.reason === reason && prior.status === status) return;
    const since = prior?.since ?? new Date(this.deps.now()).toISOString();
    this.faults.set(source, { source, status, reason, since });
    this.deps.log.error(
      { source, status, reason, ...(err instanceof Error ? { err } : {}) },
      `storage fault: ${reason}`,
    );
  }
}

function rank(s: HealthStatus): number {
  return s === 'unhealthy' ? 2 : s === 'degraded' ? 1 : 0;
}
