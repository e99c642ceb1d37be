import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiException } from '../core/http/api.exception';
import { isDependencyDown } from '../core/http/dependency-errors';
import { ApiKeyAuthenticator } from '../merchants/api-key-authenticator';
import { looksLikeApiKey } from '../merchants/api-key-secrets';
import { RateLimiter } from '../rate-limit/rate-limiter';
import { MerchantRateLimits } from '../rate-limit/merchant-rate-limits';
import { ACCESS_KEY, type AccessRule } from './access.decorators';
import type { Principal } from './principal';
import { SessionRevocations } from './session-revocations';

/** passport-jwt through @nestjs/passport; its failures become our 401 error object. */
class JwtPassportGuard extends AuthGuard('jwt') {
  override handleRequest<T>(err: unknown, user: T): T {
    if (err instanceof ApiException || isDependencyDown(err)) throw err;
    if (err || !user) throw ApiException.unauthenticated('Invalid or expired access token', 'invalid_token');
    return user;
  }
}

/**
 * The single authentication and authorisation gate (registered globally). Each route's declared rule decides who
 * may pass; a route without a rule is refused, so forgetting a decorator fails closed.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  private readonly jwt = new JwtPassportGuard();

  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeyAuthenticator,
    private readonly merchantLimits: MerchantRateLimits,
    private readonly revocations: SessionRevocations,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (rule?.kind === 'public') return true;
    if (!rule) throw ApiException.forbidden('This route is not open to any principal');

    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: Principal }>();
    const token = bearerToken(request);
    if (!token)
      throw ApiException.unauthenticated(
        'Missing credentials: send Authorization: Bearer <token>',
        'missing_credentials',
      );

    let principal: Principal;
    if (looksLikeApiKey(token)) {
      principal = await this.apiKeys.authenticate(token);
    } else {
      await this.jwt.canActivate(context);
      if (!request.user || request.user.kind !== 'user') throw ApiException.unauthenticated();
      if (await this.revocations.isRevoked(request.user.sessionId)) {
        throw ApiException.unauthenticated('This session has ended; sign in again', 'session_revoked');
      }
      principal = request.user;
    }
    request.principal = principal;

    switch (rule.kind) {
      case 'roles':
        if (principal.kind !== 'user' || !principal.roles.some((r) => rule.roles.includes(r)))
          throw ApiException.forbidden();
        return true;
      case 'merchant': {
        if (principal.kind === 'user' && (!principal.roles.includes('merchant') || !principal.merchantId)) {
          throw ApiException.forbidden('Only a merchant user or API key may call this route');
        }
        if (rule.consoleOnly && principal.kind !== 'user') {
          throw ApiException.forbidden('This action needs a console user, not an API key', 'console_user_required');
        }
        const merchantId = principal.merchantId as string;
        const reply = context.switchToHttp().getResponse<FastifyReply>();
        const result = await this.merchantLimits.hit(merchantId);
        void reply.headers(RateLimiter.headers(result));
        if (!result.allowed) throw ApiException.rateLimited(result.resetSeconds, RateLimiter.headers(result));
        return true;
      }
    }
  }
}

function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return null;
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  return m ? m[1] : null;
}
