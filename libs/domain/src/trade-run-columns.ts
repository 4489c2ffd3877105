import type { TradeRun } from './trade-run';

/** The six arrays of a run. */
export type TradeRunColumns = Pick<TradeRun, 'firstTradeId' | 'lastTradeId' | 'time' | 'priceUnits' | 'quantityUnits' | 'buyerMaker'>;

/**
 * Columns for `count` trades in one ArrayBuffer: allocating a buffer off the heap costs far more than the views on it
 * (about 0.7 µs against 15 ns here), so a run, or every run of a seal, takes one.
 */
export function allocateColumns(count: number): TradeRunColumns {
  const buffer = new ArrayBuffer(count * 41);
  return {
    firstTradeId: new Float64Array(buffer, 0, count),
    lastTradeId: new Float64Array(buffer, count * 8, count),
    time: new Float64Array(buffer, count * 16, count),
    priceUnits: new Float64Array(buffer, count * 24, count),
    quantityUnits: new Float64Array(buffer, count * 32, count),
    buyerMaker: new Uint8Array(buffer, count * 40, count),
  };
}

/**
 * Views of `count` entries of `columns` from index `from`, sharing their memory. Built with the typed-array
 * constructors: `subarray` costs several times more, which shows when a seal cuts hundreds of small runs.
 */
export function columnViews(columns: TradeRunColumns, from: number, count: number): TradeRunColumns {
  return {
    firstTradeId: view(columns.firstTradeId, from, count),
    lastTradeId: view(columns.lastTradeId, from, count),
    time: view(columns.time, from, count),
    priceUnits: view(columns.priceUnits, from, count),
    quantityUnits: view(columns.quantityUnits, from, count),
    buyerMaker: new Uint8Array(columns.buyerMaker.buffer, columns.buyerMaker.byteOffset + from, count),
  };
}

function view(column: Float64Array, from: number, count: number): Float64Array {
  return new Float64Array(column.buffer, column.byteOffset + from * 8, count);
}
