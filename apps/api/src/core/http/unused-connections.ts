import type { Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';

/**
 * On shutdown, destroys connections that never sent a request. Node counts such a socket as busy, not idle, so
 * the server's close waits for it to time out (over a minute with our keep-alive) although nothing is in flight
 * on it. Clients open them routinely: browsers preconnect, and Node's fetch opens a spare socket after an aborted
 * response, as when an event stream is closed by its client.
 */
export function closeUnusedConnectionsOnShutdown(fastify: FastifyInstance): void {
  const unused = new Set<Socket>();
  fastify.server.on('connection', (socket: Socket) => {
    unused.add(socket);
    socket.once('close', () => unused.delete(socket));
  });
  fastify.server.on('request', (request: { socket: Socket }) => unused.delete(request.socket));
  fastify.addHook('preClose', (done) => {
    for (const socket of unused) socket.destroy();
    done();
  });
}
