// GET /api/openapi.json: the document @fastify/swagger builds from the route schemas. Every
// route the app registers is in it with its methods and a documented success answer, and
// every documented path is a route, so a route added without a schema fails here. Real
// answers are checked against the schemas the document shows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TSchema } from 'typebox';
import { assertError, assertShape, NOW, testApp } from './test-app.ts';
import { dataset, HOUR } from '../../store/test-support.ts';

interface Operation {
  parameters?: Array<{ name: string; in: string; schema?: { type?: string; maxItems?: number } }>;
  responses: Record<string, { content?: Record<string, { schema?: TSchema }> }>;
}
interface Document {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, Operation>>;
}

/** fastify's /assets/:name is OpenAPI's /assets/{name}. */
const openApiPath = (url: string): string => url.replace(/:(\w+)/g, '{$1}');

test('the document lists exactly the routes, each with its methods and a documented answer', async (t) => {
  const { app } = testApp(t, { store: 'memory', profiling: true });
  const routes = new Map<string, Set<string>>();
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const path = openApiPath(route.url ?? route.path);
    for (const m of methods) if (m !== 'HEAD') routes.set(path, (routes.get(path) ?? new Set()).add(m.toLowerCase()));
  });
  await app.ready();
  const res = await app.inject({ url: '/api/openapi.json' });
  assert.equal(res.statusCode, 200);
  const doc = res.json<Document>();
  assert.match(doc.openapi, /^3\./);
  assert.equal(doc.info.version, 'test');
  assert.ok(routes.size >= 15, `routes seen: ${[...routes.keys()].join(' ')}`);
  assert.deepEqual(Object.keys(doc.paths).sort(), [...routes.keys()].sort());
  for (const [path, methods] of routes) {
    const documented = doc.paths[path] ?? {};
    assert.deepEqual(Object.keys(documented).sort(), [...methods].sort(), path);
    for (const m of methods) {
      const op = documented[m];
      assert.ok(op, `${m} ${path}`);
      const statuses = Object.keys(op.responses);
      // A success answer, with its body's schema; only the bare /debug/pprof redirects.
      if (path === '/debug/pprof')
        assert.deepEqual(
          statuses.filter((s) => s < '400'),
          ['301'],
        );
      else assert.ok(op.responses['200']?.content, `${m} ${path}: no 200 schema`);
      assert.ok(op.responses['421'], `${m} ${path}: the guard's 421 is documented`);
    }
  }
  const recent = doc.paths['/api/metrics/recent']?.get;
  assert.deepEqual(recent?.parameters?.map((p) => `${p.in}:${p.name}`).sort(), [
    'query:command',
    'query:label',
    'query:limit',
    'query:since',
    'query:status',
    'query:until',
  ]);
  const paramsOf = (path: string): string[] | undefined =>
    doc.paths[path]?.get?.parameters?.map((p) => `${p.in}:${p.name}`).sort();
  assert.deepEqual(paramsOf('/api/metrics/stats'), ['query:command', 'query:end', 'query:start']);
  assert.deepEqual(paramsOf('/api/metrics/commands'), ['query:command', 'query:end', 'query:limit', 'query:start']);
  // label= is repeatable: a list in the document, with its bound.
  const label = recent?.parameters?.find((p) => p.name === 'label')?.schema;
  assert.deepEqual([label?.type, label?.maxItems], ['array', 8]);
  assert.ok(recent?.responses['400'] && recent.responses['503'], 'bad_parameter and storage_unavailable');
});

test('real answers match the schemas the document shows', async (t) => {
  const { app, store } = testApp(t, { store: 'memory' });
  store.append(dataset(), NOW - HOUR);
  const doc = (await app.inject({ url: '/api/openapi.json' })).json<Document>();
  const schemaOf = (path: string, status: string): TSchema => {
    const s = doc.paths[path]?.get?.responses[status]?.content?.['application/json']?.schema;
    assert.ok(s, `${path} ${status}`);
    return s;
  };
  for (const path of [
    '/api/metrics/recent',
    '/api/metrics/stats',
    '/api/metrics/commands',
    '/api/coordination',
    '/api/daemon/stats',
    '/api/daemon/performance',
    '/api/health',
  ]) {
    const res = await app.inject({ url: path });
    assert.equal(res.statusCode, 200, path);
    assertShape(schemaOf(path, '200'), res);
  }
  const bad = await app.inject({ url: '/api/metrics/recent?limit=x' });
  assertShape(schemaOf('/api/metrics/recent', '400'), bad);
});

test('/api/openapi.json is behind the guard like every route', async (t) => {
  const { app } = testApp(t, { store: 'memory' });
  assertError(
    await app.inject({ url: '/api/openapi.json', headers: { host: 'evil.example' } }),
    421,
    'misdirected_host',
  );
  assertError(await app.inject({ url: '/api/openapi.json', method: 'POST' }), 405, 'method_not_allowed');
});
