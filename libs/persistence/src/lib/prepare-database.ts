import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { newId } from '@lsp/domain';
import { type AppConfig, type Logger, SecretBox, hashPassword } from '@lsp/platform';
import { dataSourceFor } from './database';

/**
 * What `npm start` (and the compose migration step) does before any process serves traffic: create the database
 * if absent, apply migrations as the owner, give the runtime role its password when one is configured, and
 * create the first admin when no user exists. Safe to run again and from several processes at once.
 */
export async function prepareDatabase(
  config: AppConfig,
  logger: Logger,
): Promise<{ adminCreated: boolean; adminPassword: string | null }> {
  await createDatabaseIfAbsent(config.databaseUrl, logger);
  const owner = dataSourceFor(config, 'owner', 3);
  await owner.initialize();
  try {
    // One preparer at a time across processes, on one dedicated session (an advisory lock belongs to a session,
    // so lock and unlock must not travel through different pooled connections).
    const lock = owner.createQueryRunner();
    await lock.connect();
    await lock.query(`SELECT pg_advisory_lock(7240000)`);
    try {
      const applied = await owner.runMigrations({ transaction: 'each' });
      for (const m of applied) logger.info({ migration: m.name }, 'migration applied');
      const appPassword = new URL(config.appDatabaseUrl).password;
      if (appPassword) {
        const escaped = decodeURIComponent(appPassword).replace(/'/g, "''");
        await owner.query(`ALTER ROLE lsp_app PASSWORD '${escaped}'`);
      }
      await seedSandboxGateways(config, owner.query.bind(owner), logger);
      return await bootstrapAdmin(config, owner.query.bind(owner), logger);
    } finally {
      await lock.query(`SELECT pg_advisory_unlock(7240000)`);
      await lock.release();
    }
  } finally {
    await owner.destroy();
  }
}

async function createDatabaseIfAbsent(databaseUrl: string, logger: Logger): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  if (!/^[A-Za-z0-9_]+$/.test(name))
    throw new Error(`DATABASE_URL: database name "${name}" must be letters, digits or _`);
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString(), connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const found = await client.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [name]);
    if (found.rowCount === 0) {
      try {
        await client.query(`CREATE DATABASE "${name}"`);
        logger.info({ database: name }, 'database created');
      } catch (e) {
        // Another process created it between our check and our create: that is the outcome we wanted.
        if ((e as { code?: string }).code !== '42P04') throw e;
      }
    }
  } finally {
    await client.end();
  }
}

async function bootstrapAdmin(
  config: AppConfig,
  query: (sql: string, params?: unknown[]) => Promise<unknown>,
  logger: Logger,
): Promise<{ adminCreated: boolean; adminPassword: string | null }> {
  const password = config.bootstrapAdminPassword ?? randomBytes(18).toString('base64url');
  const passwordHash = await hashPassword(password);
  // Inserted only when the table is empty, in one statement, so concurrent starts create one admin at most.
  const rows = (await query(
    `INSERT INTO users (id, email, password_hash, roles) SELECT $1, $2, $3, ARRAY['admin'] WHERE NOT EXISTS (SELECT 1 FROM users) RETURNING id`,
    [newId('user'), config.bootstrapAdminEmail.toLowerCase(), passwordHash],
  )) as unknown[];
  if (rows.length === 0) return { adminCreated: false, adminPassword: null };
  logger.info({ email: config.bootstrapAdminEmail }, 'first admin created');
  return { adminCreated: true, adminPassword: config.bootstrapAdminPassword ? null : password };
}

/**
 * Two sandbox gateways on first start so payments work out of the box (failover needs two). Only when no gateway
 * was ever created: an operator who deleted them does not get them back.
 */
async function seedSandboxGateways(
  config: AppConfig,
  query: (sql: string, params?: unknown[]) => Promise<unknown>,
  logger: Logger,
): Promise<void> {
  const box = new SecretBox(config.encryptionKeys);
  for (const [code, name, priority] of [
    ['sandbox-primary', 'Sandbox (primary)', 10],
    ['sandbox-secondary', 'Sandbox (secondary)', 20],
  ] as const) {
    const secrets = box.seal(JSON.stringify({ credentials: {}, webhookSecret: randomBytes(32).toString('base64url') }));
    const rows = (await query(
      `INSERT INTO gateways (id, code, name, provider, priority, currencies, methods, secrets_encrypted)
       SELECT $1, $2, $3, 'sandbox', $4, ARRAY['INR','USD','EUR','GBP','SGD','AED','JPY','KWD'], ARRAY['upi','card','netbanking','wallet'], $5
       WHERE NOT EXISTS (SELECT 1 FROM gateways WHERE code = $2 OR (SELECT count(*) FROM gateways) >= 2)
       RETURNING id`,
      [newId('gateway'), code, name, priority, secrets],
    )) as unknown[];
    if (rows.length) logger.info({ gateway: code }, 'sandbox gateway seeded');
  }
}
