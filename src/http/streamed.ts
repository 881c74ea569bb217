// The response schema of a body that a route streams (export, heap snapshot) or sends as
// ready-made bytes (dashboard files, /metrics): documented with its shape, typed as what
// the handler passes to reply.send. Fastify serialises neither streams, buffers nor strings.
import Type, { type TSchema } from 'typebox';
import type { Readable } from 'node:stream';

export const Streamed = (schema: TSchema) => Type.Unsafe<Readable | Buffer | string>(schema);
