// The Prometheus exposition of GET /metrics, in a registry of its own (never prom-client's
// global one, so two apps in one process never collide). Labels are bounded: status and
// reject reason only, never the command, which is unbounded and may carry secrets.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
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
  collectDefaultMetrics({ register: registry });
  // The same counts stay available by type as nodejs_active_handles{type} and friends.
  for (const name of MISNAMED_DEFAULTS) registry.removeSingleMetric(name);
  const registers = [registry];

  new Gauge({
    name: 'patience_build_info',
    help: 'Always 1; the version of patienced as a label.',
    labelNames: ['version'],
    registers,
  }).set({ version: deps.version }, 1);

  const runs = new Counter({
    name: 'patience_runs_total',
    help: 'Runs stored since patienced started, by final status.',
    labelNames: ['status'],
    registers,
  });
  const attempts = new Counter({
    name: 'patience_attempts_total',
    help: 'Attempts of the runs stored since patienced started.',
    registers,
  });
  const rescued = new Counter({
    name: 'patience_rescued_runs_total',
    help: 'Stored runs that succeeded after at least one failed attempt.',
    registers,
  });
  const duration = new Histogram({
    name: 'patience_run_duration_seconds',
    help: 'Total duration of each stored run, all attempts and waits included.',
    buckets: DURATION_BUCKETS,
    registers,
  });
  // Both series exist from the start, so that rate() sees the first failure.
  runs.inc({ status: 'succeeded' }, 0);
  runs.inc({ status: 'failed' }, 0);
  // Counted per batch: prom-client's labelled inc() costs about a microsecond a call.
  const unsubscribe = deps.feed.subscribe((batch) => {
    let succeeded = 0;
    let attemptsSum = 0;
    let rescuedCount = 0;
    for (const { record: r } of batch) {
      const ok = r.final_status === 'succeeded';
      if (ok) succeeded++;
      if (isRescued(ok, r.failed_attempts)) rescuedCount++;
      attemptsSum += r.total_attempts;
      duration.observe(r.total_duration_seconds);
    }
    if (succeeded > 0) runs.inc({ status: 'succeeded' }, succeeded);
    if (batch.length > succeeded) runs.inc({ status: 'failed' }, batch.length - succeeded);
    if (attemptsSum > 0) attempts.inc(attemptsSum);
    if (rescuedCount > 0) rescued.inc(rescuedCount);
  });

  const { store, counters, streams } = deps;
  new Gauge({
    name: 'patience_records_stored',
    help: 'Run records held now (bounded by max_metrics, max_store_bytes and metrics_max_age).',
    registers,
    collect() {
      this.set(store.count());
    },
  });
  new Gauge({
    name: 'patience_records_max',
    help: 'The max_metrics limit.',
    registers,
    collect() {
      this.set(store.limits.maxRecords === Infinity ? -1 : store.limits.maxRecords);
    },
  });
  new Gauge({
    name: 'patience_records_bytes',
    help: 'What the records held now count against max_store_bytes (about their size as JSON).',
    registers,
    collect() {
      this.set(store.bytes());
    },
  });
  new Gauge({
    name: 'patience_records_max_bytes',
    help: 'The max_store_bytes limit.',
    registers,
    collect() {
      this.set(store.limits.maxBytes ?? -1);
    },
  });
  // Counters read from IngestCounters at scrape time: reset, then set to the running total.
  new Counter({
    name: 'patience_ingest_received_total',
    help: 'Run records received over the socket and stored.',
    registers,
    collect() {
      this.reset();
      this.inc(counters.received);
    },
  });
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
  new Gauge({
    name: 'patience_ingest_connections',
    help: 'Socket connections being served now.',
    registers,
    collect() {
      this.set(counters.connectionsActive);
    },
  });
  new Gauge({
    name: 'patience_event_streams',
    help: 'Open /api/events streams.',
    registers,
    collect() {
      this.set(streams.stats().clients);
    },
  });
  new Counter({
    name: 'patience_event_streams_dropped_total',
    help: '/api/events clients cut off because they stopped reading.',
    registers,
    collect() {
      this.reset();
      this.inc(streams.stats().dropped_slow);
    },
  });
  // The rate-limit ledger (docs/coordination.md). The resource label is bounded: the first
  // 100 resources keep their own, the rest are summed under resource="other".
  const { ledger, counters: tallies } = deps.coordination;
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
  new Gauge({
    name: 'patience_coordination_resources',
    help: 'Rate-limit resources tracked now (bounded by max_rate_limit_resources).',
    registers,
    collect() {
      this.set(ledger.count);
    },
  });
  new Counter({
    name: 'patience_coordination_evictions_total',
    help: 'Idle rate-limit resources forgotten to make room for new ones.',
    registers,
    collect() {
      this.reset();
      this.inc(ledger.evictedTotal);
    },
  });
  return { registry, close: unsubscribe };
}
