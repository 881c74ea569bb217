// GET /api/events: Server-Sent Events, one `run` event per stored record (the shape of
// an item of /api/metrics/recent) and a heartbeat comment every 15 s. Written by hand
// on the raw response: @fastify/sse answers 500 to `Accept: */*`.
import type { FastifyPluginCallback } from 'fastify';
import type { EventStreams } from '../live/event-streams.ts';

/** How long a browser waits before reconnecting after the stream drops. */
const RETRY_MS = 3000;

export function eventRoutes(streams: EventStreams): FastifyPluginCallback {
  return (app, _opts, done) => {
    // HEAD would hijack a stream that never ends; it gets the 405 of an unknown method.
    app.get('/api/events', { exposeHeadRoute: false }, async (req, reply) => {
      const res = reply.raw;
      if (!streams.add(res)) {
        return reply
          .code(503)
          .header('Retry-After', String(RETRY_MS / 1000))
          .send({ error: `too many event streams open (${streams.limits.maxClients}); try again later` });
      }
      reply.hijack();
      res.once('close', () => streams.remove(res));
      req.socket.setNoDelay(true);
      res.writeHead(200, {
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-cache, no-transform',
        Connection: 'keep-alive',
        // Proxies such as nginx would otherwise hold events back in their buffers.
        'X-Accel-Buffering': 'no',
      });
      res.write(`retry: ${RETRY_MS}\n\n`);
      return reply;
    });
    app.addHook('preClose', (hookDone) => {
      streams.closeAll();
      hookDone();
    });
    done();
  };
}
