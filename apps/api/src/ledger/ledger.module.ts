import { Module } from '@nestjs/common';
import { CommissionRulesController, LedgerController } from './ledger.controller';
import { LedgerRepository } from './ledger.repository';
import { LedgerService } from './ledger.service';

@Module({
  controllers: [CommissionRulesController, LedgerController],
  providers: [LedgerService, LedgerRepository],
})
export class LedgerModule {}
