// The default store: records in compact columns, lost when the daemon stops.

import type { RunRecord } from '../shared/run-record.ts';
import type { RangeSummary } from './agg-input.ts';
import { Aggregates } from './aggregates.ts';
import { rankedCommandStats } from './command-stats.ts';
import { RunColumns } from './memory-columns.ts';
import { StringPool } from './string-pool.ts';
import { rowIndex, runId, type PoolId, type RowIndex } from './ids.ts';
import { labelTextMatcher } from './label-match.ts';
import type {
  CommandStats,
  RecentQuery,
  RecentRuns,
  RetentionLimits,
  RunFilter,
  RunStats,
  Store,
  StoredRun,
} from './types.ts';

export class MemoryStore implements Store {
  readonly kind = 'memory';
  readonly durable = false;
  readonly location = 'memory';
  lastCleanupMs: number | undefined;
  private nextId = 1;
  private readonly pool = new StringPool();
  private readonly rows = new RunColumns(this.pool);
  private aggregates = this.newAggregates();
  /** Rows below this are all dead: eviction by count starts here instead of at 0. */
  private head = rowIndex(0);
  private headGeneration = 0;

  constructor(readonly limits: RetentionLimits) {}

  append(records: RunRecord[], receivedAtMs: number): StoredRun[] {
    const stored: StoredRun[] = [];
    for (const record of records) {
      const id = runId(this.nextId++);
      const row = this.rows.push(id, receivedAtMs, record);
      this.aggregates.add(this.rows.aggRow(row));
      stored.push({ id, receivedAtMs, record });
    }
    this.evictOverflow();
    return stored;
  }

  fileProblem(): undefined {
    return undefined;
  }

  recent(q: RecentQuery): RecentRuns {
    const out: StoredRun[] = [];
    const maxBytes = q.maxBytes ?? Infinity;
    let bytes = 0;
    const rows = this.rows;
    const matches = new Map<PoolId, boolean>();
    const wantSucceeded = q.status === undefined ? undefined : q.status === 'succeeded';
    const labelsMatch = q.labels !== undefined && q.labels.length > 0 ? labelTextMatcher(q.labels) : undefined;
    for (let row = rowIndex(rows.length - 1); row >= 0 && out.length < q.limit; row--) {
      if (!rows.isLive(row)) continue;
      if (wantSucceeded !== undefined && rows.succeededAt(row) !== wantSucceeded) continue;
      if (q.sinceMs !== undefined && rows.timestampAt(row) < q.sinceMs) continue;
      if (q.untilMs !== undefined && rows.timestampAt(row) > q.untilMs) continue;
      if (q.command !== undefined) {
        // Commands repeat, so test each distinct command string once per query.
        const cmd = rows.commandIdAt(row);
        let hit = matches.get(cmd);
        if (hit === undefined) matches.set(cmd, (hit = this.pool.get(cmd).includes(q.command)));
        if (!hit) continue;
      }
      if (labelsMatch !== undefined) {
        // Last: the other tests are cheaper. Label sets often differ per run (a build id), so no memo.
        const labels = this.pool.getOptional(rows.labelsIdAt(row));
        if (labels === undefined || !labelsMatch(labels)) continue;
      }
      bytes += rows.costAt(row);
      if (bytes > maxBytes && out.length > 0) return { runs: out, truncated: true };
      out.push(this.storedAt(row));
    }
    return { runs: out, truncated: false };
  }

  stats(startMs: number, endMs: number, filter?: RunFilter): RunStats {
    return this.aggregates.stats(startMs, endMs, undefined, filter?.command);
  }

  /** The aggregates rank the commands; one pass over the columns gathers the winners' runs in range. */
  commands(startMs: number, endMs: number, limit: number, filter?: RunFilter): CommandStats {
    const top = this.aggregates.stats(startMs, endMs, limit, filter?.command).topCommands;
    return rankedCommandStats(top, this.pool, startMs, endMs, (slots, expected) =>
      this.rows.commandRuns(slots, expected, startMs, endMs),
    );
  }

  /** Oldest first. Survives appends and compactions between steps; stops at the newest id it started with. */
  *iterate(): IterableIterator<StoredRun> {
    const rows = this.rows;
    if (rows.length === 0) return;
    const lastId = rows.idAt(rowIndex(rows.length - 1));
    let generation = rows.generation;
    let row = rowIndex(0);
    let nextId = runId(0);
    for (;;) {
      if (rows.generation !== generation) {
        generation = rows.generation;
        row = rows.rowAtOrAfter(nextId);
      }
      if (row >= rows.length || rows.idAt(row) > lastId) return;
      if (rows.isLive(row)) {
        nextId = runId(rows.idAt(row) + 1);
        const run = this.storedAt(row);
        row++;
        yield run;
      } else {
        row++;
      }
    }
  }

  count(): number {
    return this.rows.live;
  }

  bytes(): number {
    return this.rows.bytes;
  }

  removeExpired(nowMs: number): number {
    const cutoff = nowMs - this.limits.maxAgeMs;
    let removed = 0;
    // Run times arrive in any order, so every row is checked, not just the oldest ids.
    for (let row = rowIndex(0); row < this.rows.length; row++) {
      if (this.rows.isLive(row) && this.rows.timestampAt(row) < cutoff) {
        this.removeRow(row);
        removed++;
      }
    }
    this.rows.compactIfWorthIt();
    this.lastCleanupMs = nowMs;
    return removed;
  }

  /** Lets go of every record at once; the store is empty afterwards. */
  close(): void {
    this.rows.clear();
    this.pool.clear();
    this.aggregates = this.newAggregates();
  }

  /** Drops the oldest rows (by id) while there are more than maxRecords or maxBytes; the newest stays. */
  private evictOverflow(): void {
    const rows = this.rows;
    if (!this.overLimits()) return;
    if (this.headGeneration !== rows.generation) {
      this.head = rowIndex(0);
      this.headGeneration = rows.generation;
    }
    while (this.overLimits() && this.head < rows.length) {
      if (rows.isLive(this.head)) this.removeRow(this.head);
      this.head++;
    }
    rows.compactIfWorthIt();
  }

  private overLimits(): boolean {
    const { live, bytes } = this.rows;
    return live > this.limits.maxRecords || (bytes > (this.limits.maxBytes ?? Infinity) && live > 1);
  }

  private removeRow(row: RowIndex): void {
    this.aggregates.remove(this.rows.aggRow(row));
    this.rows.kill(row);
  }

  /** The aggregates, summarising from the columns (memory-columns.ts). */
  private newAggregates(): Aggregates {
    return new Aggregates(
      this.pool,
      (from, to) => this.summarize(from, to),
      (from, to, wanted, hours) => this.rows.summarizeHours(from, to, wanted, hours),
    );
  }

  /** A pass over the columns, skipping the chunks outside the range (memory-columns.ts). */
  private summarize(fromMs: number, toMs: number): RangeSummary {
    return this.rows.summarize(fromMs, toMs);
  }

  private storedAt(row: RowIndex): StoredRun {
    return { id: this.rows.idAt(row), receivedAtMs: this.rows.receivedAt(row), record: this.rows.record(row) };
  }
}
