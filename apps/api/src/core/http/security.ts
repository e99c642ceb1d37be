import helmet from '@fastify/helmet';
import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';
import type { AppConfig } from '@lsp/platform';

export async function registerSecurity(fastify: FastifyInstance, config: AppConfig): Promise<void> {
  // Behind a TLS-terminating proxy in production, plain-HTTP requests are sent to HTTPS before anything else runs.
  if (config.nodeEnv === 'production' && config.trustProxy) {
    fastify.addHook('onRequest', (request, reply, done) => {
      if (request.headers['x-forwarded-proto'] === 'http') {
        // request.host honours X-Forwarded-Host here, since the proxy is trusted.
        void reply.redirect(`https://${request.host}${request.url}`, 308);
        return;
      }
      done();
    });
  }
  await fastify.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // Angular and Swagger UI set inline style attributes; scripts stay strictly same-origin.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        upgradeInsecureRequests: null,
      },
    },
    hsts: { maxAge: 31_536_000, includeSubDomains: true },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  });
  await fastify.register(cors, {
    origin: config.corsOrigins.length ? config.corsOrigins : false,
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Request-Id', 'Last-Event-ID'],
    exposedHeaders: [
      'X-Request-Id',
      'Retry-After',
      'RateLimit-Limit',
      'RateLimit-Remaining',
      'RateLimit-Reset',
      'Idempotent-Replayed',
      'Server-Timing',
    ],
    maxAge: 600,
  });
}
