-- CreateTable
CREATE TABLE "archive_import" (
    "id" SERIAL NOT NULL,
    "symbol" VARCHAR(20) NOT NULL,
    "from_day" DATE NOT NULL,
    "to_day" DATE NOT NULL,
    "status" VARCHAR(10) NOT NULL DEFAULT 'queued',
    "files" TEXT[],
    "files_done" INTEGER NOT NULL DEFAULT 0,
    "missing_files" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "trades_stored" BIGINT NOT NULL DEFAULT 0,
    "checkpoint_id" BIGINT,
    "error" TEXT,
    "owner" TEXT,
    "lease_until" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "archive_import_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "archive_import_status_id_idx" ON "archive_import"("status", "id");

-- CreateIndex
CREATE INDEX "archive_import_symbol_id_idx" ON "archive_import"("symbol", "id");
