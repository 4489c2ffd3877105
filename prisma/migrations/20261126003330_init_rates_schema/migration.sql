-- CreateTable
CREATE TABLE "tracked_symbol" (
    "symbol" VARCHAR(20) NOT NULL,
    "added_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "removed_at" TIMESTAMPTZ(3),

    CONSTRAINT "tracked_symbol_pkey" PRIMARY KEY ("symbol")
);

-- CreateTable
CREATE TABLE "agg_trade" (
    "symbol" VARCHAR(20) NOT NULL,
    "trade_id" BIGINT NOT NULL,
    "price" DECIMAL NOT NULL,
    "quantity" DECIMAL NOT NULL,
    "first_trade_id" BIGINT NOT NULL,
    "last_trade_id" BIGINT NOT NULL,
    "trade_time" TIMESTAMPTZ(3) NOT NULL,
    "is_buyer_maker" BOOLEAN NOT NULL,

    CONSTRAINT "agg_trade_pkey" PRIMARY KEY ("symbol","trade_id")
);

-- CreateTable
CREATE TABLE "trade_gap" (
    "id" SERIAL NOT NULL,
    "symbol" VARCHAR(20) NOT NULL,
    "from_id" BIGINT NOT NULL,
    "to_id" BIGINT,
    "reason" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolved_at" TIMESTAMPTZ(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "trade_gap_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "agg_trade_symbol_trade_time_idx" ON "agg_trade"("symbol", "trade_time");

-- CreateIndex
CREATE INDEX "trade_gap_resolved_at_next_attempt_at_idx" ON "trade_gap"("resolved_at", "next_attempt_at");

-- CreateIndex
CREATE INDEX "trade_gap_symbol_from_id_idx" ON "trade_gap"("symbol", "from_id");
