// A plain page linking the API, until the dashboard lands. Static text only.
export const INDEX_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>patienced</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem">
<h1>patienced</h1>
<p>The patience daemon collects every <code>patience</code> run on this host.</p>
<ul>
<li><a href="/api/metrics/recent?limit=20">/api/metrics/recent</a> — the latest runs</li>
<li><a href="/api/metrics/stats">/api/metrics/stats</a> — aggregates over the last 24 h</li>
<li><a href="/api/metrics/export">/api/metrics/export</a> — every stored run (json, ndjson, csv)</li>
<li><a href="/api/daemon/stats">/api/daemon/stats</a> — storage and ingest counters</li>
<li><a href="/api/daemon/performance">/api/daemon/performance</a> — memory, GC, event loop</li>
<li><a href="/api/health">/api/health</a></li>
</ul>
</body></html>
`;
