import { Body, Controller, Get, Headers, HttpCode, Post, Req } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { TokenPair, UserView } from '@lsp/contracts';
import { Database } from '@lsp/persistence';
import { ApiException } from '../core/http/api.exception';
import { CurrentPrincipal, Public, Roles } from './access.decorators';
import { AuthRepository } from './auth.repository';
import { AuthService } from './auth.service';
import { LoginDto, LogoutDto, RefreshDto } from './dto/auth.dto';
import { type AccessTokenClaims, JWT_AUDIENCE, JWT_ISSUER } from './jwt.strategy';
import type { Principal } from './principal';

@ApiTags('auth')
@Controller('api/v1/auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly jwt: JwtService,
    private readonly db: Database,
    private readonly repo: AuthRepository,
  ) {}

  @Post('login')
  @HttpCode(200)
  @Public()
  login(@Body() body: LoginDto, @Req() request: FastifyRequest): Promise<TokenPair> {
    return this.auth.login(body.email, body.password, request.ip);
  }

  @Post('refresh')
  @HttpCode(200)
  @Public()
  refresh(@Body() body: RefreshDto): Promise<TokenPair> {
    return this.auth.refresh(body.refreshToken);
  }

  /** Ends the session of the given refresh token, or of the access token presented (even an expired one). */
  @Post('logout')
  @HttpCode(204)
  @Public()
  async logout(@Body() body: LogoutDto, @Headers('authorization') authorization?: string): Promise<void> {
    let sessionId: string | undefined;
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    if (token && !token.startsWith('lsp_')) {
      try {
        sessionId = this.jwt.verify<AccessTokenClaims>(token, {
          algorithms: ['HS256'],
          issuer: JWT_ISSUER,
          audience: JWT_AUDIENCE,
          ignoreExpiration: true,
        }).sid;
      } catch {
        // A forged or malformed token ends no session; fall through to the refresh token, if any.
      }
    }
    await this.auth.logout({ refreshToken: body?.refreshToken, sessionId });
  }

  @Get('me')
  @Roles('admin', 'finance', 'sre', 'merchant')
  async me(@CurrentPrincipal() principal: Principal): Promise<UserView> {
    if (principal.kind !== 'user') throw ApiException.forbidden();
    const user = await this.db.platform((em) => this.repo.findUserById(em, principal.userId));
    if (!user) throw ApiException.unauthenticated();
    return {
      id: user.id,
      object: 'user',
      email: user.email,
      roles: principal.roles,
      ...(user.merchant_id ? { merchantId: user.merchant_id } : {}),
      createdAt: user.created_at.toISOString(),
    };
  }
}
