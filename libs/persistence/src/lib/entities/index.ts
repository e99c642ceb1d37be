import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Table mappings. Invariants live in the migration (checks, unique indexes, RLS); these only map columns. */

@Entity('merchants')
export class MerchantEntity {
  @PrimaryColumn() id!: string;
  @Column() name!: string;
  @Column() email!: string;
  @Column() status!: 'active' | 'suspended';
  @Column({ name: 'settlement_schedule' }) settlementSchedule!: 'T+1' | 'T+2' | 'manual';
  @Column({ name: 'rate_limit_per_minute', type: 'integer' }) rateLimitPerMinute!: number;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}

@Entity('users')
export class UserEntity {
  @PrimaryColumn() id!: string;
  @Column() email!: string;
  @Column({ name: 'password_hash' }) passwordHash!: string;
  @Column({ type: 'text', array: true }) roles!: string[];
  @Column({ name: 'merchant_id', type: 'text', nullable: true }) merchantId!: string | null;
  @Column() status!: 'active' | 'disabled';
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
}

@Entity('refresh_tokens')
export class RefreshTokenEntity {
  @PrimaryColumn() id!: string;
  @Column({ name: 'user_id' }) userId!: string;
  @Column({ name: 'family_id' }) familyId!: string;
  @Column({ name: 'token_hash' }) tokenHash!: string;
  @Column({ name: 'expires_at', type: 'timestamptz' }) expiresAt!: Date;
  @Column({ name: 'replaced_by', type: 'text', nullable: true }) replacedBy!: string | null;
  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true }) revokedAt!: Date | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
}

@Entity('api_keys')
export class ApiKeyEntity {
  @PrimaryColumn() id!: string;
  @Column({ name: 'merchant_id' }) merchantId!: string;
  @Column() mode!: 'test' | 'live';
  @Column({ name: 'secret_hash' }) secretHash!: string;
  @Column() last4!: string;
  @Column() status!: 'active' | 'revoked';
  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true }) expiresAt!: Date | null;
  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true }) lastUsedAt!: Date | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true }) revokedAt!: Date | null;
}

@Entity('audit_logs')
export class AuditLogEntity {
  @Column({ type: 'bigint', insert: false }) seq!: string;
  @PrimaryColumn() id!: string;
  @Column({ name: 'actor_id', type: 'text', nullable: true }) actorId!: string | null;
  @Column({ name: 'actor_email', type: 'text', nullable: true }) actorEmail!: string | null;
  @Column() action!: string;
  @Column({ name: 'object_type' }) objectType!: string;
  @Column({ name: 'object_id', type: 'text', nullable: true }) objectId!: string | null;
  @Column({ type: 'jsonb' }) diff!: { before: Record<string, unknown> | null; after: Record<string, unknown> | null };
  @Column({ name: 'request_id', type: 'text', nullable: true }) requestId!: string | null;
  @Column({ type: 'text', nullable: true }) ip!: string | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'prev_hash' }) prevHash!: string;
  @Column() hash!: string;
}

@Entity('alerts')
export class AlertEntity {
  @PrimaryColumn() id!: string;
  @Column() fingerprint!: string;
  @Column() severity!: 'info' | 'warning' | 'critical';
  @Column() source!: string;
  @Column() title!: string;
  @Column() message!: string;
  @Column({ type: 'jsonb' }) details!: Record<string, unknown>;
  @Column({ name: 'merchant_id', type: 'text', nullable: true }) merchantId!: string | null;
  @Column() status!: 'open' | 'acknowledged' | 'resolved';
  @Column({ type: 'integer' }) occurrences!: number;
  @Column({ name: 'first_seen_at', type: 'timestamptz' }) firstSeenAt!: Date;
  @Column({ name: 'last_seen_at', type: 'timestamptz' }) lastSeenAt!: Date;
}

export const ENTITIES = [MerchantEntity, UserEntity, RefreshTokenEntity, ApiKeyEntity, AuditLogEntity, AlertEntity];
