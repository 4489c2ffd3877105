/** Errors of what the API serves. They carry a stable code and no HTTP; one filter maps them to responses. */
export abstract class ServingError extends Error {
  abstract readonly code: string;
}

export class SymbolNotTrackedError extends ServingError {
  override readonly name = 'SymbolNotTrackedError';
  readonly code = 'SYMBOL_NOT_TRACKED';
  constructor(readonly symbol: string) {
    super(`${symbol} is not tracked`);
  }
}

export class SymbolNeverTrackedError extends ServingError {
  override readonly name = 'SymbolNeverTrackedError';
  readonly code = 'SYMBOL_NEVER_TRACKED';
  constructor(readonly symbol: string) {
    super(`${symbol} has never been tracked, so no history exists`);
  }
}

export class UnknownSymbolError extends ServingError {
  override readonly name = 'UnknownSymbolError';
  readonly code = 'SYMBOL_UNKNOWN';
  constructor(readonly symbol: string) {
    super(`${symbol} is not listed on Binance`);
  }
}

export class SymbolNotTradingError extends ServingError {
  override readonly name = 'SymbolNotTradingError';
  readonly code = 'SYMBOL_NOT_TRADING';
  constructor(
    readonly symbol: string,
    readonly status: string,
  ) {
    super(`${symbol} is not trading on Binance (status ${status})`);
  }
}

export class PushClientsFullError extends ServingError {
  override readonly name = 'PushClientsFullError';
  readonly code = 'PUSH_CLIENTS_FULL';
  constructor(limit: number) {
    super(`${limit} clients already follow live prices on this instance (PRICE_PUSH_MAX_CLIENTS); try again later or another instance`);
  }
}

export class ExchangeUnavailableError extends ServingError {
  override readonly name = 'ExchangeUnavailableError';
  readonly code = 'EXCHANGE_UNAVAILABLE';
  constructor(reason: string) {
    super(`Binance could not be asked about the symbol: ${reason}`);
  }
}

export class CandlesWindowTooLargeError extends ServingError {
  override readonly name = 'CandlesWindowTooLargeError';
  readonly code = 'CANDLES_WINDOW_TOO_LARGE';
  constructor(timeoutMs: number) {
    super(`the candles asked for could not be computed within ${timeoutMs} ms (CANDLES_TIMEOUT_MS): ask for fewer intervals or a shorter window`);
  }
}

export class CandlesBusyError extends ServingError {
  override readonly name = 'CandlesBusyError';
  readonly code = 'CANDLES_BUSY';
  constructor() {
    super('too many candles queries are running or waiting on this instance; try again shortly');
  }
}

export class HistoryReadsBusyError extends ServingError {
  override readonly name = 'HistoryReadsBusyError';
  readonly code = 'HISTORY_READS_BUSY';
  constructor() {
    super('too many history reads (trade pages, gap lists) are running or waiting on this instance; try again shortly');
  }
}

export class PushFollowsFullError extends ServingError {
  override readonly name = 'PushFollowsFullError';
  readonly code = 'PUSH_FOLLOWS_FULL';
  constructor(cost: number, served: number, limit: number) {
    super(
      `this client would follow ${cost} symbols (one per symbol named, every tracked one when none is named) beside the ${served} ` +
        `followed on this instance, past its ${limit} (PRICE_PUSH_MAX_FOLLOWS); name fewer symbols, try again later or another instance`,
    );
  }
}

/** A history import asked for days that cannot be imported: not real dates, in the wrong order, in the future or too many. */
export class ImportRangeInvalidError extends ServingError {
  override readonly name = 'ImportRangeInvalidError';
  readonly code = 'IMPORT_RANGE_INVALID';
  constructor(problem: string) {
    super(problem);
  }
}

export class ImportNotFoundError extends ServingError {
  override readonly name = 'ImportNotFoundError';
  readonly code = 'IMPORT_NOT_FOUND';
  constructor(symbol: string, id: number) {
    super(`${symbol} has no import ${id}`);
  }
}
