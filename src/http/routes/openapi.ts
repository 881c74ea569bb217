// GET /api/openapi.json: the OpenAPI 3 document that @fastify/swagger builds from the route
// schemas (src/shared/api/), so the document and the routes cannot drift apart.
import swagger from '@fastify/swagger';
import Type from 'typebox';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import type { App } from '../app.ts';
import { COMMON_ERRORS, errorResponses } from '../errors.ts';

/** Must come before the routes: the plugin collects them as they are added. */
export function registerOpenApi(app: App, version: string): void {
  void app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'patienced HTTP API',
        version,
        description: 'Errors are {"error", "code", "field"?} with a stable code (README, "HTTP API").',
      },
    },
  });
}

export const OpenApiDocument = Type.Object(
  {
    openapi: Type.String(),
    info: Type.Object({ title: Type.String(), version: Type.String() }, { additionalProperties: true }),
    paths: Type.Record(Type.String(), Type.Unknown()),
  },
  { additionalProperties: true, description: 'an OpenAPI 3 document' },
);

export function openApiRoutes(app: App): FastifyPluginCallbackTypebox {
  return (scope, _opts, done) => {
    scope.get(
      '/api/openapi.json',
      { schema: { summary: 'this document', response: { 200: OpenApiDocument, ...errorResponses(...COMMON_ERRORS) } } },
      async () => {
        const doc = app.swagger();
        if (!('openapi' in doc)) throw new Error('@fastify/swagger built a Swagger 2 document');
        return { ...doc, paths: doc.paths ?? {} };
      },
    );
    done();
  };
}
