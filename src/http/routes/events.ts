// GET /api/events: Server-Sent Events, one `run` event per stored record (the shape of
// an item of /api/metrics/recent) and a heartbeat comment every 15 s. Written by hand
// on the raw response: @fastify/sse answers 500 to `Accept: */*`.
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { COMMON_ERRORS, errorResponses, sendError } from '../errors.ts';
import { Streamed } from '../streamed.ts';
import type { EventStreams } from '../live/event-streams.ts';

/** How long a browser waits before reconnecting after the stream drops. */
const RETRY_MS = 3000;

const EVENT_RESPONSES = {
  200: {
    description: 'never ends: `retry: 3000`, then an `event: run` per stored record and a heartbeat comment every 15 s',
    content: {
      'text/event-stream': {
        schema: Streamed(Type.String({ description: 'the data of a run event is an item of /api/metrics/recent' })),
      },
    },
  },
  ...errorResponses('too_many_streams', ...COMMON_ERRORS),
};

export function eventRoutes(streams: EventStreams): FastifyPluginCallbackTypebox {
  return (app, _opts, done) => {
    // HEAD would hijack a stream that never ends; it gets the 405 of an unknown method.
    const schema = { summary: 'Server-Sent Events: every stored run, live', response: EVENT_RESPONSES };
    app.get('/api/events', { exposeHeadRoute: false, schema }, async (req, reply) => {
      const res = reply.raw;
      if (!streams.add(res)) {
        return sendError(
          reply.header('Retry-After', String(RETRY_MS / 1000)),
          'too_many_streams',
          `too many event streams open (${streams.limits.maxClients}); try again later`,
        );
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
