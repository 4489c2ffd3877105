import type { TradeRun } from './trade-run';

/** The six arrays of a run. */
export type TradeRunColumns = Pick<TradeRun, 'firstTradeId' | 'lastTradeId' | 'time' | 'priceUnits' | 'quantityUnits' | 'buyerMaker'>;

/** Bytes of the shared buffer small runs' columns are cut from, and the most one run may take of it. */
const SLAB_BYTES = 64 * 1024;
const SLAB_MAX_RUN_BYTES = 8 * 1024;
const BYTES_PER_TRADE = 5 * 8 + 1;

let slab = new ArrayBuffer(SLAB_BYTES);
let slabUsed = 0;

/**
 * Zero-filled columns for `count` trades, all in one ArrayBuffer: allocating memory off the heap costs far more than
 * the views on it (about 0.7 µs against 15 ns here), more than decoding a run of 25 trades. Small runs are cut from a
 * shared 64 KiB buffer instead, as Node pools small Buffers: never reused, so they stay zero-filled and independent,
 * at the price that a small run kept for long keeps its 64 KiB alive.
 */
export function allocateColumns(count: number): TradeRunColumns {
  const bytes = count * BYTES_PER_TRADE;
  let buffer: ArrayBuffer;
  let at = 0;
  if (bytes > SLAB_MAX_RUN_BYTES) {
    buffer = new ArrayBuffer(bytes);
  } else {
    if (slabUsed + bytes > SLAB_BYTES) {
      slab = new ArrayBuffer(SLAB_BYTES);
      slabUsed = 0;
    }
    buffer = slab;
    at = slabUsed;
    // The next run's Float64Arrays must start on a multiple of 8.
    slabUsed += Math.ceil(bytes / 8) * 8;
  }
  return {
    firstTradeId: new Float64Array(buffer, at, count),
    lastTradeId: new Float64Array(buffer, at + count * 8, count),
    time: new Float64Array(buffer, at + count * 16, count),
    priceUnits: new Float64Array(buffer, at + count * 24, count),
    quantityUnits: new Float64Array(buffer, at + count * 32, count),
    buyerMaker: new Uint8Array(buffer, at + count * 40, count),
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
