// The Prometheus exposition of GET /metrics, in a registry of its own (never prom-client's
// global one, so two apps in one process never collide). Labels are bounded: status and
// reject reason only, never the command, which is unbounded and may carry secrets.
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { TalliedHistogram } from './tallied-histogram.ts';
import { EVENT_LOOP_SAMPLE_MS } from '../daemon/runtime-stats.ts';
import type { Store } from '../store/types.ts';
import { isRescued } from '../store/rescued.ts';
import { REJECT_REASONS, type IngestCounters } from '../ingest/counters.ts';
import type { EventStreams } from './live/event-streams.ts';
import type { RunFeed } from './live/run-feed.ts';
import type { Ledger } from '../coordination/ledger.ts';
import type { CoordinationCounters } from '../coordination/counters.ts';

export interface PrometheusDeps {
  store: Store;
  counters: IngestCounters;
  feed: RunFeed;
  streams: EventStreams;
  version: string;
  coordination: { ledger: Ledger; counters: CoordinationCounters };
}

/** Gauges that prom-client names `_total`, which `promtool check metrics` rejects. */
const MISNAMED_DEFAULTS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
];

/** Retried commands take from milliseconds to an hour. */
const DURATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600];

export interface PrometheusMetrics {
  registry: Registry;
  /** Stops following the feed. */
  close(): void;
}

export function createPrometheus(deps: PrometheusDeps): PrometheusMetrics {
  const registry = new Registry();
  // Its event-loop lag monitor samples at the daemon's interval, not its default 10 ms: each
  // sample wakes an idle daemon (nodejs_eventloop_lag_* include the interval, as before).
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
  // The same counts stay available by type as nodejs_active_handles{type} and friends.
  for (const name of MISNAMED_DEFAULTS) registry.removeSingleMetric(name);
  const registers = [registry];

  new Gauge({
    name: 'patience_build_info',
    help: 'Always 1; the version of patienced as a label.',
    labelNames: ['version'],
    registers,
  }).set({ version: deps.version }, 1);
  const unsubscribe = countStoredRuns(deps.feed, registers);
  storeGauges(deps.store, registers);
  ingestMetrics(deps.counters, deps.streams, registers);
  coordinationMetrics(deps.coordination, registers);
  return { registry, close: unsubscribe };
}

type Registers = Registry[];

/** A gauge set to read() at each scrape. */
function scrapedGauge(registers: Registers, name: string, help: string, read: () => number): void {
  new Gauge({
    name,
    help,
    registers,
    collect() {
      this.set(read());
    },
  });
}

/** A counter kept elsewhere, read at each scrape: reset, then set to the running total. */
function scrapedCounter(registers: Registers, name: string, help: string, read: () => number): void {
  new Counter({
    name,
    help,
    registers,
    collect() {
      this.reset();
      this.inc(read());
    },
  });
}

/**
 * Runs, attempts, rescued runs and durations, counted from the run feed; returns the
 * unsubscribe. The feed's listener only adds to plain numbers (it runs on the ingest path
 * for every stored batch); the counters read them at scrape time.
 */
function countStoredRuns(feed: RunFeed, registers: Registers): () => void {
  const tally = { succeeded: 0, failed: 0, attempts: 0, rescued: 0 };
  new Counter({
    name: 'patience_runs_total',
    help: 'Runs stored since patienced started, by final status.',
    labelNames: ['status'],
    registers,
    collect() {
      // Both series exist from the start, so that rate() sees the first failure.
      this.reset();
      this.inc({ status: 'succeeded' }, tally.succeeded);
      this.inc({ status: 'failed' }, tally.failed);
    },
  });
  scrapedCounter(
    registers,
    'patience_attempts_total',
    'Attempts of the runs stored since patienced started.',
    () => tally.attempts,
  );
  scrapedCounter(
    registers,
    'patience_rescued_runs_total',
    'Stored runs that succeeded after at least one failed attempt.',
    () => tally.rescued,
  );
  const duration = new TalliedHistogram(
    'patience_run_duration_seconds',
    'Total duration of each stored run, all attempts and waits included.',
    DURATION_BUCKETS,
    registers,
  );
  return feed.subscribe((batch) => {
    for (const { record: r } of batch) {
      const ok = r.final_status === 'succeeded';
      if (ok) tally.succeeded++;
      else tally.failed++;
      if (isRescued(ok, r.failed_attempts)) tally.rescued++;
      tally.attempts += r.total_attempts;
      duration.observe(r.total_duration_seconds);
    }
  });
}

