import { Body, Controller, Get, HttpCode, Post, Put, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type {
  CommissionPreview,
  CommissionRuleSetView,
  ReconciliationReportView,
  TrialBalanceView,
} from '@lsp/contracts';
import { CurrentActor, Roles } from '../auth/access.decorators';
import type { Actor } from '../auth/principal';
import {
  CommissionPreviewDto,
  CommissionRulesQueryDto,
  PutCommissionRulesDto,
  ReconciliationQueryDto,
} from './dto/commission-rule.dto';
import { LedgerService } from './ledger.service';

/** API.md §7: commission rules (versioned, audited) for finance and admins. */
@ApiTags('ledger')
@Controller('api/v1/admin/commission-rules')
export class CommissionRulesController {
  constructor(private readonly ledger: LedgerService) {}

  @Get()
  @Roles('admin', 'finance')
  get(@Query() query: CommissionRulesQueryDto): Promise<CommissionRuleSetView> {
    return this.ledger.rules(query.version);
  }

  @Put()
  @Roles('admin', 'finance')
  replace(@Body() body: PutCommissionRulesDto, @CurrentActor() actor: Actor): Promise<CommissionRuleSetView> {
    return this.ledger.replaceRules(body.rules, actor);
  }

  /** Addition to API.md: the fee a payment would be charged, under the current rules or a draft set. */
  @Post('preview')
  @HttpCode(200)
  @Roles('admin', 'finance')
  preview(@Body() body: CommissionPreviewDto): Promise<CommissionPreview> {
    return this.ledger.preview(body);
  }
}

/** API.md §7: the books — trial balance and reconciliation — for finance and admins. */
@ApiTags('ledger')
@Controller('api/v1/admin/ledger')
export class LedgerController {
  constructor(private readonly ledger: LedgerService) {}

  @Get('trial-balance')
  @Roles('admin', 'finance')
  trialBalance(): Promise<TrialBalanceView> {
    return this.ledger.trialBalance();
  }

  @Get('reconciliation')
  @Roles('admin', 'finance')
  reconciliation(@Query() query: ReconciliationQueryDto): Promise<ReconciliationReportView> {
    return this.ledger.reconciliation(query.live === 'true');
  }
}
