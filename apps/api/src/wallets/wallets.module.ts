import { Module } from '@nestjs/common';
import { MerchantWalletController, WalletsController } from './wallets.controller';
import { WalletsRepository } from './wallets.repository';
import { WalletsService } from './wallets.service';

@Module({
  controllers: [WalletsController, MerchantWalletController],
  providers: [WalletsService, WalletsRepository],
})
export class WalletsModule {}
