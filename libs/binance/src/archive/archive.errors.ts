/** Errors of reading Binance's public data archive. Each names the file; none knows HTTP. */
export abstract class ArchiveError extends Error {
  abstract readonly code: string;
}

/** The zip's SHA-256 is not the one its `.CHECKSUM` gives: nothing of the file may be stored. */
export class ArchiveChecksumMismatchError extends ArchiveError {
  override readonly name = 'ArchiveChecksumMismatchError';
  readonly code = 'ARCHIVE_CHECKSUM_MISMATCH';
  constructor(
    readonly file: string,
    expected: string,
    actual: string,
  ) {
    super(`${file}: SHA-256 ${actual} does not match its .CHECKSUM ${expected}; nothing of it was stored`);
  }
}

/** A row, a `.CHECKSUM` or a zip that is not what the archive publishes. */
export class ArchiveFormatError extends ArchiveError {
  override readonly name = 'ArchiveFormatError';
  readonly code = 'ARCHIVE_FORMAT';
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`${file}: ${problem}`);
  }
}

/** The archive could not be read after every retry (network, timeouts, 5xx). */
export class ArchiveUnavailableError extends ArchiveError {
  override readonly name = 'ArchiveUnavailableError';
  readonly code = 'ARCHIVE_UNAVAILABLE';
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`${file}: ${reason}`);
  }
}
