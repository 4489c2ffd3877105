export * from './agg-trade-frame.scanner';
export * from './agg-trade.parser';
export * from './agg-trades.query';
export * from './binance-rest.client';
export * from './binance-rest.error';
export * from './binance-stream-client.options';
export * from './binance-stream.client';
export * from './binance-wire.types';
export * from './binance.limits';
export * from './input-quarantine';
export * from './refused-input.error';
export * from './rest-response.parser';
export * from './stream-connection';
export * from './stream-frame.parser';
export * from './archive/agg-trade-csv.decoder';
// The archive's layout is Binance's protocol, shared with the emulator (libs/domain); the archive client's users
// name its files from here.
export {
  type ArchiveFile,
  type ArchivePlanParams,
  archiveFileKey,
  archiveFileOfKey,
  archiveZipName,
  archiveZipPath,
  dailyFile,
  dailyFilesOf,
  dayOf,
  dayText,
  monthlyFile,
  parseDay,
  planArchiveFiles,
} from '@binance-rates/domain';
export * from './archive/archive.errors';
export * from './archive/binance-archive.client';
export * from './archive/zip-entries.reader';
export * from './archive/trade-batches.reader';
