// The per-command table: runs, success rate and duration percentiles of the busiest
// commands in the range, from GET /api/metrics/commands.
import type { CommandsResult } from '../api.ts';
import { byId, el, fill } from '../dom.ts';
import { count, duration, percent, shortTime } from '../format.ts';

export const COMMAND_ROWS = 20;

export function renderCommands(result: CommandsResult): void {
  const rows = result.commands;
  byId('commands-empty').hidden = rows.length > 0;
  byId('commands-wrap').hidden = rows.length === 0;
  const now = Date.now();
  fill(
    byId('commands-body'),
    rows.map((c) => {
      const bar = el('span', { class: 'bar' }, el('span', { class: c.success_rate >= 0.9 ? 'fill ok' : 'fill fail' }));
      const inner = bar.firstElementChild;
      if (inner instanceof HTMLElement) inner.style.width = `${(c.success_rate * 100).toFixed(1)}%`;
      return el(
        'tr',
        {},
        el('td', { class: 'cmd', title: c.command }, el('code', {}, c.command)),
        el('td', { class: 'num' }, count(c.count)),
        el('td', { class: 'num' }, el('span', { class: 'rate-cell' }, percent(c.success_rate, c.count), bar)),
        el('td', { class: 'num' }, duration(c.duration_seconds.p50)),
        el('td', { class: 'num' }, duration(c.duration_seconds.p90)),
        el('td', { class: 'time' }, shortTime(Date.parse(c.last_run), now)),
      );
    }),
  );
}
