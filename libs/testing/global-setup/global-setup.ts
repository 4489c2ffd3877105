import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';
import Redis from 'ioredis';
import {
  TEST_DATABASE_PREFIX,
  databaseUrl,
  templateDatabaseName,
  testRedisUrl,
  testServerUrl,
  withAdminClient,
} from '@binance-rates/testing';

/** Serializes template builds across concurrent jest runs (advisory locks are per database: all use `postgres`). */
const TEMPLATE_LOCK_KEY = 0x74706c74; // 'tplt'

/**
 * Jest global setup (jest.config.js): fails fast with a readable message when PostgreSQL or Redis is down, then
 * makes sure the migrated template database exists so every test can clone a fresh database in milliseconds.
 */
export default async function globalSetup(): Promise<void> {
  // The storage library needs the generated Prisma client; this is a no-op when it is up to date.
  execFileSync(process.execPath, [join(__dirname, '../../../tools/prisma-generate.js')], { stdio: 'inherit' });
  await checkPostgres(databaseUrl('postgres'), testServerUrl());
  await checkRedis();
  await ensureTemplate();
}

async function checkPostgres(url: string, serverUrl: string): Promise<void> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    throw new Error(
      `Tests need PostgreSQL at ${redact(serverUrl)} (set TEST_DATABASE_URL to change it): ${(error as Error).message}`,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function checkRedis(): Promise<void> {
  const url = testRedisUrl();
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: 3_000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new Error(`Tests need Redis at ${redact(url)} (set TEST_REDIS_URL to change it): ${(error as Error).message}`);
  } finally {
    redis.disconnect();
  }
}

async function ensureTemplate(): Promise<void> {
  // Loaded only now: the storage library needs the Prisma client generated above. The template is migrated by the
  // very code the service runs. This setup is a project of its own (type:test-setup) so that this import does not
  // make libs/testing depend on storage, whose specs use libs/testing.
  const { applyMigrations } = await import('@binance-rates/storage');
  const template = templateDatabaseName();
  await withAdminClient(async (admin) => {
    await admin.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK_KEY]);
    try {
      await dropAbandonedDatabases(admin, template, TEST_DATABASE_PREFIX);
      const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
      if (rowCount !== 0) {
        return;
      }
      // Build under a temporary name and rename at the end, so a crash never leaves a half-migrated template.
      const building = `${template}_building`;
      await admin.query(`DROP DATABASE IF EXISTS "${building}" WITH (FORCE)`);
      await applyMigrations({ databaseUrl: databaseUrl(building) });
      await admin.query(`ALTER DATABASE "${building}" RENAME TO "${template}"`);
      // No sessions may connect to it, so cloning never fails with "being accessed by other users".
      await admin.query(`ALTER DATABASE "${template}" WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`);
    } finally {
      await admin.query('SELECT pg_advisory_unlock($1)', [TEMPLATE_LOCK_KEY]);
    }
  });
}

/**
 * Templates of other migration sets kept besides the current one, newest first: checkouts on other branches (with
 * other migrations) may be running their tests against theirs right now.
 */
const OTHER_TEMPLATES_KEPT = 4;

/** Test databases of jest workers that no longer run, and all but the newest templates for other migration sets. */
async function dropAbandonedDatabases(admin: Client, currentTemplate: string, prefix: string): Promise<void> {
  const { rows } = await admin.query<{ datname: string }>(
    `SELECT datname FROM pg_database WHERE datname LIKE $1
     UNION ALL
     (SELECT datname FROM pg_database WHERE datname LIKE 'rates\\_test\\_template\\_%' AND datname <> $2
      ORDER BY oid DESC OFFSET $3)`,
    [`${prefix.replace(/_/g, '\\_')}%`, currentTemplate, OTHER_TEMPLATES_KEPT],
  );
  for (const { datname } of rows) {
    if (datname.startsWith(prefix)) {
      const pid = Number(datname.slice(prefix.length).split('_')[0]);
      if (isRunning(pid)) {
        continue;
      }
    } else {
      await admin.query(`ALTER DATABASE "${datname}" WITH IS_TEMPLATE false`).catch(() => undefined);
    }
    // Best effort: another run may be using it right now.
    await admin.query(`DROP DATABASE IF EXISTS "${datname}"`).catch(() => undefined);
  }
}

function isRunning(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) {
    return false;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function redact(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) {
    parsed.password = '***';
  }
  return parsed.toString();
}
