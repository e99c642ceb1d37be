import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type {
  ListResponse,
  QueueCleanResponse,
  QueueHistoryResponse,
  QueueJobRow,
  QueueJobView,
  QueueRetryResponse,
  QueueStatsResponse,
  QueueSummary,
} from '@lsp/contracts';
import { CurrentActor, Roles } from '../auth/access.decorators';
import type { Actor } from '../auth/principal';
import {
  CleanJobsDto,
  JobListQueryDto,
  JobQueryDto,
  PauseQueueDto,
  QueueHistoryQueryDto,
  QueueStatsQueryDto,
  RetryJobsDto,
} from './dto/queues.dto';
import { QueuesService } from './queues.service';

/** API.md §10: queue management for admins and SREs; every action is audited. Unknown queue or job → 404. */
@ApiTags('queues')
@Controller('api/v1/admin/queues')
@Roles('admin', 'sre')
export class QueuesController {
  constructor(private readonly queues: QueuesService) {}

  /** Every declared queue: job counts per state, paused flag, throughput and failure rate over the last minutes. */
  @Get()
  list(): Promise<ListResponse<QueueSummary>> {
    return this.queues.list();
  }

  /** Per-minute completed and failed counts (BullMQ metrics), oldest first, ending with the current minute. */
  @Get('stats')
  stats(@Query() query: QueueStatsQueryDto): Promise<QueueStatsResponse> {
    return this.queues.stats(query.queue, query.minutes ?? 60);
  }

  /** Sampled counts of one queue over time (the Queue Metrics Collector's history), oldest first. */
  @Get('history')
  history(@Query() query: QueueHistoryQueryDto): Promise<QueueHistoryResponse> {
    return this.queues.history(query.queue, query.from, query.to);
  }

  /** Jobs of one state, newest first, paged like every list; rows carry no job data (the detail view redacts it). */
  @Get('jobs')
  jobs(@Query() query: JobListQueryDto): Promise<ListResponse<QueueJobRow>> {
    return this.queues.jobs(query);
  }

  /** One job: payload with secrets and personal data redacted, attempts, logs, last failure's stack trace. */
  @Get('jobs/:id')
  job(@Param('id') id: string, @Query() query: JobQueryDto): Promise<QueueJobView> {
    return this.queues.job(query.queue, id);
  }

  /** Retries the listed failed jobs, or all failed jobs of the queue. */
  @Post('retry')
  @HttpCode(200)
  retry(@Body() body: RetryJobsDto, @CurrentActor() actor: Actor): Promise<QueueRetryResponse> {
    return this.queues.retry(body, actor);
  }

  /** Removes completed or failed jobs that finished more than `olderThanMs` ago; returns how many. */
  @Delete('clean')
  @HttpCode(200)
  clean(@Body() body: CleanJobsDto, @CurrentActor() actor: Actor): Promise<QueueCleanResponse> {
    return this.queues.clean(body, actor);
  }

  /** Pauses (running jobs finish, no new ones start) or resumes the queue across every worker. */
  @Post('pause')
  @HttpCode(200)
  pause(@Body() body: PauseQueueDto, @CurrentActor() actor: Actor): Promise<QueueSummary> {
    return this.queues.pause(body, actor);
  }
}
