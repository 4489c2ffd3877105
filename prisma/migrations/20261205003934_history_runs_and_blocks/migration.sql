-- History as runs and blocks of consecutive trades instead of a row per trade (see prisma/schema.prisma). Edited by
-- hand where Prisma cannot express it: "C" collation on every symbol key (byte order, the order writers lock in),
-- trade_block partitioned by month, lz4 for block payloads that TOAST stores out of line.

-- CreateTable
CREATE TABLE "trade_watermark" (
    "symbol" VARCHAR(20) COLLATE "C" NOT NULL,
    "last_id" BIGINT NOT NULL,

    CONSTRAINT "trade_watermark_pkey" PRIMARY KEY ("symbol")
);

-- CreateTable
CREATE TABLE "trade_run" (
    "symbol" VARCHAR(20) COLLATE "C" NOT NULL,
    "first_id" BIGINT NOT NULL,
    "last_id" BIGINT NOT NULL,
    "first_time" TIMESTAMPTZ(3) NOT NULL,
    "last_time" TIMESTAMPTZ(3) NOT NULL,
    "payload" BYTEA NOT NULL,

    CONSTRAINT "trade_run_pkey" PRIMARY KEY ("symbol","first_id")
);

-- CreateTable
CREATE TABLE "trade_block" (
    "symbol" VARCHAR(20) COLLATE "C" NOT NULL,
    "first_id" BIGINT NOT NULL,
    "last_id" BIGINT NOT NULL,
    "first_time" TIMESTAMPTZ(3) NOT NULL,
    "last_time" TIMESTAMPTZ(3) NOT NULL,
    "payload" BYTEA COMPRESSION lz4 NOT NULL,

    CONSTRAINT "trade_block_pkey" PRIMARY KEY ("symbol","first_id","first_time")
) PARTITION BY RANGE ("first_time");

-- CreateIndex
CREATE INDEX "trade_block_symbol_first_time_idx" ON "trade_block"("symbol", "first_time");
