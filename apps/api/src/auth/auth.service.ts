import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { Role, TokenPair } from '@lsp/contracts';
import { newId } from '@lsp/domain';
import { Database } from '@lsp/persistence';
import { type AppConfig, DUMMY_PASSWORD_HASH, type Logger, verifyPassword } from '@lsp/platform';
import { ApiException } from '../core/http/api.exception';
import { APP_CONFIG, LOGGER } from '../core/infra/tokens';
import { RateLimiter } from '../rate-limit/rate-limiter';
import { AuthRepository, type UserRow } from './auth.repository';
import { type AccessTokenClaims, JWT_AUDIENCE, JWT_ISSUER } from './jwt.strategy';
import { ACCESS_TOKEN_TTL_SECONDS, SessionRevocations } from './session-revocations';

const REFRESH_TTL_MS = 30 * 24 * 3600 * 1000;

@Injectable()
export class AuthService {
  constructor(
    private readonly db: Database,
    private readonly repo: AuthRepository,
    private readonly jwt: JwtService,
    private readonly limiter: RateLimiter,
    private readonly revocations: SessionRevocations,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async login(email: string, password: string, ip: string): Promise<TokenPair> {
    // Counted before the password is checked, so guessing costs attempts whether or not the guess is right.
    for (const [bucket, limit, windowMs] of [
      [`login:ip:${ip}`, this.config.loginMaxPerIp, 60_000],
      [`login:email:${email.toLowerCase()}`, this.config.loginMaxPerEmail, 15 * 60_000],
    ] as const) {
      const result = await this.limiter.hit(bucket, limit, windowMs);
      if (!result.allowed) throw ApiException.rateLimited(result.resetSeconds, RateLimiter.headers(result));
    }
    const user = await this.db.platform((em) => this.repo.findUserByEmail(em, email));
    // One message and the same work for an unknown email, a wrong password and a disabled user.
    const valid = await verifyPassword(user?.password_hash ?? (await DUMMY_PASSWORD_HASH), password);
    if (!user || !valid || user.status !== 'active') {
      this.logger.info({ ip }, 'login refused');
      throw ApiException.unauthenticated('Invalid email or password');
    }
    return this.db.platform(async (em) => {
      const refresh = await this.issueRefreshToken(em, user.id, newId('session'));
      return this.tokenPair(user, refresh.familyId, refresh.token);
    });
  }

  async refresh(refreshToken: string): Promise<TokenPair> {
    const parsed = parseRefreshToken(refreshToken);
    if (!parsed) throw ApiException.unauthenticated('Invalid refresh token', 'invalid_refresh_token');
    const outcome = await this.db.platform(async (em) => {
      const row = await this.repo.lockRefreshToken(em, parsed.id);
      if (!row || !sameHash(row.token_hash, hashToken(parsed.secret))) return { kind: 'invalid' as const };
      if (row.replaced_by || row.revoked_at) {
        // A rotated (or revoked) token came back: it was stolen or replayed. End the whole family.
        await this.repo.revokeFamily(em, row.family_id);
        return { kind: 'reused' as const, familyId: row.family_id };
      }
      if (row.expires_at.getTime() <= Date.now()) return { kind: 'invalid' as const };
      const user = await this.repo.findUserById(em, row.user_id);
      if (!user || user.status !== 'active') return { kind: 'invalid' as const };
      const next = await this.issueRefreshToken(em, user.id, row.family_id);
      await this.repo.markReplaced(em, row.id, next.id);
      return { kind: 'ok' as const, pair: this.tokenPair(user, row.family_id, next.token) };
    });
    switch (outcome.kind) {
      case 'ok':
        return outcome.pair;
      case 'reused':
        await this.revocations.revoke(outcome.familyId);
        this.logger.warn({ sessionId: outcome.familyId }, 'refresh token reuse detected; session family revoked');
        throw ApiException.unauthenticated(
          'Refresh token was already used; the session has been revoked',
          'refresh_token_reused',
        );
      case 'invalid':
        throw ApiException.unauthenticated('Invalid or expired refresh token', 'invalid_refresh_token');
    }
  }

  /** Ends the session of a refresh token or of an access token's session id. Idempotent. */
  async logout(input: { refreshToken?: string; sessionId?: string }): Promise<void> {
    let familyId = input.sessionId;
    const parsed = input.refreshToken ? parseRefreshToken(input.refreshToken) : null;
    if (!familyId && parsed) {
      familyId = await this.db.platform((em) => this.repo.familyOf(em, parsed.id));
    }
    if (!familyId) return;
    const fid = familyId;
    await this.db.platform((em) => this.repo.revokeFamily(em, fid));
    await this.revocations.revoke(fid);
  }

  private async issueRefreshToken(
    em: Parameters<AuthRepository['insertRefreshToken']>[0],
    userId: string,
    familyId: string,
  ): Promise<{ id: string; token: string; familyId: string }> {
    const id = newId('refreshToken');
    const secret = randomBytes(32).toString('base64url');
    await this.repo.insertRefreshToken(em, {
      id,
      userId,
      familyId,
      tokenHash: hashToken(secret),
      expiresAt: new Date(Date.now() + REFRESH_TTL_MS),
    });
    return { id, token: `${id}.${secret}`, familyId };
  }

  private tokenPair(user: UserRow, familyId: string, refreshToken: string): TokenPair {
    const roles = user.roles as Role[];
    const claims: AccessTokenClaims = {
      sub: user.id,
      email: user.email,
      roles,
      sid: familyId,
      ...(user.merchant_id ? { mid: user.merchant_id } : {}),
    };
    const accessToken = this.jwt.sign(claims, {
      algorithm: 'HS256',
      expiresIn: ACCESS_TOKEN_TTL_SECONDS,
      issuer: JWT_ISSUER,
      audience: JWT_AUDIENCE,
    });
    return {
      accessToken,
      refreshToken,
      expiresIn: ACCESS_TOKEN_TTL_SECONDS,
      user: { id: user.id, email: user.email, roles, ...(user.merchant_id ? { merchantId: user.merchant_id } : {}) },
    };
  }
}

function parseRefreshToken(token: string): { id: string; secret: string } | null {
  const m = /^(rtk_[0-9A-Z]{26})\.([A-Za-z0-9_-]{43})$/.exec(token);
  return m ? { id: m[1], secret: m[2] } : null;
}

function hashToken(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

function sameHash(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}
