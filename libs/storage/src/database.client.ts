import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@binance-rates/config';
import { Pool, type PoolClient, type QueryResult, type QueryResultRow } from 'pg';
import { DatabaseCallTimeoutError } from './database-call-timeout.error';
import { PgErrorCode, pgErrorCode } from './pg-error';
import { identifySession, type ServerSession, TERMINATE_SESSION_SQL } from './server-session';
import { inTransaction, type TransactionOptions } from './transaction';

/** Idle connections are probed after this long, so one dropped by the network fails instead of lingering. */
const KEEPALIVE_INITIAL_DELAY_MS = 10_000;

export interface WithClientOptions {
  /** The call is given up after this long; default `DATABASE_CALL_TIMEOUT_MS`. */
  deadlineMs?: number;
  /** Whether the connection is still fit for the pool after `work` failed with this error; default never. */
  keepAfter?: (error: unknown) => boolean;
}

/**
 * Owns the service's single PostgreSQL pool, bounded by `DATABASE_POOL_SIZE`. Every repository queries through it
 * with raw SQL; Prisma only authors and applies the schema (see the README for why its client is not loaded).
 *
 * Every call is bounded, because a connection can go silent without a reset (a failover, a NAT or firewall dropping
 * its state) while new connections work: PostgreSQL cancels a statement after `DATABASE_STATEMENT_TIMEOUT_MS`, and a
 * call still unanswered after `DATABASE_CALL_TIMEOUT_MS` fails with a DatabaseCallTimeoutError. Its connection is
 * destroyed, its server session ended through a fresh connection, and every connection idle since before then is
 * replaced on its next checkout (the same silence most likely took them all; finding that out one deadline at a time
 * would stretch the outage), so the caller's retry writes on a fresh connection.
 */
@Injectable()
export class DatabaseClient implements OnApplicationShutdown {
  private readonly logger = new Logger(DatabaseClient.name);
  /** For tests and fixtures; the service calls through `query`, `withClient` and `transaction`, which are bounded. */
  readonly pool: Pool;
  private readonly callTimeoutMs: number;
  private readonly poolSize: number;
  private readonly sessions = new WeakMap<PoolClient, ServerSession>();
  /** Connections that last answered before this time are replaced rather than used. */
  private distrustedBefore = 0;
  private closed = false;

  constructor(config: AppConfig) {
    const { url, poolSize, connectTimeoutMs, statementTimeoutMs, callTimeoutMs } = config.database;
    this.callTimeoutMs = callTimeoutMs;
    this.poolSize = poolSize;
    this.pool = new Pool({
      connectionString: url,
      max: poolSize,
      application_name: 'binance-rates',
      // An unreachable server must fail a checkout (and a wait for a free connection), not hang it: the write
      // pipeline holds and retries instead.
      connectionTimeoutMillis: connectTimeoutMs,
      keepAlive: true,
      keepAliveInitialDelayMillis: KEEPALIVE_INITIAL_DELAY_MS,
      // Server side: a runaway statement is cancelled, and a session left in a transaction by a client that went
      // silent releases its locks. Candles set their own timeout per transaction.
      statement_timeout: statementTimeoutMs,
      idle_in_transaction_session_timeout: statementTimeoutMs,
    });
    // An idle client dropping (server restart, network) must not crash the process; the pool replaces it.
    this.pool.on('error', (error) => this.logger.warn(`Idle PostgreSQL connection failed: ${error.message}`));
    // A connection can also fail while checked out (a COPY cut by a server restart): the query using it rejects and
    // the caller discards it, but the client emits 'error' too, which must not go unheard and crash the process.
    this.pool.on('connect', (client) => {
      client.on('error', (error) => this.logger.warn(`PostgreSQL connection failed while in use: ${error.message}`));
    });
  }

  /** One statement on a pooled connection, within the call deadline. */
  query<R extends QueryResultRow = QueryResultRow>(text: string, values?: unknown[]): Promise<QueryResult<R>> {
    return this.withClient((client) => client.query<R>(text, values));
  }

