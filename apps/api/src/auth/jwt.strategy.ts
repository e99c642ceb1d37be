import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { ROLES, type Role } from '@lsp/contracts';
import type { AppConfig } from '@lsp/platform';
import { APP_CONFIG } from '../core/infra/tokens';
import { ApiException } from '../core/http/api.exception';
import type { Principal } from './principal';

export const JWT_ISSUER = 'lightspeedpay';
export const JWT_AUDIENCE = 'lightspeedpay-console';

export interface AccessTokenClaims {
  sub: string;
  email: string;
  roles: Role[];
  mid?: string;
  /** The refresh-token family: revoking it (logout, reuse) also ends its access tokens. */
  sid: string;
}

/**
 * Verifies console access tokens. Only HS256 is accepted, so a token claiming `alg: none` (or any other
 * algorithm) is refused before its claims are read.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: config.jwtSecret,
      algorithms: ['HS256'],
      issuer: JWT_ISSUER,
      audience: JWT_AUDIENCE,
      ignoreExpiration: false,
    });
  }

  /** Shapes verified claims only. Revocation is checked by AccessGuard: passport keeps strategies process-wide. */
  validate(claims: AccessTokenClaims): Principal {
    if (typeof claims.sub !== 'string' || typeof claims.sid !== 'string' || !Array.isArray(claims.roles)) {
      throw ApiException.unauthenticated('Malformed access token', 'invalid_token');
    }
    return {
      kind: 'user',
      userId: claims.sub,
      email: claims.email,
      roles: claims.roles.filter((r): r is Role => (ROLES as readonly string[]).includes(r)),
      merchantId: claims.mid ?? null,
      sessionId: claims.sid,
    };
  }
}
