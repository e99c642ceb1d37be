import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import type { Logger } from '@lsp/platform';

const API_PATHS = /^\/(api|health|metrics|sandbox)(\/|$)/;

/**
 * Serves the built console at `/`. Unknown non-API GETs answer index.html so deep links (`/merchants`) work;
 * unknown API paths fall through to the JSON 404.
 */
export async function registerConsole(fastify: FastifyInstance, dist: string | null, logger: Logger): Promise<void> {
  if (!dist) return;
  const root = resolve(dist);
  if (!existsSync(resolve(root, 'index.html'))) {
    logger.warn({ root }, 'console build not found; the API runs without it (run `npx nx build admin-console`)');
    return;
  }
  await fastify.register(fastifyStatic, { root, wildcard: false, index: ['index.html'], cacheControl: false });
  // Registered routes (the API's and each static file's) are more specific than this catch-all, so they win.
  fastify.get('/*', (request, reply) => {
    if (API_PATHS.test(request.url)) return reply.callNotFound();
    return reply.header('Cache-Control', 'no-cache').sendFile('index.html');
  });
}
