// GET / and /assets/*: the dashboard, served from files that the build puts next to the
// daemon bundle (dist/web/), never from a CDN. The page runs only its own script: the
// Content-Security-Policy allows nothing inline and nothing from elsewhere.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyBaseLogger, FastifyReply } from 'fastify';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import Type from 'typebox';
import { COMMON_ERRORS, errorResponses, sendError } from '../errors.ts';
import { Streamed } from '../streamed.ts';

export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The only files served, so that no path from a URL ever reaches the file system. */
const FILES: Readonly<Record<string, string>> = {
  'index.html': 'text/html; charset=utf-8',
  'dashboard.js': 'text/javascript; charset=utf-8',
  'dashboard.css': 'text/css; charset=utf-8',
  'favicon.svg': 'image/svg+xml',
};

/**
 * Where the built dashboard lives: `web/` beside the running bundle (dist/patienced.cjs,
 * in the repo or in an installed copy that keeps dist/ together). Unbundled, as under
 * tsx, there is no __dirname and the repo's dist/web is the one.
 */
export function defaultWebRoot(): string {
  return typeof __dirname === 'string' ? path.join(__dirname, 'web') : path.resolve('dist', 'web');
}

const FILE_RESPONSES = {
  200: {
    description: 'the file, with a strict Content-Security-Policy',
    content: Object.fromEntries(
      [...new Set(Object.values(FILES))].map((type) => [type, { schema: Streamed(Type.String()) }]),
    ),
  },
  ...errorResponses('not_found', 'dashboard_missing', ...COMMON_ERRORS),
};

export function dashboardRoutes(log: FastifyBaseLogger, webRoot = defaultWebRoot()): FastifyPluginCallbackTypebox {
  // Read once and kept: a handful of small files that change only with a new build.
  const cache = new Map<string, Buffer>();
  const serve = async (reply: FastifyReply, name: string): Promise<FastifyReply> => {
    const type = Object.hasOwn(FILES, name) ? FILES[name] : undefined;
    if (type === undefined) return sendError(reply, 'not_found', `no such file: /assets/${name}`);
    let body = cache.get(name);
    if (body === undefined) {
      try {
        body = await readFile(path.join(webRoot, name));
      } catch (err) {
        log.error({ err, webRoot }, 'dashboard files are missing');
        return sendError(
          reply,
          'dashboard_missing',
          `the dashboard's files are missing from ${webRoot}; rebuild with npm run build`,
        );
      }
      cache.set(name, body);
    }
    return reply
      .type(type)
      .header('Cache-Control', 'no-cache')
      .header('X-Content-Type-Options', 'nosniff')
      .header('Referrer-Policy', 'no-referrer')
      .header('Content-Security-Policy', DASHBOARD_CSP)
      .send(body);
  };
  return (app, _opts, done) => {
    app.get('/', { schema: { summary: 'the dashboard', response: FILE_RESPONSES } }, async (_req, reply) =>
      serve(reply, 'index.html'),
    );
    app.get(
      '/assets/:name',
      {
        schema: {
          summary: "the dashboard's script, style sheet and icon",
          params: Type.Object({ name: Type.String() }),
          response: FILE_RESPONSES,
        },
      },
      async (req, reply) => {
        const { name } = req.params;
        // The page itself lives at / only.
        if (name === 'index.html') return sendError(reply, 'not_found', 'no such file: /assets/index.html');
        return serve(reply, name);
      },
    );
    done();
  };
}
