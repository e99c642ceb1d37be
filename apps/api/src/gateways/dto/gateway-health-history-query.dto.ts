import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional } from 'class-validator';

export class GatewayHealthHistoryQueryDto {
  @ApiPropertyOptional({ format: 'date-time', description: 'Start of the range (inclusive); default 24 h before `to`' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO-8601 instant' })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'End of the range (exclusive); default now' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO-8601 instant' })
  to?: string;
}
