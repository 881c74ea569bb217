// The durable store (data_file): records live only in SQLite; JS keeps the hourly
// aggregates and a shadow of each run's few numbers (sqlite-shadow.ts), rebuilt from the
// table on open. Aggregates change only after a commit
// succeeds, so a failed transaction leaves both sides as they were.

import type Database from 'better-sqlite3';
import type { RunRecord } from '../shared/run-record.ts';
import { aggRowOf, type AggRow, type RangeSummary } from './agg-input.ts';
import { COST_SQL, recordCost } from './record-cost.ts';
import { Aggregates } from './aggregates.ts';
import { rankedCommandStats } from './command-stats.ts';
import {
  AGG_COLUMNS,
  INSERT_COLUMNS,
  aggRowOfRaw,
  insertParams,
  storedRunOf,
  type RawAggRow,
  type RunRow,
} from './sqlite-codec.ts';
import { openDatabase } from './sqlite-schema.ts';
import { BY_IDS_SQL, labelledIdsSql, labelSqlParams, recentSql } from './sqlite-recent.ts';
import { RunShadow } from './sqlite-shadow.ts';
import { FileIdentity } from './file-identity.ts';
import { DataFileMoved } from './storage-error.ts';
import { StringPool } from './string-pool.ts';
import type {
  CommandStats,
  LabelMatch,
  PersistedGrant,
  RecentQuery,
  RecentRuns,
  RetentionLimits,
  RunFilter,
  RunStats,
  Store,
  StoredRun,
} from './types.ts';

/** Rows per page when iterating: bounds memory, and a page is what may be read ahead. */
const PAGE = 512;
/** Rows per transaction when removing many (expiry after downtime, a lowered limit). */
const REMOVE_CHUNK = 5000;
/** The most candidate ids one statement tests for label filters (a command filter and labels together). */
const LABEL_PAGE = 4096;
/** Candidates spread over fewer ids than this many times their number are read as a span (passingLabels). */
const DENSE_SPAN = 3;

type Stmt<P extends unknown[], R> = Database.Statement<P, R>;
/** An id and the record's cost (record-cost.ts), then the aggregate columns. */
type IdAggRow = [number, number, ...RawAggRow];
/** A row for recent(), with its cost. */
type CostedRunRow = RunRow & { cost: number };
/** command, count, succeeded, rescued, attempts, duration sum, min ts, max ts */

export class SqliteStore implements Store {
  readonly kind = 'sqlite';
  readonly durable = true;
  lastCleanupMs: number | undefined;
  private readonly db: Database.Database;
  private readonly aggregates: Aggregates;
  /** The aggregates' command names: a reference per stored run, so each count is exact. */
  private readonly pool = new StringPool();
  /** commands() and a command filter read the runs from here rather than the table. */
  private readonly shadow = new RunShadow();
  private rows: number;
  /** The sum of the stored records' costs, for max_store_bytes. */
  private byteTotal = 0;
  private readonly insert: Stmt<unknown[], unknown>;
  private readonly oldest: Stmt<[number, number], IdAggRow>;
  private readonly deleteThrough: Stmt<[number], unknown>;
  private readonly expired: Stmt<[number, number], IdAggRow>;
  private readonly deleteId: Stmt<[number], unknown>;
  private readonly byIds: Stmt<[string], CostedRunRow>;
  private readonly page: Stmt<[number, number, number], RunRow>;
  private readonly maxId: Stmt<[], number | null>;
  private readonly recentStatements = new Map<string, Stmt<unknown[], CostedRunRow>>();
  /** By way and number of label filters: which of a page of ids pass them (labelledIdsSql). */
  private readonly labelledIds = new Map<string, Stmt<unknown[], number>>();
  private readonly identity: FileIdentity;
  private readonly insertGrant: Stmt<[string, number, number, number, number], unknown>;
  private readonly liveGrants: Stmt<[number], [string, number, number, number, number]>;
  private readonly deleteGrants: Stmt<[number], unknown>;

