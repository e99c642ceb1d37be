import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import type { AlertSeverity, AlertStatus } from '@lsp/contracts';
import { ListQueryDto } from '../../core/http/pagination';

export const ALERT_STATUSES: AlertStatus[] = ['open', 'acknowledged', 'resolved'];
export const ALERT_SEVERITIES: AlertSeverity[] = ['info', 'warning', 'critical'];

export class AlertQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: ALERT_STATUSES })
  @IsOptional()
  @IsIn(ALERT_STATUSES, { message: `status must be one of ${ALERT_STATUSES.join(', ')}` })
  status?: AlertStatus;

  @ApiPropertyOptional({ enum: ALERT_SEVERITIES })
  @IsOptional()
  @IsIn(ALERT_SEVERITIES, { message: `severity must be one of ${ALERT_SEVERITIES.join(', ')}` })
  severity?: AlertSeverity;

  @ApiPropertyOptional({ example: 'workers/alert-rules' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_./:-]{1,100}$/, { message: 'source must be 1-100 letters, digits or _ . / : -' })
  source?: string;
}
