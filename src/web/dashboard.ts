// Puts the panels together: loads them for the chosen range, follows live events, and
// coalesces the refreshes that a burst of events asks for.
import { api, type ApiRun, type Range } from './api.ts';
import { byId, setText } from './dom.ts';
import { dateTime } from './format.ts';
import { startLive, type LiveState } from './live.ts';
import { renderCommands, COMMAND_ROWS } from './panels/commands.ts';
import { RunsChart } from './panels/chart.ts';
import { renderOverview } from './panels/overview.ts';
import { RecentPanel, RECENT_ROWS } from './panels/recent.ts';
import { renderSystem } from './panels/system.ts';
import { renderRateLimits, RATE_LIMIT_ROWS } from './panels/rate-limits.ts';
import { contains, describe, resolve, type RangeChoice } from './range.ts';

/** After a live event, the aggregates are reloaded at most this often... */
const STATS_EVERY_MS = 2000;
/** ...and the command table (a scan of raw runs on the daemon) less often. */
const COMMANDS_EVERY_MS = 15_000;
/**
 * Acquires are not run events, so the rate-limit panel is read again this often while the
 * page is visible (one small, bounded request).
 */
export const RATE_LIMITS_EVERY_MS = 2000;

export class Dashboard {
  private readonly recent = new RecentPanel();
  private readonly chart = new RunsChart();
  /** Bumped per load, so that an answer for an older range is dropped. */
  private generation = 0;
  private statsTimer: number | undefined;
  private commandsDue = 0;

  constructor(private choice: RangeChoice) {}

  start(): void {
    void this.load(true);
    window.setInterval(() => {
      if (!document.hidden) void this.loadRateLimits();
    }, RATE_LIMITS_EVERY_MS);
    startLive({
      onRun: (run) => this.onRun(run),
      refresh: () => void this.load(true),
      onState: (s) => this.showState(s),
    });
  }

  setRange(choice: RangeChoice): void {
    this.choice = choice;
    void this.load(true);
  }

  private async loadRateLimits(): Promise<void> {
    try {
      renderRateLimits(await api.coordination(RATE_LIMIT_ROWS));
    } catch {
      // The next full load reports the daemon being unreachable in the banner.
    }
  }

  private range(): Range {
    return resolve(this.choice, Date.now());
  }

  /** Loads every panel; the command table only when asked (it costs the most). */
  private async load(withCommands: boolean): Promise<void> {
    const gen = ++this.generation;
    const range = this.range();
    setText(
      'range-label',
      describe(this.choice, (ms) => dateTime(ms).slice(0, 16)),
    );
    const jobs: Array<Promise<unknown>> = [
      api.daemonStats().then((d) => gen === this.generation && renderSystem(d)),
      api.coordination(RATE_LIMIT_ROWS).then((c) => gen === this.generation && renderRateLimits(c)),
      api.stats(range).then((s) => {
        if (gen !== this.generation) return;
        renderOverview(s);
        this.chart.update(s, range);
      }),
      api.recent(range, RECENT_ROWS).then((r) => gen === this.generation && this.recent.set(r.metrics)),
    ];
    if (withCommands) {
      this.commandsDue = Date.now() + COMMANDS_EVERY_MS;
      jobs.push(api.commands(range, COMMAND_ROWS).then((c) => gen === this.generation && renderCommands(c)));
    }
    const results = await Promise.allSettled(jobs);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    const banner = byId('error');
    banner.hidden = failed === undefined;
    banner.textContent = failed
      ? `Could not load everything: ${String(failed.reason instanceof Error ? failed.reason.message : failed.reason)}`
      : '';
    if (withCommands && failed === undefined && gen === this.generation) markPanelsLoaded();
    document.body.dataset.loaded = String(gen);
  }

  private onRun(run: ApiRun): void {
    if (!contains(this.choice, Date.parse(run.timestamp), Date.now())) return;
    this.recent.add(run);
    this.statsTimer ??= window.setTimeout(() => {
      this.statsTimer = undefined;
      void this.load(Date.now() >= this.commandsDue);
    }, STATS_EVERY_MS);
  }

  private showState(state: LiveState): void {
    const el = byId('live-status');
    el.dataset.state = state;
    el.textContent = state === 'live' ? 'live' : state === 'polling' ? 'refreshing every 30 s' : 'connecting…';
  }
}

/**
 * The first time every panel shows its data: `data-panels-loaded-ms` on the body, the ms
 * since navigation started (page, scripts and every API answer rendered). Set once; the
 * scale bench and the browser tests wait for it. `data-loaded` follows every load, failed
 * ones too.
 */
function markPanelsLoaded(): void {
  if (document.body.dataset.panelsLoadedMs !== undefined) return;
  document.body.dataset.panelsLoadedMs = String(Math.round(performance.now()));
}
