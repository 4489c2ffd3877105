import { databaseUrl } from '@binance-rates/testing';
import { Client } from 'pg';

export interface IdWindow {
  symbol: string;
  /** Exclusive. */
  afterId: number;
  /** Inclusive. */
  toId: number;
}

/** One per-run PostgreSQL database: the service creates and migrates it; the bench counts rows and drops it. */
export class BenchDatabase {
  private client: Client | null = null;

  constructor(
    private readonly serverUrl: string,
    readonly name: string,
  ) {}

  get url(): string {
    return databaseUrl(this.name, this.serverUrl);
  }

  /** Stored trades per symbol with ids in (afterId, toId], from the runs and blocks overlapping the window. */
  async countStored(windows: readonly IdWindow[]): Promise<Map<string, number>> {
    const client = await this.connect();
    const { rows } = await client.query<{ symbol: string; stored: number }>(
      `SELECT w.symbol,
              (SELECT coalesce(sum(least(s.last_id, w.to_id) - greatest(s.first_id, w.after_id + 1) + 1), 0)
               FROM (SELECT first_id, last_id FROM trade_run r WHERE r.symbol = w.symbol AND r.last_id > w.after_id AND r.first_id <= w.to_id
                     UNION ALL
                     SELECT first_id, last_id FROM trade_block b WHERE b.symbol = w.symbol AND b.last_id > w.after_id AND b.first_id <= w.to_id) AS s
              )::float8 AS stored
       FROM unnest($1::text[], $2::bigint[], $3::bigint[]) AS w(symbol, after_id, to_id)`,
      [windows.map((w) => w.symbol), windows.map((w) => w.afterId), windows.map((w) => w.toId)],
    );
    return new Map(rows.map((row) => [row.symbol, row.stored]));
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  /** Closes our connection and drops the database, forcing out any connection left behind. */
  async drop(): Promise<void> {
    await this.close();
    const admin = new Client({ connectionString: `${this.serverUrl}/postgres` });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS "${this.name}" WITH (FORCE)`);
    } finally {
      await admin.end();
    }
  }

  private async connect(): Promise<Client> {
    if (!this.client) {
      const client = new Client({ connectionString: this.url, application_name: 'binance-rates-bench' });
      await client.connect();
      this.client = client;
    }
    return this.client;
  }
}
