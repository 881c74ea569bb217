// GET /metrics: the Prometheus text exposition (see src/http/prometheus.ts).
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { COMMON_ERRORS, errorResponses } from '../errors.ts';
import { Streamed } from '../streamed.ts';
import type { PrometheusMetrics } from '../prometheus.ts';

const RESPONSES = {
  200: {
    description: 'the Prometheus text exposition (docs/monitoring.md)',
    content: { 'text/plain; version=0.0.4; charset=utf-8': { schema: Streamed(Type.String()) } },
  },
  ...errorResponses(...COMMON_ERRORS),
};

export function prometheusRoutes(metrics: PrometheusMetrics): FastifyPluginCallbackTypebox {
  return (app, _opts, done) => {
    app.get('/metrics', { schema: { summary: 'Prometheus metrics', response: RESPONSES } }, async (_req, reply) => {
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
