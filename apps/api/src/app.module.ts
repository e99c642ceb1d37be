import { type DynamicModule, Module } from '@nestjs/common';
import { AdminPaymentsModule } from './admin-payments/admin-payments.module';
import { AlertsModule } from './alerts/alerts.module';
import { AnalyticsModule } from './analytics/analytics.module';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { type Infra, InfraModule } from './core/infra/infra.module';
import { GatewaysModule } from './gateways/gateways.module';
import { HealthModule } from './health/health.module';
import { MerchantsModule } from './merchants/merchants.module';
import { MetricsController } from './metrics/metrics.controller';
import { PaymentsModule } from './payments/payments.module';
import { MonitoringModule } from './monitoring/monitoring.module';
import { QueuesModule } from './queues/queues.module';
import { StreamsModule } from './streams/streams.module';
import { UsersModule } from './users/users.module';
import { WebhooksModule } from './webhooks/webhooks.module';
import { LedgerModule } from './ledger/ledger.module';
import { WalletsModule } from './wallets/wallets.module';

@Module({})
export class AppModule {
  static forRoot(infra: Infra): DynamicModule {
    return {
      module: AppModule,
      imports: [
        InfraModule.forRoot(infra),
        AuditModule,
        AuthModule,
        MerchantsModule,
        UsersModule,
        HealthModule,
        PaymentsModule,
        AdminPaymentsModule,
        GatewaysModule,
        StreamsModule,
        WebhooksModule,
        QueuesModule,
        MonitoringModule,
        AlertsModule,
        AnalyticsModule,
        LedgerModule,
        WalletsModule,
      ],
      controllers: [MetricsController],
    };
  }
}
