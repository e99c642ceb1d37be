import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsISO8601,
  ArrayNotEmpty,
  ArrayUnique,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
} from 'class-validator';
import {
  CLEANABLE_JOB_STATES,
  LISTABLE_JOB_STATES,
  type CleanableJobState,
  type ListableJobState,
} from '@lsp/contracts';

/** BullMQ job ids: ours are built by jobId() (letters, digits, `:`, `-`, `_`, `.`); schedulers add `repeat:…`. */
export const JOB_ID_PATTERN = /^[A-Za-z0-9:._-]{1,200}$/;
const QUEUE_NAME = /^[a-z][a-z0-9_-]{0,63}$/;
const QUEUE_MESSAGE = 'queue must be a queue name';

export class RetryJobsDto {
  @ApiProperty({ example: 'payments' }) @IsString() @Matches(QUEUE_NAME, { message: QUEUE_MESSAGE }) queue!: string;

  @ApiPropertyOptional({ description: 'Failed jobs to retry; all failed jobs of the queue when absent' })
  @IsOptional()
  @ArrayNotEmpty()
  @ArrayMaxSize(1000)
  @ArrayUnique()
  @Matches(JOB_ID_PATTERN, { each: true, message: 'each value in jobIds must be a job id' })
  jobIds?: string[];
}

export class CleanJobsDto {
  @ApiProperty({ example: 'payments' }) @IsString() @Matches(QUEUE_NAME, { message: QUEUE_MESSAGE }) queue!: string;

  @ApiProperty({ enum: CLEANABLE_JOB_STATES })
  @IsIn(CLEANABLE_JOB_STATES, { message: `status must be one of ${CLEANABLE_JOB_STATES.join(', ')}` })
  status!: CleanableJobState;

  @ApiProperty({ description: 'Only jobs finished longer ago than this grace are removed', minimum: 0 })
  @IsInt()
  @Min(0)
  @Max(365 * 24 * 3600 * 1000)
  olderThanMs!: number;
}

export class PauseQueueDto {
  @ApiProperty({ example: 'payments' }) @IsString() @Matches(QUEUE_NAME, { message: QUEUE_MESSAGE }) queue!: string;
  @ApiProperty({ description: 'true pauses the queue (workers finish running jobs, take no new ones); false resumes' })
  @IsBoolean()
  paused!: boolean;
}

export class QueueStatsQueryDto {
  @ApiPropertyOptional({ description: 'One queue; every declared queue when absent' })
  @IsOptional()
  @Matches(QUEUE_NAME, { message: QUEUE_MESSAGE })
  queue?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 1440, default: 60 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1440)
  minutes?: number;
}

export class JobQueryDto {
  @ApiProperty({ example: 'payments' }) @IsString() @Matches(QUEUE_NAME, { message: QUEUE_MESSAGE }) queue!: string;
}

export class QueueHistoryQueryDto extends JobQueryDto {
  @ApiPropertyOptional({ format: 'date-time', description: 'Default: an hour before `to`' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Default: now' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}

/**
 * `?queue=&state=&limit=&startingAfter=`: the list shape of every other list (API.md §2), with a job id as the
 * cursor instead of an object id.
 */
export class JobListQueryDto extends JobQueryDto {
  @ApiProperty({ enum: LISTABLE_JOB_STATES })
  @IsIn(LISTABLE_JOB_STATES, { message: `state must be one of ${LISTABLE_JOB_STATES.join(', ')}` })
  state!: ListableJobState;

  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ description: 'Id of the last job of the previous page' })
  @IsOptional()
  @Matches(JOB_ID_PATTERN, { message: 'startingAfter must be a job id' })
  startingAfter?: string;
}
