import type { PoolClient } from 'pg';

export interface TransactionOptions {
  readOnly?: boolean;
  /** PostgreSQL cancels any statement of the transaction that runs longer (SQLSTATE 57014, query_canceled). */
  statementTimeoutMs?: number;
}

/**
 * Runs `work` between BEGIN and COMMIT on a connection the caller holds and releases; rolls back when it fails. A
 * failed ROLLBACK is ignored, so the caller sees the error that mattered; it decides whether the connection is
 * still fit for the pool.
 */
export async function inTransaction<T>(
  client: PoolClient,
  work: (client: PoolClient) => Promise<T>,
  { readOnly = false, statementTimeoutMs }: TransactionOptions = {},
): Promise<T> {
  const begin = readOnly ? 'BEGIN READ ONLY' : 'BEGIN';
  // One round trip: SET LOCAL only lasts for the transaction it runs in.
  await client.query(
    statementTimeoutMs === undefined ? begin : `${begin}; SET LOCAL statement_timeout = ${Math.max(1, Math.trunc(statementTimeoutMs))}`,
  );
  try {
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
