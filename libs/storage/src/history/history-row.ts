/** One stored row of history, in `trade_run` or `trade_block`: a run of consecutive trades and its encoded payload. */
export interface HistoryRow {
  symbol: string;
  firstId: number;
  lastId: number;
  /** Epoch milliseconds of the first and last trade. */
  firstTime: number;
  lastTime: number;
  payload: Buffer;
}

export const HISTORY_COLUMNS = 'symbol, first_id, last_id, first_time, last_time, payload';
