import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import { sleep } from './wait-for';

export interface TestDatabase {
  url: string;
  name: string;
  /** Drops the database, terminating any connection a test left open. */
  drop(): Promise<void>;
}

/** The server tests run against; only host, port and credentials are used. */
export function testServerUrl(): string {
  return process.env['TEST_DATABASE_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
}

export function databaseUrl(name: string, serverUrl = testServerUrl()): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * The template's name carries a hash of the migrations, so a changed migration gets a new template and a run
 * that is still cloning the old one (another engineer's jest) is never disturbed.
 */
export function templateDatabaseName(): string {
  const dir = migrationsDir();
  const hash = createHash('sha256');
  for (const name of readdirSync(dir).sort()) {
    const file = name.endsWith('.toml') ? join(dir, name) : join(dir, name, 'migration.sql');
    hash.update(name).update('\0');
    try {
      hash.update(readFileSync(file));
    } catch {
      // Not a migration directory.
    }
  }
  return `rates_test_template_${hash.digest('hex').slice(0, 12)}`;
}

export const TEST_DATABASE_PREFIX = 'rates_t_';

function uniqueName(): string {
  return `${TEST_DATABASE_PREFIX}${process.pid}_${randomBytes(4).toString('hex')}`;
}

export async function withAdminClient<T>(run: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: databaseUrl('postgres') });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

async function createDatabase(template: string | null): Promise<TestDatabase> {
  const name = uniqueName();
  const sql = template ? `CREATE DATABASE "${name}" TEMPLATE "${template}"` : `CREATE DATABASE "${name}"`;
  await withAdminClient(async (admin) => {
    for (let attempt = 1; ; attempt++) {
      try {
        await admin.query(sql);
        return;
      } catch (error) {
        // 55006: "source database is being accessed by other users" (a concurrent clone or a stray session).
        if ((error as { code?: string }).code !== '55006' || attempt >= 20) {
          throw error;
        }
        await sleep(50 * attempt);
      }
    }
  });
  let dropped = false;
  return {
    name,
    url: databaseUrl(name),
    drop: async () => {
      if (dropped) {
        return;
      }
      dropped = true;
      await withAdminClient((admin) => admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

/** A fresh database with every migration applied, cloned from the template the jest global setup built. */
export function createTestDatabase(): Promise<TestDatabase> {
  return createDatabase(templateDatabaseName());
}

/** A fresh database with no schema at all (for migration tests). */
export function createEmptyDatabase(): Promise<TestDatabase> {
  return createDatabase(null);
}

/** Same lookup as the storage library's; kept local so loading this file never needs the generated client. */
function migrationsDir(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'prisma', 'migrations'))) {
      return join(dir, 'prisma', 'migrations');
    }
  }
  throw new Error(`No prisma/migrations directory found above ${__dirname}`);
}
