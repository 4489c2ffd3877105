/**
 * Every stored aggregate trade id as a row `(symbol, trade_id)`, from the runs and blocks of the history, for specs
 * that count or compare stored trades in SQL (`SELECT … FROM ${STORED_TRADE_IDS} AS stored …`). A trade stored twice
 * shows up twice.
 */
export const STORED_TRADE_IDS = `(
  SELECT symbol, generate_series(first_id, last_id) AS trade_id
  FROM (SELECT symbol, first_id, last_id FROM trade_run UNION ALL SELECT symbol, first_id, last_id FROM trade_block) AS stored_rows
)`;
