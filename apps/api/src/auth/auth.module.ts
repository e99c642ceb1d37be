import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import type { AppConfig } from '@lsp/platform';
import { APP_CONFIG } from '../core/infra/tokens';
import { MerchantsModule } from '../merchants/merchants.module';
import { RateLimitModule } from '../rate-limit/rate-limit.module';
import { AccessGuard } from './access.guard';
import { AuthController } from './auth.controller';
import { AuthRepository } from './auth.repository';
import { AuthService } from './auth.service';
import { JwtStrategy } from './jwt.strategy';
import { SessionRevocations } from './session-revocations';
import { StreamTickets } from './stream-tickets';

@Global()
@Module({
  imports: [
    PassportModule,
    RateLimitModule,
    MerchantsModule,
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        secret: config.jwtSecret,
        signOptions: { algorithm: 'HS256' },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
  ],
  controllers: [AuthController],
  providers: [
    AuthService,
    AuthRepository,
    JwtStrategy,
    SessionRevocations,
    StreamTickets,
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  exports: [StreamTickets],
})
export class AuthModule {}