  // Long because every prepared statement is a readonly field, which only the constructor
  // may assign; the rest is the reload of the aggregates from the file.
  constructor(
    readonly location: string,
    readonly limits: RetentionLimits,
  ) {
    const db = openDatabase(location);
    this.db = db;
    try {
      this.identity = new FileIdentity(location);
      this.insert = db.prepare(
        `INSERT INTO runs (${INSERT_COLUMNS}) VALUES (${INSERT_COLUMNS.split(',')
          .map(() => '?')
          .join(', ')})`,
      );
      this.oldest = db
        .prepare<[number, number], IdAggRow>(
          `SELECT id, ${COST_SQL}, ${AGG_COLUMNS} FROM runs WHERE id > ? ORDER BY id LIMIT ?`,
        )
        .raw();
      this.deleteThrough = db.prepare('DELETE FROM runs WHERE id <= ?');
      this.expired = db
        .prepare<[number, number], IdAggRow>(`SELECT id, ${COST_SQL}, ${AGG_COLUMNS} FROM runs WHERE ts_ms < ? LIMIT ?`)
        .raw();
      this.deleteId = db.prepare('DELETE FROM runs WHERE id = ?');
      this.byIds = db.prepare<[string], CostedRunRow>(BY_IDS_SQL);
      this.page = db.prepare('SELECT * FROM runs WHERE id > ? AND id <= ? ORDER BY id LIMIT ?');
      this.maxId = db.prepare<[], number | null>('SELECT MAX(id) FROM runs').pluck();
      this.insertGrant = db.prepare(
        'INSERT INTO rate_grants (resource_id, at_ms, rate_limit, window_ms, expires_ms) VALUES (?, ?, ?, ?, ?)',
      );
      this.liveGrants = db
        .prepare<[number], [string, number, number, number, number]>(
          'SELECT resource_id, at_ms, rate_limit, window_ms, expires_ms FROM rate_grants WHERE expires_ms > ? ORDER BY at_ms, rowid',
        )
        .raw();
      this.deleteGrants = db.prepare('DELETE FROM rate_grants WHERE expires_ms <= ?');

      this.aggregates = new Aggregates(
        this.pool,
        (from, to) => this.summarize(from, to),
        (from, to, wanted, hours) =>
          this.shadow.summarizeHours(from, to, wanted, hours, this.pool.idLimit, (id) => this.pool.get(id)),
      );
      this.rows = 0;
      for (const [id, cost, ...raw] of db
        .prepare<[], IdAggRow>(`SELECT id, ${COST_SQL}, ${AGG_COLUMNS} FROM runs ORDER BY id`)
        .raw()
        .iterate()) {
        this.track(id, aggRowOfRaw(raw));
        this.rows++;
        this.byteTotal += cost;
      }
      // The limits may have shrunk since the file was written.
      this.evictOverflow();
    } catch (err) {
      db.close();
      throw err;
    }
  }

  append(records: RunRecord[], receivedAtMs: number, grants: readonly PersistedGrant[] = []): StoredRun[] {
    // Before: never write into a file that is gone (a refused record must not reappear
    // when the file is moved back). After: the commit reached the file the path names.
    this.assertFileInPlace();
    const stored: StoredRun[] = [];
    let evicted: IdAggRow[] = [];
    let added = 0;
    for (const record of records) added += recordCost(record);
    this.db.transaction(() => {
      for (const record of records) {
        const info = this.insert.run(...insertParams(record, receivedAtMs));
        stored.push({ id: Number(info.lastInsertRowid), receivedAtMs, record });
      }
      for (const g of grants) this.insertGrant.run(g.resourceId, g.atMs, g.rateLimit, g.windowMs, g.expiresMs);
      if (records.length > 0) evicted = this.deleteOldest(this.rows + records.length, this.byteTotal + added, Infinity);
    })();
    // Committed (and fsynced): now the aggregates may follow.
    for (const s of stored) this.track(s.id, aggRowOf(s.record));
    this.forget(evicted);
    this.rows += records.length;
    this.byteTotal += added;
    this.assertFileInPlace();
    return stored;
  }

  *grantsSince(nowMs: number): IterableIterator<PersistedGrant> {
    // Read at start-up, before anything else uses the connection; the caller must not write meanwhile.
    for (const [resourceId, atMs, rateLimit, windowMs, expiresMs] of this.liveGrants.iterate(nowMs)) {
      yield { resourceId, atMs, rateLimit, windowMs, expiresMs };
    }
  }

  removeExpiredGrants(nowMs: number): number {
    return this.deleteGrants.run(nowMs).changes;
  }

  fileProblem(): string | undefined {
    return this.identity.problem();
  }

