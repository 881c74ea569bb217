// GET /metrics: the Prometheus text exposition (see src/http/prometheus.ts).
import type { FastifyPluginCallback } from 'fastify';
import type { PrometheusMetrics } from '../prometheus.ts';

export function prometheusRoutes(metrics: PrometheusMetrics): FastifyPluginCallback {
  return (app, _opts, done) => {
    app.get('/metrics', async (_req, reply) => {
      const body = await metrics.registry.metrics();
      return reply.type(metrics.registry.contentType).header('Cache-Control', 'no-store').send(body);
    });
    app.addHook('onClose', (_instance, hookDone) => {
      metrics.close();
      hookDone();
    });
    done();
  };
}
