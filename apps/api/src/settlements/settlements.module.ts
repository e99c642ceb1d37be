import { Module } from '@nestjs/common';
import { MerchantSettlementsController } from './merchant-settlements.controller';
import { SettlementsController } from './settlements.controller';
import { SettlementsRepository } from './settlements.repository';
import { SettlementsService } from './settlements.service';

@Module({
  controllers: [SettlementsController, MerchantSettlementsController],
  providers: [SettlementsService, SettlementsRepository],
})
export class SettlementsModule {}
