import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { ListQueryDto } from '../../core/http/pagination';

export class AuditLogQueryDto extends ListQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(40) actorId?: string;
  @ApiPropertyOptional({ example: 'merchant.update' })
  @IsOptional()
  @Matches(/^[a-z_]+\.[a-z_]+$/, { message: 'action must look like merchant.update' })
  action?: string;
  @ApiPropertyOptional({ example: 'merchant' }) @IsOptional() @IsString() @MaxLength(40) objectType?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(40) objectId?: string;
  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsISO8601({ strict: true }) createdFrom?: string;
  @ApiPropertyOptional({ format: 'date-time' }) @IsOptional() @IsISO8601({ strict: true }) createdTo?: string;
}
