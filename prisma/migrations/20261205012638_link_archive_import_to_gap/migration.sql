-- AlterTable
ALTER TABLE "archive_import" ADD COLUMN     "gap_id" INTEGER;

-- CreateIndex
CREATE UNIQUE INDEX "archive_import_gap_id_key" ON "archive_import"("gap_id");
