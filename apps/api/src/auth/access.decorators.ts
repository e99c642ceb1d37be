import { SetMetadata, createParamDecorator, type ExecutionContext, applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiSecurity } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { Role } from '@lsp/contracts';
import { type Actor, type Principal, actorOf } from './principal';

export const ACCESS_KEY = 'lsp:access';
export const STREAM_TICKET_KEY = 'lsp:stream-ticket';

/**
 * Every route declares who may call it; a route that declares nothing is refused (deny by default).
 * - public: anyone
 * - roles: console users holding one of the roles
 * - merchant: a merchant's API key, or a console user of role `merchant` (acting for its own merchant)
 * - roles_or_merchant: either of the two above (e.g. live streams, which filter by scope themselves); the
 *   merchant branch is held to the same checks and rate limit as `merchant`
 */
export type AccessRule =
  | { kind: 'public' }
  | { kind: 'roles'; roles: Role[] }
  | { kind: 'merchant'; consoleOnly?: boolean }
  | { kind: 'roles_or_merchant'; roles: Role[] };

export const Public = (): MethodDecorator & ClassDecorator =>
  SetMetadata(ACCESS_KEY, { kind: 'public' } satisfies AccessRule);

export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata(ACCESS_KEY, { kind: 'roles', roles } satisfies AccessRule), ApiBearerAuth('console'));

export const MerchantAccess = (options: { consoleOnly?: boolean } = {}): MethodDecorator & ClassDecorator =>
  applyDecorators(
    SetMetadata(ACCESS_KEY, { kind: 'merchant', consoleOnly: options.consoleOnly } satisfies AccessRule),
    ApiSecurity('apiKey'),
    ApiBearerAuth('console'),
  );

/** Console users holding one of `roles`, or a merchant (API key or `merchant` user, for its own merchant). */
export const RolesOrMerchant = (...roles: Role[]): MethodDecorator & ClassDecorator =>
  applyDecorators(
    SetMetadata(ACCESS_KEY, { kind: 'roles_or_merchant', roles } satisfies AccessRule),
    ApiSecurity('apiKey'),
    ApiBearerAuth('console'),
  );

/**
 * The route also accepts `?ticket=` from `POST /api/v1/streams/ticket` in place of the Authorization header, for
 * `EventSource`, which cannot send headers. A ticket is single use and lives 60 s; a long-lived credential in the
 * URL (`?token=`) is refused outright, since URLs end up in logs and browser history.
 */
export const AcceptsStreamTicket = (): MethodDecorator => SetMetadata(STREAM_TICKET_KEY, true);

export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<FastifyRequest>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on a route without authentication');
  return principal;
});

export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  const request = ctx.switchToHttp().getRequest<FastifyRequest>();
  return actorOf(request.principal, request.id, request.ip);
});
