import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches } from 'class-validator';
import { archiveFileOfKey, archiveZipName } from '@binance-rates/binance';
import type { ArchiveImportRecord } from '@binance-rates/storage';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export class CreateImportDto {
  @ApiProperty({ example: '2024-01-01', description: 'First UTC day to import, inclusive' })
  @IsString({ message: 'from must be a string YYYY-MM-DD' })
  @Matches(DAY, { message: 'from must be a UTC day as YYYY-MM-DD' })
  from!: string;

  @ApiProperty({ example: '2024-12-31', description: 'Last UTC day to import, inclusive; today at the latest (whose file the archive publishes tomorrow)' })
  @IsString({ message: 'to must be a string YYYY-MM-DD' })
  @Matches(DAY, { message: 'to must be a UTC day as YYYY-MM-DD' })
  to!: string;
}

export class ImportResponseDto {
  @ApiProperty({ example: 7 })
  id!: number;

  @ApiProperty({ example: 'BTCUSDT' })
  symbol!: string;

  @ApiProperty({ example: '2024-01-01' })
  from!: string;

  @ApiProperty({ example: '2024-12-31' })
  to!: string;

  @ApiProperty({ enum: ['queued', 'running', 'done', 'failed', 'cancelled'] })
  status!: string;

  @ApiProperty({ example: 12, description: "Archive files to read: a month's file for each whole month that has ended, a day's file otherwise" })
  filesTotal!: number;

  @ApiProperty({ example: 5, description: 'Files read and stored (missing ones included)' })
  filesDone!: number;

  @ApiProperty({ type: [String], example: ['BTCUSDT-aggTrades-2024-03-02.zip'], description: 'Files the archive does not hold (before the listing, or not published yet)' })
  missingFiles!: string[];

  @ApiProperty({ example: 48_000_000, description: 'Trades this import stored; ones already stored (live, backfilled, imported before) are not counted' })
  tradesStored!: number;

  @ApiProperty({ type: Number, nullable: true, example: 350_000, description: 'Trades stored per second since it started (until it ended); null before it starts' })
  tradesPerSecond!: number | null;

  @ApiProperty({ type: String, nullable: true, description: 'Why it failed, naming the file' })
  error!: string | null;

  @ApiProperty({ example: '2025-03-10T12:00:00.000Z' })
  createdAt!: string;

  @ApiProperty({ type: String, nullable: true })
  startedAt!: string | null;

  @ApiProperty({ type: String, nullable: true })
  finishedAt!: string | null;
}

export function mapImport(record: ArchiveImportRecord, now = Date.now()): ImportResponseDto {
  const started = record.startedAt?.getTime() ?? null;
  const seconds = started === null ? 0 : ((record.finishedAt?.getTime() ?? now) - started) / 1000;
  return {
    id: record.id,
    symbol: record.symbol,
    from: record.fromDay,
    to: record.toDay,
    status: record.status,
    filesTotal: record.files.length,
    filesDone: record.filesDone,
    missingFiles: record.missingFiles.map((key) => {
      const file = archiveFileOfKey(record.symbol, key);
      return file === null ? key : archiveZipName(file);
    }),
    tradesStored: record.tradesStored,
    tradesPerSecond: started === null ? null : seconds > 0 ? Math.round(record.tradesStored / seconds) : 0,
    error: record.error,
    createdAt: record.createdAt.toISOString(),
    startedAt: record.startedAt?.toISOString() ?? null,
    finishedAt: record.finishedAt?.toISOString() ?? null,
  };
}
