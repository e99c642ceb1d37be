import type { FastifyInstance, FastifyRequest } from 'fastify';
import { newId } from '@lsp/domain';
import { requestContext } from '@lsp/platform';

const VALID_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Echo a well-formed incoming X-Request-Id, otherwise mint one. */
export function genRequestId(req: { headers: Record<string, string | string[] | undefined> }): string {
  const incoming = req.headers['x-request-id'];
  return typeof incoming === 'string' && VALID_REQUEST_ID.test(incoming)
    ? incoming
    : newId('session').replace('ses_', 'req_');
}

/**
 * Runs the rest of each request (guards, handler, services) inside an async context carrying the request id,
 * so every log line gets it. Entered at preHandler: body parsing runs in the socket's context and would lose it.
 */
export function registerRequestContext(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('X-Request-Id', request.id);
    done();
  });
  fastify.addHook('preHandler', (request: FastifyRequest, _reply, done) => {
    requestContext.run({ requestId: request.id, ip: request.ip }, done);
  });
}
