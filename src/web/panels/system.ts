// System statistics, as the original dashboard has it: the daemon's configuration and storage use,
// from GET /api/daemon/stats.
import type { DaemonStats } from '../api.ts';
import { byId, el, fill } from '../dom.ts';
import { count, dateTime, duration } from '../format.ts';

export function renderSystem(d: DaemonStats): void {
  const maxRecords = d.max_size;
  const used = maxRecords > 0 ? d.total_metrics / maxRecords : 0;
  const meter = el('meter', { min: '0', max: '1', low: '0.7', high: '0.9', optimum: '0', value: String(used) });
  meter.textContent = `${(used * 100).toFixed(1)}%`;
  setStorage(`${count(d.total_metrics)} of ${count(maxRecords)} records (${(used * 100).toFixed(1)}%)`, meter);
  const rows: Array<[string, string]> = [
    ['Version', d.version],
    ['Uptime', duration(d.uptime_seconds)],
    ['Storage', d.storage === 'memory' ? 'in memory' : d.storage],
    ['Max age', d.max_age],
    ['Last cleanup', d.last_cleanup === null ? 'not yet' : dateTime(Date.parse(d.last_cleanup))],
    ['Received', count(d.received)],
    ['Rejected', count(d.rejected_total)],
    ['Socket', d.socket_path],
    ['HTTP', d.http],
    ['Live viewers', d.event_streams ? `${d.event_streams.clients} of ${d.event_streams.max_clients}` : '–'],
  ];
  fill(
    byId('system'),
    rows.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]),
  );
}

function setStorage(text: string, meter: HTMLMeterElement): void {
  fill(byId('storage'), [meter, el('span', {}, text)]);
}