  recent(q: RecentQuery): RecentRuns {
    let rows: IterableIterator<CostedRunRow>;
    if (q.command === undefined) {
      const { sql, params } = recentSql(q);
      let stmt = this.recentStatements.get(sql);
      if (stmt === undefined) this.recentStatements.set(sql, (stmt = this.db.prepare<unknown[], CostedRunRow>(sql)));
      rows = stmt.iterate(...params, q.limit);
    } else {
      // The shadow picks the ids (a pass over its columns, newest first); SQL reads those rows.
      const ids = this.newestMatching(q);
      if (ids.length === 0) return { runs: [], truncated: false };
      rows = this.byIds.iterate(JSON.stringify(ids));
    }
    // Row by row, so that rows beyond the byte budget are never read into JS; the loop
    // never yields, so the open iterator cannot block another statement.
    const maxBytes = q.maxBytes ?? Infinity;
    const runs: StoredRun[] = [];
    let bytes = 0;
    for (const row of rows) {
      bytes += row.cost;
      if (bytes > maxBytes && runs.length > 0) return { runs, truncated: true };
      runs.push(storedRunOf(row));
    }
    return { runs, truncated: false };
  }

  stats(startMs: number, endMs: number, filter?: RunFilter): RunStats {
    return this.aggregates.stats(startMs, endMs, undefined, filter?.command);
  }

  /** The aggregates rank the commands; the shadow holds the winners' runs in range. */
  commands(startMs: number, endMs: number, limit: number, filter?: RunFilter): CommandStats {
    const top = this.aggregates.stats(startMs, endMs, limit, filter?.command).topCommands;
    return rankedCommandStats(top, this.pool, startMs, endMs, (slots, expected) =>
      this.shadow.commandRuns(slots, expected, startMs, endMs),
    );
  }

  /**
   * Oldest first, a page at a time by id. Not one stmt.iterate(): an open iterator keeps
   * the connection busy, and the export awaits the network between rows while appends
   * must go on. Stops at the newest id present when it started.
   */
  *iterate(): IterableIterator<StoredRun> {
    const last = this.maxId.get() ?? 0;
    let after = 0;
    for (;;) {
      const rows = this.page.all(after, last, PAGE);
      for (const row of rows) {
        after = row.id;
        yield storedRunOf(row);
      }
      if (rows.length < PAGE) return;
    }
  }

  count(): number {
    return this.rows;
  }

  bytes(): number {
    return this.byteTotal;
  }

