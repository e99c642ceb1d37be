import type { LoggerService } from '@nestjs/common';
import pino, { type DestinationStream, type Logger } from 'pino';
import { requestContext } from './request-context';

/**
 * Structured JSON logs. Every line written while a request is being served carries its request id, taken from
 * the async context, so services need not pass it along. Credentials are redacted by path as a last line of
 * defence; code must still never log them.
 */
export function createLogger(service: string, level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service, pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      messageKey: 'msg',
      formatters: { level: (label) => ({ level: label }) },
      mixin() {
        const ctx = requestContext.get();
        return ctx ? { requestId: ctx.requestId } : {};
      },
      redact: {
        paths: [
          'password',
          '*.password',
          'secret',
          '*.secret',
          'token',
          '*.token',
          'refreshToken',
          '*.refreshToken',
          'accessToken',
          '*.accessToken',
          'authorization',
          '*.authorization',
          'headers.authorization',
          '*.headers.authorization',
          'credentials',
          '*.credentials',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}

/** Routes NestJS's own logging (boot, DI errors) into the same pino stream. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    this.logger.info({ context }, stringify(message));
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.logger.error({ context, trace }, stringify(message));
  }
  warn(message: unknown, context?: string): void {
    this.logger.warn({ context }, stringify(message));
  }
  debug(message: unknown, context?: string): void {
    this.logger.debug({ context }, stringify(message));
  }
  verbose(message: unknown, context?: string): void {
    this.logger.trace({ context }, stringify(message));
  }
}

function stringify(message: unknown): string {
  return typeof message === 'string' ? message : JSON.stringify(message);
}

export type { Logger };
