import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { ListResponse, SystemStatusView, WorkerView } from '@lsp/contracts';
import { Roles } from '../auth/access.decorators';
import { MonitoringService } from './monitoring.service';

/** API.md §10: worker heartbeats and the system status, for admins and SREs. */
@ApiTags('monitoring')
@Controller('api/v1/admin')
@Roles('admin', 'sre')
export class MonitoringController {
  constructor(private readonly monitoring: MonitoringService) {}

  /**
   * Every worker process: `healthy` while its heartbeat is younger than WORKER_STALE_AFTER, `stale` after that,
   * `dead` once its heartbeat key expired (listed for an hour, then reaped).
   */
  @Get('workers')
  workers(): Promise<ListResponse<WorkerView>> {
    return this.monitoring.workers();
  }

  /**
   * `operational | degraded | down` per component (PostgreSQL, Redis, each queue, worker and gateway, the outbox)
   * and overall, with detail, as the workers' System Status Checker last found it.
   */
  @Get('system-status')
  systemStatus(): Promise<SystemStatusView> {
    return this.monitoring.systemStatus();
  }
}
