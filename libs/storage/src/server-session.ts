import type { PoolClient } from 'pg';

/** The server session behind one pooled connection, and when it last answered. */
export interface ServerSession {
  pid: number;
  /** `backend_start` as PostgreSQL prints it (microseconds): with the pid, it names this session on this server only. */
  startedAt: string;
  answeredAt: number;
}

/** Asked once per connection, on its first use. */
export async function identifySession(client: PoolClient): Promise<ServerSession> {
  const { rows } = await client.query<{ pid: number; started_at: string }>(
    'SELECT pid, backend_start::text AS started_at FROM pg_stat_activity WHERE pid = pg_backend_pid()',
  );
  return { pid: rows[0].pid, startedAt: rows[0].started_at, answeredAt: Date.now() };
}

/**
 * Ends a session whose connection went silent, asked over a fresh connection. Without it the server would keep the
 * session (and the row or advisory locks of a COPY or transaction cut off midway, which the retry of the same rows
 * waits on) until its own TCP keepalive notices, hours later: a session blocked reading COPY data ignores
 * statement_timeout. The start time guards against ending someone else's session with the same pid after a failover.
 */
export const TERMINATE_SESSION_SQL = 'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid = $1 AND backend_start::text = $2';
