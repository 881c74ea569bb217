// Recent runs in the range, newest first; live events are added on top without a reload.
import type { ApiRun } from '../api.ts';
import { byId, el, fill } from '../dom.ts';
import { duration, shortTime } from '../format.ts';

export const RECENT_ROWS = 50;

export class RecentPanel {
  private runs: ApiRun[] = [];
  private frame: number | undefined;

  set(runs: ApiRun[]): void {
    this.runs = runs.slice(0, RECENT_ROWS);
    this.render();
  }

  /** A run that arrived live; ignored if already shown. */
  add(run: ApiRun): void {
    if (this.runs.some((r) => r.id === run.id)) return;
    this.runs = [run, ...this.runs].sort((a, b) => b.id - a.id).slice(0, RECENT_ROWS);
    // A burst of events redraws the table once per frame, not once per run.
    this.frame ??= requestAnimationFrame(() => this.render());
  }

  private render(): void {
    if (this.frame !== undefined) cancelAnimationFrame(this.frame);
    this.frame = undefined;
    const now = Date.now();
    byId('recent-empty').hidden = this.runs.length > 0;
    byId('recent-wrap').hidden = this.runs.length === 0;
    fill(
      byId('recent-body'),
      this.runs.map((run) => {
        const m = run.metrics;
        const ms = Date.parse(run.timestamp);
        return el(
          'tr',
          { 'data-id': String(run.id) },
          el(
            'td',
            {},
            el('span', { class: `badge ${m.final_status === 'succeeded' ? 'ok' : 'fail'}` }, m.final_status),
          ),
          el('td', { class: 'cmd', title: m.command }, el('code', {}, m.command)),
          el('td', { class: 'num' }, m.total_attempts),
          el('td', { class: 'num' }, duration(m.total_duration_seconds)),
          el('td', {}, m.strategy ?? '–'),
          el('td', { class: 'time', title: run.timestamp }, shortTime(ms, now)),
        );
      }),
    );
  }
}
