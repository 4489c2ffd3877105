/** The whole service configuration, validated once at boot. Nothing else reads `process.env`. */
export abstract class AppConfig {
  abstract readonly port: number;
  /** Address the HTTP server listens on: every interface by default, `127.0.0.1` for this machine only. */
  abstract readonly host: string;
  abstract readonly logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** `text` for people (coloured on a terminal), `json` for log collectors: one object per line. */
  abstract readonly logFormat: 'text' | 'json';
  abstract readonly instanceId: string;
  /** A SIGTERM/SIGINT that has not finished stopping by then exits anyway (with code 1), so a stop never hangs. */
  abstract readonly shutdownTimeoutMs: number;
  /** Browser origins allowed to call the API (CORS): empty for none, `['*']` for any. */
  abstract readonly corsOrigins: readonly string[];
  /**
   * Keys accepted by the routes that change what is tracked (`POST /api/currency`, `DELETE /api/currency/{symbol}`);
   * empty: those routes are open. Several allow a key to be rotated without downtime.
   */
  abstract readonly apiKeys: readonly string[];
  /** Candles are read from stored rollups when asked: bounded in time and in how many run at once. */
  abstract readonly candles: {
    /** A candles query still running after this long is cancelled (422: ask for a smaller window). */
    readonly timeoutMs: number;
    /** Candles queries one instance runs at once; up to 32 more wait, further ones get 503. */
    readonly concurrency: number;
    /** Stored candles that opened longer ago than this are deleted; null keeps them forever. */
    readonly retentionMs: number | null;
  };
  /**
   * Trade pages and gap lists are read from PostgreSQL when asked: bounded in how many run at once, so however many
   * readers arrive the history writers keep their connections.
   */
  abstract readonly historyReads: {
    /** Trade pages and gap lists one instance reads at once; up to 64 more wait, further ones get 503. */
    readonly concurrency: number;
  };
  /** Requests one client (one remote address) may make: a token bucket refilled at `perSecond`, holding `burst`. */
  abstract readonly rateLimit: {
    /** 0: no limit. */
    readonly perSecond: number;
    readonly burst: number;
  };
  /** What the live push may cost one instance per round, beside `ingest.pricePushMaxClients`. */
  abstract readonly pricePush: {
    /**
     * Followed symbols over all clients: a client costs one per symbol it names, or every tracked symbol when it
     * follows them all. A client that would take the total past it is refused with 503.
     */
    readonly maxFollows: number;
  };
  /** The Binance-compatible market-data API (`/api/v3/...`, `/ws`, `/stream`) served beside our own. */
  abstract readonly binanceApi: {
    /** A stream of a symbol not tracked yet starts tracking it (as `POST /api/currency` would); off: it stays silent, as Binance's do. */
    readonly autoTrack: boolean;
    /** Request weight one client (remote address) may use per minute; Binance allows 6,000. */
    readonly weightPerMinute: number;
    /** Stream connections one instance serves at once; more are refused at the upgrade with 503. */
    readonly maxConnections: number;
    /** A ping frame to every stream client this often; one that leaves it unanswered for `pongTimeoutMs` is closed. */
    readonly pingIntervalMs: number;
    readonly pongTimeoutMs: number;
    /** A stream client this many bytes behind (unsent backlog) is cut with close 1008, rather than buffered without bound. */
    readonly maxBufferedBytes: number;
  };
  abstract readonly database: {
    readonly url: string;
    readonly poolSize: number;
    /** A new connection not ready by then fails (the caller holds and retries). */
    readonly connectTimeoutMs: number;
    /** PostgreSQL cancels an ordinary statement running longer, and ends a session idle in a transaction as long. */
    readonly statementTimeoutMs: number;
    /**
     * A call (a query, a transaction, a COPY) not answered by then is given up: its connection is destroyed, its
     * server session ended through a fresh one, and the call fails so its caller retries on a fresh connection.
     */
    readonly callTimeoutMs: number;
  };
  abstract readonly redis: {
    readonly url: string;
    /** Every key this service writes starts with it, so tests and tenants can share one Redis. */
    readonly keyPrefix: string;
    /** A command not answered by then fails; a connection that leaves a ping unanswered as long is replaced. */
    readonly commandTimeoutMs: number;
  };
  abstract readonly binance: {
    readonly wsUrl: string;
    readonly restUrl: string;
    /** Binance's public data archive (daily and monthly files of aggregate trades), read by history imports. */
    readonly dataUrl: string;
    readonly exchangeInfoTtlMs: number;
    readonly streamsPerConnection: number;
    /** Send our own ping after this long without any frame. */
    readonly pingAfterIdleMs: number;
    /** Replace a connection that delivered nothing (no data, ping or pong) for this long. */
    readonly deadAfterIdleMs: number;
    /** Renew each connection (make-before-break) after this long; Binance cuts at 24 h. */
    readonly renewAfterMs: number;
    readonly restWeightBudgetPerMinute: number;
  };
  abstract readonly cluster: {
    /** A lease not renewed for this long expires and another instance takes the symbol over. */
    readonly leaseTtlMs: number;
    readonly leaseRenewMs: number;
    /** How many symbols above an even share an instance may hold before it hands some over. */
    readonly fairShareSlack: number;
    /** After handing a symbol over, keep streaming it this long so the new owner is live before we stop. */
    readonly handoverGraceMs: number;
  };
  /** How the stored history ages. */
  abstract readonly history: {
    /** Trades older than this may be compacted from runs into blocks. */
    readonly compactAfterMs: number;
    /** Raw trades older than this are dropped, a whole month partition at a time; null keeps everything. */
    readonly retentionMs: number | null;
  };
  abstract readonly ingest: {
    /** How often the write pipeline flushes latest prices to Redis and history to PostgreSQL. */
    readonly flushIntervalMs: number;
    readonly historyBatchSize: number;
    /** History batches written to PostgreSQL in parallel, each by a lane owning a share of the symbols. */
    readonly historyWriters: number;
    /** Trades held in memory while PostgreSQL is slow or down; beyond it they become a recorded gap. */
    readonly maxPendingTrades: number;
    readonly backfillWindowMs: number;
    /**
     * Binance's REST trails its stream: a fill whose pages end short of its target id asks again for up to this long,
     * then records the rest as a gap due a retry.
     */
    readonly backfillWaitForRestMs: number;
    /**
     * A gap older than the backfill window and at least this many ids long is filled from Binance's public data
     * archive once its days are published, not from REST (see ARCHIVE_GAP_MIN_TRADES in libs/ingestion for why 1M).
     */
    readonly backfillArchiveMinTrades: number;
    /** Live push: each client gets at most one price per symbol per interval, the newest. */
    readonly pricePushIntervalMs: number;
    /** Live-push clients one instance serves at once; more are refused with 503. */
    readonly pricePushMaxClients: number;
  };
}
