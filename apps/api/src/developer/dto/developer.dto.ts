import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional } from 'class-validator';

export class RegenerateApiKeyDto {
  @ApiPropertyOptional({ enum: ['test', 'live'], default: 'test' })
  @IsOptional()
  @IsIn(['test', 'live'], { message: 'mode must be test or live' })
  mode?: 'test' | 'live';
}

export class UsageQueryDto {
  @ApiPropertyOptional({ description: 'ISO-8601 date or instant; default 30 days before `to`' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'from must be an ISO-8601 date or instant' })
  from?: string;

  @ApiPropertyOptional({ description: 'ISO-8601 date or instant; default now' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'to must be an ISO-8601 date or instant' })
  to?: string;
}
