import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';
import { ROLES, type Role } from '@lsp/contracts';
import { ListQueryDto } from '../../core/http/pagination';

export class CreateUserDto {
  @ApiProperty() @IsEmail({}, { message: 'email must be an email address' }) @MaxLength(254) email!: string;

  @ApiProperty({ minLength: 12 })
  @IsString()
  @MinLength(12, { message: 'password must be at least 12 characters' })
  @MaxLength(200)
  password!: string;

  @ApiProperty({ enum: ROLES, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(4)
  @IsIn(ROLES, { each: true, message: `roles must each be one of ${ROLES.join(', ')}` })
  roles!: Role[];

  @ApiPropertyOptional({ description: 'Required for, and only for, the merchant role' })
  @IsOptional()
  @Matches(/^mer_[0-9A-Z]{26}$/, { message: 'merchantId must be a merchant id' })
  merchantId?: string;
}

export class ListUsersQueryDto extends ListQueryDto {}