  /**
   * Runs `work` on a connection of its own, within a deadline. When the deadline passes first, the call rejects
   * with a DatabaseCallTimeoutError, the connection is destroyed and its session ended; `work` must not touch the
   * connection afterwards. After `work` fails, the connection is discarded unless `keepAfter` says otherwise.
   */
  withClient<T>(work: (client: PoolClient) => Promise<T>, options: WithClientOptions = {}): Promise<T> {
    return this.call(work, options, true);
  }

  /**
   * Runs `work` in a transaction on a connection of its own. After a failure the connection is discarded, since
   * it may be in an unknown state, except after a cancelled statement (a statement timeout): the server rolled it
   * back cleanly and the session is idle again. A transaction that sets its own statement timeout may run that much
   * longer than the call deadline.
   */
  transaction<T>(work: (client: PoolClient) => Promise<T>, options?: TransactionOptions): Promise<T> {
    return this.withClient((client) => inTransaction(client, work, options), {
      deadlineMs: this.callTimeoutMs + (options?.statementTimeoutMs ?? 0),
      keepAfter: (error) => pgErrorCode(error) === PgErrorCode.queryCanceled,
    });
  }

  async ping(): Promise<void> {
    await this.query('SELECT 1');
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

  private async call<T>(
    work: (client: PoolClient) => Promise<T>,
    { deadlineMs = this.callTimeoutMs, keepAfter }: WithClientOptions,
    endSessionOnTimeout: boolean,
  ): Promise<T> {
    const client = await this.checkout();
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<'expired'>((resolve) => (timer = setTimeout(() => resolve('expired'), deadlineMs)));
    const working = (async () => {
      let session = this.sessions.get(client);
      if (session === undefined) {
        session = await identifySession(client);
        this.sessions.set(client, session);
      }
      return work(client);
    })();
    let outcome: { result: T } | 'expired';
    try {
      outcome = await Promise.race([working.then((result) => ({ result })), expired]);
    } catch (error) {
      clearTimeout(timer);
      this.answered(client);
      client.release(keepAfter?.(error) ? undefined : (error as Error));
      throw error;
    }
    clearTimeout(timer);
    if (outcome === 'expired') {
      // The work settles (rejects) once its connection is destroyed; nobody waits for it any more.
      working.catch(() => undefined);
      throw this.abandon(client, deadlineMs, endSessionOnTimeout);
    }
    this.answered(client);
    client.release();
    return outcome.result;
  }

  /** A pooled connection, skipping (and replacing) those idle since before a call went unanswered. */
  private async checkout(): Promise<PoolClient> {
    for (let skipped = 0; ; skipped += 1) {
      const client = await this.pool.connect();
      const session = this.sessions.get(client);
      if (session === undefined || session.answeredAt >= this.distrustedBefore || skipped >= this.poolSize) {
        return client;
      }
      client.release(true);
    }
  }

  private answered(client: PoolClient): void {
    const session = this.sessions.get(client);
    if (session !== undefined) {
      session.answeredAt = Date.now();
    }
  }

  /** Destroys a connection that did not answer in time and ends its server session through a fresh one. */
  private abandon(client: PoolClient, deadlineMs: number, endSession: boolean): DatabaseCallTimeoutError {
    const error = new DatabaseCallTimeoutError(deadlineMs);
    this.distrustedBefore = Date.now();
    const session = this.sessions.get(client);
    client.release(error);
    // release() only asks the server to end the session, over the silent socket; nothing would ever close it.
    client.connection.stream.destroy();
    this.logger.warn(`${error.message}${session ? ` (session ${session.pid})` : ''}`);
    if (session !== undefined && endSession && !this.closed) {
      // Not ended in turn if this call goes unanswered too: the server is then no better reached than before.
      this.call((fresh) => fresh.query(TERMINATE_SESSION_SQL, [session.pid, session.startedAt]), {}, false).catch((terminateError: Error) =>
        this.logger.warn(`PostgreSQL session ${session.pid} of a silent connection not ended: ${terminateError.message}`),
      );
    }
    return error;
  }
}
