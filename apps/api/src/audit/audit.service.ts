import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { changedFields } from '@lsp/domain';
import { appendAudit } from '@lsp/persistence';
import type { Actor } from '../auth/principal';

/**
 * Records admin mutations in the hash-chained audit log, inside the caller's transaction. Callers pass views of
 * the object (never secrets or hashes): what is written here is readable by every admin forever.
 */
@Injectable()
export class AuditService {
  async record(
    em: EntityManager,
    actor: Actor,
    change: {
      action: string;
      objectType: string;
      objectId: string | null;
      before: object | null;
      after: object | null;
    },
  ): Promise<void> {
    await appendAudit(em, {
      ...actor,
      action: change.action,
      objectType: change.objectType,
      objectId: change.objectId,
      diff: changedFields(
        change.before as Record<string, unknown> | null,
        change.after as Record<string, unknown> | null,
      ),
    });
  }
}
