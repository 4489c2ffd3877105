-- CreateTable
CREATE TABLE "candle_1m" (
    "symbol" VARCHAR(20) NOT NULL,
    "open_time" TIMESTAMPTZ(3) NOT NULL,
    "open" DECIMAL NOT NULL,
    "high" DECIMAL NOT NULL,
    "low" DECIMAL NOT NULL,
    "close" DECIMAL NOT NULL,
    "volume" DECIMAL NOT NULL,
    "quote_volume" DECIMAL NOT NULL,
    "taker_buy_volume" DECIMAL NOT NULL,
    "taker_buy_quote_volume" DECIMAL NOT NULL,
    "trades" BIGINT NOT NULL,
    "agg_trades" BIGINT NOT NULL,
    "first_agg_id" BIGINT NOT NULL,
    "last_agg_id" BIGINT NOT NULL,

    CONSTRAINT "candle_1m_pkey" PRIMARY KEY ("symbol","open_time")
);

-- CreateTable
CREATE TABLE "candle_15m" (
    "symbol" VARCHAR(20) NOT NULL,
    "open_time" TIMESTAMPTZ(3) NOT NULL,
    "open" DECIMAL NOT NULL,
    "high" DECIMAL NOT NULL,
    "low" DECIMAL NOT NULL,
    "close" DECIMAL NOT NULL,
    "volume" DECIMAL NOT NULL,
    "quote_volume" DECIMAL NOT NULL,
    "taker_buy_volume" DECIMAL NOT NULL,
    "taker_buy_quote_volume" DECIMAL NOT NULL,
    "trades" BIGINT NOT NULL,
    "agg_trades" BIGINT NOT NULL,
    "first_agg_id" BIGINT NOT NULL,
    "last_agg_id" BIGINT NOT NULL,

    CONSTRAINT "candle_15m_pkey" PRIMARY KEY ("symbol","open_time")
);

-- CreateTable
CREATE TABLE "candle_1h" (
    "symbol" VARCHAR(20) NOT NULL,
    "open_time" TIMESTAMPTZ(3) NOT NULL,
    "open" DECIMAL NOT NULL,
    "high" DECIMAL NOT NULL,
    "low" DECIMAL NOT NULL,
    "close" DECIMAL NOT NULL,
    "volume" DECIMAL NOT NULL,
    "quote_volume" DECIMAL NOT NULL,
    "taker_buy_volume" DECIMAL NOT NULL,
    "taker_buy_quote_volume" DECIMAL NOT NULL,
    "trades" BIGINT NOT NULL,
    "agg_trades" BIGINT NOT NULL,
    "first_agg_id" BIGINT NOT NULL,
    "last_agg_id" BIGINT NOT NULL,

    CONSTRAINT "candle_1h_pkey" PRIMARY KEY ("symbol","open_time")
);

-- CreateTable
CREATE TABLE "candle_1d" (
    "symbol" VARCHAR(20) NOT NULL,
    "open_time" TIMESTAMPTZ(3) NOT NULL,
    "open" DECIMAL NOT NULL,
    "high" DECIMAL NOT NULL,
    "low" DECIMAL NOT NULL,
    "close" DECIMAL NOT NULL,
    "volume" DECIMAL NOT NULL,
    "quote_volume" DECIMAL NOT NULL,
    "taker_buy_volume" DECIMAL NOT NULL,
    "taker_buy_quote_volume" DECIMAL NOT NULL,
    "trades" BIGINT NOT NULL,
    "agg_trades" BIGINT NOT NULL,
    "first_agg_id" BIGINT NOT NULL,
    "last_agg_id" BIGINT NOT NULL,

    CONSTRAINT "candle_1d_pkey" PRIMARY KEY ("symbol","open_time")
);

-- CreateTable
CREATE TABLE "candle_rollup_pending" (
    "id" BIGSERIAL NOT NULL,
    "symbol" VARCHAR(20) NOT NULL,
    "day" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "candle_rollup_pending_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "candle_rollup_state" (
    "id" SMALLINT NOT NULL DEFAULT 1,
    "rolled_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "candle_rollup_state_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "candle_rollup_pending_symbol_day_idx" ON "candle_rollup_pending"("symbol", "day");

-- Added by hand: Prisma cannot express a column collation or a fill factor. "C", as in agg_trade: byte order is all
-- Binance's symbols need, cheaper on every key comparison, and the order writers lock rows in (CandleFold.partials).
ALTER TABLE "candle_1m" ALTER COLUMN "symbol" TYPE VARCHAR(20) COLLATE "C";
ALTER TABLE "candle_15m" ALTER COLUMN "symbol" TYPE VARCHAR(20) COLLATE "C";
ALTER TABLE "candle_1h" ALTER COLUMN "symbol" TYPE VARCHAR(20) COLLATE "C";
ALTER TABLE "candle_1d" ALTER COLUMN "symbol" TYPE VARCHAR(20) COLLATE "C";
ALTER TABLE "candle_rollup_pending" ALTER COLUMN "symbol" TYPE VARCHAR(20) COLLATE "C";
-- A symbol's current minute is updated by every history write (ten times a second at the default flush interval):
-- room left on each page lets those updates stay on the page (HOT), with no new index entry each time.
ALTER TABLE "candle_1m" SET (fillfactor = 50);
