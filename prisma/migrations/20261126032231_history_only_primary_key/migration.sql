-- DropIndex
DROP INDEX "agg_trade_symbol_trade_time_idx";

-- Added by hand: Prisma cannot express a column collation. "C" orders bytes, which is all Binance's ASCII symbols
-- need, and makes each key comparison on the primary key cheaper than under the database's default locale.
ALTER TABLE "agg_trade" ALTER COLUMN "symbol" TYPE VARCHAR(20) COLLATE "C";
