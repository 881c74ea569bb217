// patienced(8)'s HTTP API in brief. The routes' own schemas are the reference (GET
// /api/openapi.json); a test checks this list against that document both ways, so a route
// added or renamed there fails until it is named here.
export interface Endpoint {
  path: string;
  about: string;
}

export const API_ENDPOINTS: readonly Endpoint[] = [
  {
    path: '/api/metrics/recent',
    about: 'recent runs, newest first; limit=, and the filters command=, status=, since=, until=, label=',
  },
  {
    path: '/api/metrics/stats',
    about: 'totals, success rate, duration percentiles, rescued runs and the busiest commands of start= to end=',
  },
  { path: '/api/metrics/commands', about: 'the busiest commands of a range, each with its own figures' },
  { path: '/api/metrics/export', about: 'every stored record, streamed: format=json, ndjson or csv' },
  { path: '/api/coordination', about: 'the host-wide rate-limit ledger of patience diophantine --daemon' },
  { path: '/api/daemon/stats', about: 'stored records and bytes, limits, counts, connections, storage, version' },
  { path: '/api/daemon/performance', about: 'memory, GC, event-loop delay and utilisation, CPU' },
  { path: '/api/health', about: 'healthy; or 503, degraded or unhealthy, with the reason' },
  { path: '/api/events', about: 'Server-Sent Events: one event per stored run' },
  { path: '/api/openapi.json', about: 'the OpenAPI document of every route' },
  { path: '/metrics', about: 'Prometheus metrics' },
  { path: '/', about: 'the dashboard' },
  { path: '/debug/pprof/', about: 'CPU profile, heap snapshot and active handles, only with -enable-profiling' },
];
