export interface AuditLogView {
  id: string;
  object: 'audit_log';
  /** usr_… of the console user, or null for the system itself. */
  actorId: string | null;
  actorEmail: string | null;
  /** e.g. `merchant.create`, `merchant.update`, `merchant.suspend`, `api_key.create`, `user.create`. */
  action: string;
  objectType: string;
  objectId: string | null;
  diff: { before: Record<string, unknown> | null; after: Record<string, unknown> | null };
  requestId: string | null;
  ip: string | null;
  createdAt: string;
}

export interface AuditLogQuery {
  actorId?: string;
  action?: string;
  objectType?: string;
  objectId?: string;
  createdFrom?: string;
  createdTo?: string;
  limit?: number;
  startingAfter?: string;
}
