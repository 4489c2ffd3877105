-- AlterTable
ALTER TABLE "tracked_symbol" ADD COLUMN     "since_added_filled_at" TIMESTAMPTZ(3);