  removeExpired(nowMs: number): number {
    const cutoff = nowMs - this.limits.maxAgeMs;
    let removed = 0;
    // In chunks, each its own transaction, so that a backlog of a million expired rows
    // is never held in memory at once.
    for (;;) {
      const batch = this.db.transaction(() => {
        const rows = this.expired.all(cutoff, REMOVE_CHUNK);
        for (const [id] of rows) this.deleteId.run(id);
        return rows;
      })();
      this.forget(batch);
      removed += batch.length;
      if (batch.length < REMOVE_CHUNK) break;
    }
    this.lastCleanupMs = nowMs;
    return removed;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private assertFileInPlace(): void {
    const problem = this.identity.problem();
    if (problem !== undefined) throw new DataFileMoved(problem);
  }

  /** Applies limits that shrank since the file was written, a chunk per transaction. */
  private evictOverflow(): void {
    for (;;) {
      const evicted = this.db.transaction(() => this.deleteOldest(this.rows, this.byteTotal, REMOVE_CHUNK))();
      if (evicted.length === 0) return;
      this.forget(evicted);
    }
  }

  /**
   * Deletes the oldest rows (by id) while `rows` and `bytes` (the totals as they stand in
   * the caller's transaction) exceed maxRecords or maxBytes, at most `most` of them; the
   * newest row always stays. Returns the rows deleted.
   */
  private deleteOldest(rows: number, bytes: number, most: number): IdAggRow[] {
    const maxBytes = this.limits.maxBytes ?? Infinity;
    const over = (): boolean => rows > this.limits.maxRecords || (bytes > maxBytes && rows > 1);
    const victims: IdAggRow[] = [];
    let after = 0;
    while (over() && victims.length < most) {
      // Over by count: exactly the surplus (usually one row per batch). Over by bytes: a page.
      const surplus = Math.max(rows - this.limits.maxRecords, bytes > maxBytes ? 64 : 1);
      const page = this.oldest.all(after, Math.min(most - victims.length, surplus));
      if (page.length === 0) break;
      for (const victim of page) {
        if (!over() || victims.length >= most) break;
        victims.push(victim);
        after = victim[0];
        rows--;
        bytes -= victim[1];
      }
    }
    if (victims.length > 0) this.deleteThrough.run(after);
    return victims;
  }

  /** A stored run into the aggregates and the shadow. */
  private track(id: number, row: AggRow): void {
    this.aggregates.add(row);
    // The aggregates hold a reference to the command for as long as the run is stored.
    const commandId = this.pool.idOf(row.command);
    if (commandId === undefined) throw new Error('sqlite store: a tracked command is not in the pool');
    this.shadow.push(id, row, commandId);
  }

  /**
   * The ids of the newest runs (at most q.limit) whose command contains q.command
   * (case-sensitive, as String.includes: the memory store's test) and that pass the
   * other filters. Each distinct command is tested once, not each run.
   */
  private newestMatching(q: RecentQuery): number[] {
    const part = q.command ?? '';
    const wanted = new Uint8Array(this.pool.idLimit);
    let matched = 0;
    this.pool.forEach((command, id) => {
      if (!command.includes(part)) return;
      wanted[id] = 1;
      matched++;
    });
    if (matched === 0) return [];
    const s = this.shadow;
    const status = q.status === undefined ? undefined : q.status === 'succeeded';
    const since = q.sinceMs ?? -Infinity;
    const until = q.untilMs ?? Infinity;
    const accept = (r: number): boolean => {
      const ts = s.timestampAt(r);
      return ts >= since && ts <= until && (status === undefined || s.succeededAt(r) === status);
    };
    if (q.labels === undefined || q.labels.length === 0) return s.newestOf(wanted, q.limit, accept);
    return this.newestLabelled(wanted, accept, q.labels, q.limit);
  }

  /**
   * newestMatching with label filters, which only the table can test: the shadow's
   * candidates go to SQL a page at a time (one statement per page, not one per run: 7×
   * faster), the first page `limit` long for when most candidates match, then larger.
   */
  private newestLabelled(
    wanted: Uint8Array,
    accept: (row: number) => boolean,
    labels: readonly LabelMatch[],
    limit: number,
  ): number[] {
    const params = labelSqlParams(labels);
    const out: number[] = [];
    let below: number | undefined;
    let last = -1;
    const taking = (r: number): boolean => {
      if (!accept(r)) return false;
      last = r;
      return true;
    };
    for (let page = limit; ; page = Math.min(page * 4, LABEL_PAGE)) {
      const candidates = this.shadow.newestOf(wanted, page, taking, below);
      if (candidates.length === 0) return out;
      for (const id of this.passingLabels(candidates, labels.length, params)) {
        out.push(id);
        if (out.length >= limit) return out;
      }
      if (candidates.length < page) return out;
      below = last;
    }
  }

  /**
   * Of candidate ids (newest first), those whose runs pass `count` label filters (params),
   * newest first. Looked up by id (~1 µs each at a million rows) unless they are a third
   * or more of their span of ids: then the span is read in id order (~0.3 µs a row, as a
   * scan) and the candidates kept, so that a command most runs have costs about a scan, not 3×.
   */
  private passingLabels(candidates: readonly number[], count: number, params: readonly string[]): number[] {
    const newest = candidates[0] ?? 0;
    const oldest = candidates[candidates.length - 1] ?? 0;
    const dense = newest - oldest < DENSE_SPAN * candidates.length;
    const key = `${dense ? 'span' : 'ids'} ${count}`;
    let stmt = this.labelledIds.get(key);
    if (stmt === undefined) {
      stmt = this.db.prepare<unknown[], number>(labelledIdsSql(count, dense ? 'span' : 'ids')).pluck();
      this.labelledIds.set(key, stmt);
    }
    if (!dense) return stmt.all(JSON.stringify(candidates), ...params);
    const wanted = new Set(candidates);
    return stmt.all(oldest, newest, ...params).filter((id) => wanted.has(id));
  }

  /** Takes rows that a committed transaction deleted out of the aggregates and totals. */
  private forget(victims: IdAggRow[]): void {
    for (const [id, cost, ...raw] of victims) {
      this.shadow.remove(id);
      this.aggregates.remove(aggRowOfRaw(raw));
      this.rows--;
      this.byteTotal -= cost;
    }
  }

  /**
   * From the shadow, not SQL: a GROUP BY over the ts index reads every row of the hour
   * from the file (0.5–2 s for the edge hours of a day at a million rows); the shadow's
   * pass skips the chunks outside the range and gives the memory store's sums to the bit.
   */
  private summarize(fromMs: number, toMs: number): RangeSummary {
    return this.shadow.summarize(fromMs, toMs, (id) => this.pool.get(id));
  }
}