/** What the store holds now against its limits (-1: no limit). */
function storeGauges(store: Store, registers: Registers): void {
  scrapedGauge(
    registers,
    'patience_records_stored',
    'Run records held now (bounded by max_metrics, max_store_bytes and metrics_max_age).',
    () => store.count(),
  );
  scrapedGauge(registers, 'patience_records_max', 'The max_metrics limit.', () =>
    store.limits.maxRecords === Infinity ? -1 : store.limits.maxRecords,
  );
  scrapedGauge(
    registers,
    'patience_records_bytes',
    'What the records held now count against max_store_bytes (about their size as JSON).',
    () => store.bytes(),
  );
  scrapedGauge(
    registers,
    'patience_records_max_bytes',
    'The max_store_bytes limit.',
    () => store.limits.maxBytes ?? -1,
  );
}

/** The socket's received and rejected counts and connections, and the /api/events streams. */
function ingestMetrics(counters: IngestCounters, streams: EventStreams, registers: Registers): void {
  scrapedCounter(
    registers,
    'patience_ingest_received_total',
    'Run records received over the socket and stored.',
    () => counters.received,
  );
  new Counter({
    name: 'patience_ingest_rejected_total',
    help: 'Socket documents and connections rejected, by reason.',
    labelNames: ['reason'],
    registers,
    collect() {
      this.reset();
      for (const reason of REJECT_REASONS) this.inc({ reason }, counters.rejected[reason]);
    },
  });
  scrapedGauge(
    registers,
    'patience_ingest_connections',
    'Socket connections being served now.',
    () => counters.connectionsActive,
  );
  scrapedGauge(registers, 'patience_event_streams', 'Open /api/events streams.', () => streams.stats().clients);
  scrapedCounter(
    registers,
    'patience_event_streams_dropped_total',
    '/api/events clients cut off because they stopped reading.',
    () => streams.stats().dropped_slow,
  );
}

/**
 * The rate-limit ledger (docs/coordination.md). The resource label is bounded: the first
 * 100 resources keep their own, the rest are summed under resource="other".
 */
function coordinationMetrics(coordination: PrometheusDeps['coordination'], registers: Registers): void {
  const { ledger, counters: tallies } = coordination;
  new Counter({
    name: 'patience_coordination_grants_total',
    help: 'Rate-limit slots granted since patienced started, by resource (the first 100; the rest as "other").',
    labelNames: ['resource'],
    registers,
    collect() {
      this.reset();
      for (const [resource, t] of tallies.entries()) this.inc({ resource }, t.granted);
    },
  });
  new Counter({
    name: 'patience_coordination_refusals_total',
    help: 'Rate-limit acquires refused (window full) since patienced started, by resource (the first 100; the rest as "other").',
    labelNames: ['resource'],
    registers,
    collect() {
      this.reset();
      for (const [resource, t] of tallies.entries()) this.inc({ resource }, t.refused);
    },
  });
  scrapedGauge(
    registers,
    'patience_coordination_resources',
    'Rate-limit resources tracked now (bounded by max_rate_limit_resources).',
    () => ledger.count,
  );
  scrapedCounter(
    registers,
    'patience_coordination_evictions_total',
    'Idle rate-limit resources forgotten to make room for new ones.',
    () => ledger.evictedTotal,
  );
}
