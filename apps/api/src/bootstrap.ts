import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { type AppConfig, type Logger, PinoNestLogger } from '@lsp/platform';
import { AppModule } from './app.module';
import { registerConsole } from './console/console-static';
import { GlobalErrorFilter } from './core/http/error.filter';
import { genRequestId, registerRequestContext } from './core/http/request-context.hooks';
import { registerSecurity } from './core/http/security';
import { closeUnusedConnectionsOnShutdown } from './core/http/unused-connections';
import { createValidationPipe } from './core/http/validation';
import { openInfra } from './core/infra/infra.module';
import { registerHttpMetrics } from './metrics/metrics';

/** Builds the API application (not yet listening). Used by main.ts and by the in-process HTTP tests. */
export async function createApiApp(config: AppConfig, logger: Logger): Promise<NestFastifyApplication> {
  const infra = await openInfra(config, logger);
  const adapter = new FastifyAdapter({
    logger: false,
    genReqId: genRequestId,
    trustProxy: config.trustProxy,
    bodyLimit: 1024 * 1024,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(infra), adapter, {
    logger: new PinoNestLogger(logger),
    bufferLogs: false,
    // Gateway webhook signatures are computed over the exact bytes received.
    rawBody: true,
  });
  const fastify = app.getHttpAdapter().getInstance();

  registerRequestContext(fastify);
  closeUnusedConnectionsOnShutdown(fastify);
  registerHttpMetrics(fastify);
  await registerSecurity(fastify, config);
  fastify.addHook('onResponse', (request, reply, done) => {
    logger.info(
      {
        requestId: request.id,
        method: request.method,
        // A stream ticket is single use and short-lived, but still a credential: keep it out of the logs.
        url: request.url.replace(/([?&]ticket=)[^&]*/g, '$1[redacted]'),
        statusCode: reply.statusCode,
        durationMs: Math.round(reply.elapsedTime),
      },
      'request completed',
    );
    done();
  });

  app.useGlobalFilters(new GlobalErrorFilter(logger));
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('LightSpeedPay API')
      .setDescription(
        'Payments routed across gateways, a double-entry ledger and settlements. See API.md for the contract.',
      )
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'console')
      .addSecurity('apiKey', {
        type: 'http',
        scheme: 'bearer',
        description: 'API key secret: lsp_test_… or lsp_live_…',
      })
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });

  await registerConsole(fastify, config.consoleDist, logger);
  return app;
}
