import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@binance-rates/config';
import { Pool, type PoolClient } from 'pg';
import { PgErrorCode, pgErrorCode } from './pg-error';
import { inTransaction, type TransactionOptions } from './transaction';

/**
 * Owns the service's single PostgreSQL pool, bounded by `DATABASE_POOL_SIZE`. Every repository queries through it
 * with raw SQL; Prisma only authors and applies the schema (see the README for why its client is not loaded).
 */
@Injectable()
export class DatabaseClient implements OnApplicationShutdown {
  private readonly logger = new Logger(DatabaseClient.name);
  readonly pool: Pool;
  private closed = false;

  constructor(config: AppConfig) {
    this.pool = new Pool({
      connectionString: config.database.url,
      max: config.database.poolSize,
      application_name: 'binance-rates',
      // An unreachable server must fail a checkout, not hang it: the write pipeline holds and retries instead.
      connectionTimeoutMillis: 5_000,
    });
    // An idle client dropping (server restart, network) must not crash the process; the pool replaces it.
    this.pool.on('error', (error) => this.logger.warn(`Idle PostgreSQL connection failed: ${error.message}`));
    // A connection can also fail while checked out (a COPY cut by a server restart): the query using it rejects and
    // the caller discards it, but the client emits 'error' too, which must not go unheard and crash the process.
    this.pool.on('connect', (client) => {
      client.on('error', (error) => this.logger.warn(`PostgreSQL connection failed while in use: ${error.message}`));
    });
  }

  /** Checks out a connection for several statements; always pair with `release()`. */
  connect(): Promise<PoolClient> {
    return this.pool.connect();
  }

  /**
   * Runs `work` in a transaction on a connection of its own. After a failure the connection is discarded, since
   * it may be in an unknown state, except after a cancelled statement (a statement timeout): the server rolled it
   * back cleanly and the session is idle again.
   */
  async transaction<T>(work: (client: PoolClient) => Promise<T>, options?: TransactionOptions): Promise<T> {
    const client = await this.connect();
    let broken: Error | undefined;
    try {
      return await inTransaction(client, work, options);
    } catch (error) {
      if (pgErrorCode(error) !== PgErrorCode.queryCanceled) {
        broken = error as Error;
      }
      throw error;
    } finally {
      client.release(broken);
    }
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async isHealthy(): Promise<boolean> {
    try {
      await this.ping();
      return true;
    } catch {
      return false;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  async close(): Promise<void> {
    if (this.closed) {
      return;
    }
    this.closed = true;
    await this.pool.end();
  }
}
