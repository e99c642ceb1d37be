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
import { ACCESS_KEY, type AccessRule, STREAM_TICKET_KEY } from './access.decorators';
import type { Principal } from './principal';
import { SessionRevocations } from './session-revocations';
import { StreamTickets } from './stream-tickets';

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
    private readonly tickets: StreamTickets,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_KEY, targets);
    if (rule?.kind === 'public') return true;
    if (!rule) throw ApiException.forbidden('This route is not open to any principal');

    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: Principal }>();
    const acceptsTicket = this.reflector.getAllAndOverride<boolean | undefined>(STREAM_TICKET_KEY, targets) === true;
    const principal = await this.authenticate(context, request, acceptsTicket);
    request.principal = principal;

    switch (rule.kind) {
      case 'roles':
        if (principal.kind !== 'user' || !principal.roles.some((r) => rule.roles.includes(r)))
          throw ApiException.forbidden();
        return true;
      case 'merchant': {
        if (principal.kind === 'user' && !isMerchantUser(principal)) {
          throw ApiException.forbidden('Only a merchant user or API key may call this route');
        }
        if (rule.consoleOnly && principal.kind !== 'user') {
          throw ApiException.forbidden('This action needs a console user, not an API key', 'console_user_required');
        }
        await this.limitMerchant(context, principal.merchantId as string);
        return true;
      }
      case 'roles_or_merchant':
        if (principal.kind === 'user' && principal.roles.some((r) => rule.roles.includes(r))) return true;
        if (principal.kind === 'api_key' || isMerchantUser(principal)) {
          await this.limitMerchant(context, principal.merchantId as string);
          return true;
        }
        throw ApiException.forbidden();
    }
  }

  private async authenticate(
    context: ExecutionContext,
    request: FastifyRequest & { user?: Principal },
    acceptsTicket: boolean,
  ): Promise<Principal> {
    const query = (request.query ?? {}) as Record<string, unknown>;
    if (acceptsTicket && (query['token'] !== undefined || query['access_token'] !== undefined)) {
      throw ApiException.unauthenticated(
        'Credentials are never accepted in a URL: exchange them for a single-use ticket at POST /api/v1/streams/ticket and pass ?ticket=',
        'credentials_in_url',
      );
    }
    const token = bearerToken(request);
    if (!token) {
      if (acceptsTicket && typeof query['ticket'] === 'string') return this.redeemTicket(query['ticket']);
      throw ApiException.unauthenticated(
        'Missing credentials: send Authorization: Bearer <token>',
        'missing_credentials',
      );
    }
    if (looksLikeApiKey(token)) return this.apiKeys.authenticate(token);
    await this.jwt.canActivate(context);
    if (!request.user || request.user.kind !== 'user') throw ApiException.unauthenticated();
    await this.refuseRevoked(request.user);
    return request.user;
  }

  /** The ticket was issued to an authenticated principal at most 60 s ago; a session ended since then still ends it. */
  private async redeemTicket(ticket: string): Promise<Principal> {
    const principal = await this.tickets.redeem(ticket);
    if (!principal) {
      throw ApiException.unauthenticated(
        'This stream ticket is unknown, already used or expired; request a new one',
        'invalid_ticket',
      );
    }
    if (principal.kind === 'user') await this.refuseRevoked(principal);
    return principal;
  }

  private async refuseRevoked(user: Extract<Principal, { kind: 'user' }>): Promise<void> {
    if (await this.revocations.isRevoked(user.sessionId)) {
      throw ApiException.unauthenticated('This session has ended; sign in again', 'session_revoked');
    }
  }

  private async limitMerchant(context: ExecutionContext, merchantId: string): Promise<void> {
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const result = await this.merchantLimits.hit(merchantId);
    void reply.headers(RateLimiter.headers(result));
    if (!result.allowed) throw ApiException.rateLimited(result.resetSeconds, RateLimiter.headers(result));
  }
}

function isMerchantUser(principal: Extract<Principal, { kind: 'user' }>): boolean {
  return principal.roles.includes('merchant') && principal.merchantId !== null;
}

function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return null;
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  return m ? m[1] : null;
}
