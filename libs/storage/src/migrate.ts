import { Client, type ClientConfig } from 'pg';
import { PgErrorCode, pgErrorCode } from './pg-error';
import { findMigrationsDir, openSchemaEngine, readMigrationsList } from './schema-engine';

export interface ApplyMigrationsParams {
  databaseUrl: string;
  /** Defaults to the `prisma/migrations` found above this file. */
  migrationsDir?: string;
}

/** Any constant works; it only has to differ from Prisma's own migrate lock (72707369), which the engine may take. */
const MIGRATION_LOCK_KEY = 0x72617465; // 'rate'

/**
 * `prisma migrate deploy` without the native schema engine: creates the database if needed, then applies pending
 * migrations through Prisma's WASM schema engine, recording them in `_prisma_migrations` exactly as the CLI does.
 * Safe when several instances start at once: they queue on an advisory lock. Returns the names it applied.
 */
export async function applyMigrations({ databaseUrl, migrationsDir }: ApplyMigrationsParams): Promise<string[]> {
  const connection = connectionConfig(databaseUrl);
  await ensureDatabaseExists(connection);
  const migrationsList = await readMigrationsList(migrationsDir ?? findMigrationsDir());

  const lockClient = new Client(connection);
  await lockClient.connect();
  try {
    await lockClient.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const engine = await openSchemaEngine(connection);
    try {
      return await engine.applyMigrations(migrationsList);
    } finally {
      await engine.close();
    }
  } finally {
    // Closing the session releases the advisory lock even if the unlock query cannot run.
    await lockClient.end();
  }
}

/** Connects to the `postgres` maintenance database and creates the target one unless it already exists. */
export async function ensureDatabaseExists(connection: ClientConfig): Promise<void> {
  const database = connection.database;
  if (!database) {
    throw new Error('DATABASE_URL names no database');
  }
  const admin = new Client({ ...connection, database: 'postgres' });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (rowCount === 0) {
      await admin.query(`CREATE DATABASE ${quoteIdentifier(database)}`);
    }
  } catch (error) {
    // Another instance created it between our check and our CREATE.
    const code = pgErrorCode(error);
    if (code !== PgErrorCode.duplicateDatabase && code !== PgErrorCode.uniqueViolation) {
      throw error;
    }
  } finally {
    await admin.end();
  }
}

/** Discrete connection settings: the schema engine's adapter mishandles `connectionString` plus `database`. */
export function connectionConfig(databaseUrl: string): ClientConfig {
  const url = new URL(databaseUrl);
  const sslMode = url.searchParams.get('sslmode');
  return {
    host: decodeURIComponent(url.hostname) || '127.0.0.1',
    port: url.port ? Number(url.port) : 5432,
    user: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    database: decodeURIComponent(url.pathname.replace(/^\//, '')),
    ssl: sslMode && sslMode !== 'disable' ? { rejectUnauthorized: sslMode === 'verify-full' } : undefined,
  };
}

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
