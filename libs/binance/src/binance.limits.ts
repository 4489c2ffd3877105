/*
 * Binance's protocol limits, as defaults for the stream and REST clients. Each value is the documented limit with
 * room to spare, so that retries, a restart or a second process on the same IP stay under it. The sources are
 * binance/binance-spot-api-docs: web-socket-streams.md ("WebSocket Limits", "Live Subscribing/Unsubscribing to
 * streams") and rest-api.md ("LIMITS", "Compressed/Aggregate trades list").
 */

export const BINANCE_STREAM_LIMITS = Object.freeze({
  /**
   * Frames we send per second on one connection. Binance disconnects above 5 incoming messages per second and counts
   * pings, pongs and SUBSCRIBE/UNSUBSCRIBE alike; 4 keeps a slot free for the pong owed to a server ping.
   */
  maxOutgoingPerSecond: 4,
  /**
   * Streams named in one SUBSCRIBE or UNSUBSCRIBE. Binance documents no cap per message, only 1,024 streams per
   * connection; 100 keeps a refused batch (one bad name refuses all) small while a full connection still subscribes
   * in a few seconds at 4 messages per second.
   */
  maxStreamsPerMessage: 100,
  /** A SUBSCRIBE or UNSUBSCRIBE unanswered this long means the link is stuck; the connection is replaced. */
  requestTimeoutMs: 10_000,
  /** The WebSocket handshake must finish within this; a connection still not open after twice as long is dropped. */
  connectTimeoutMs: 10_000,
  /** Reconnect delays: doubling from 250 ms up to 30 s, with jitter; back to 250 ms after a minute of health. */
  backoff: Object.freeze({ initialMs: 250, maxMs: 30_000, resetAfterMs: 60_000 }),
  /** Binance allows 300 connection attempts per 5 minutes per IP; 250 leaves room for a restart on the same IP. */
  maxOpensPerWindow: 250,
  opensWindowMs: 5 * 60_000,
});

export const BINANCE_REST_LIMITS = Object.freeze({
  /** Binance's own backend gives up after 10 s (error -1007); waiting longer for an answer gains nothing. */
  requestTimeoutMs: 10_000,
  /**
   * Largest `aggTrades` body read: a full page of 1,000 rows is about 130 kB; anything near 2 MiB is not a page, and
   * reading it whole would only cost memory.
   */
  maxAggTradesBodyBytes: 2 * 1024 * 1024,
  /** Largest `exchangeInfo` body read: every listed symbol with its filters is a few MB. */
  maxExchangeInfoBodyBytes: 64 * 1024 * 1024,
});

/**
 * Largest stream frame taken (ws `maxPayload`): an aggTrade frame is about 200 bytes and a control answer less; a frame
 * over this is refused by ws, which closes the connection (code 1009), and the owner reconnects and backfills.
 */
export const MAX_STREAM_FRAME_BYTES = 64 * 1024;

/** Most rows `GET /api/v3/aggTrades` returns per request (its default is 500); a backfill page asks for this many. */
export const AGG_TRADES_PAGE_LIMIT = 1000;
