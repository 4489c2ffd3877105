import type { SealedTradeRows, TradeCopyRow } from './trade-copy-batch';

/*
 * Taking a sealed batch apart, off the hot path: a history lane holds back the rows of a symbol whose gap is not yet
 * recorded, and halves a batch PostgreSQL refuses for a data error until the refused row is alone. A sealed payload
 * groups each symbol's rows together, every row starting with its symbol and a tab.
 */

const TAB = 0x09;
/** What the lookups below need of a set of symbols (a Set, or the keys of a Map). */
interface SymbolLookup {
  has(symbol: string): boolean;
}

const NEWLINE = 0x0a;

/** Each symbol's run of rows in a sealed payload: `[symbol, start, end, rows]`, in payload order. */
function* symbolRuns(payload: Buffer): Generator<[string, number, number, number]> {
  let start = 0;
  while (start < payload.length) {
    const symbol = payload.toString('latin1', start, payload.indexOf(TAB, start));
    let end = start;
    let rows = 0;
    while (end < payload.length && startsWithSymbol(payload, end, symbol)) {
      end = payload.indexOf(NEWLINE, end) + 1;
      rows += 1;
    }
    yield [symbol, start, end, rows];
    start = end;
  }
}

function startsWithSymbol(payload: Buffer, at: number, symbol: string): boolean {
  for (let index = 0; index < symbol.length; index += 1) {
    if (payload[at + index] !== symbol.charCodeAt(index)) {
      return false;
    }
  }
  return payload[at + symbol.length] === TAB;
}

/** Whether any row of the batch is of a symbol `held` says yes to. */
export function holdsAnyOf(batch: SealedTradeRows, held: SymbolLookup): boolean {
  for (const [symbol] of symbolRuns(batch.payload)) {
    if (held.has(symbol)) {
      return true;
    }
  }
  return false;
}

/**
 * Splits a sealed batch in two: the rows of the symbols in `held` and the others, each a batch of its own, and which
 * symbols the held rows are of.
 */
export function partitionSealedRows(
  batch: SealedTradeRows,
  held: SymbolLookup,
): { held: SealedTradeRows; free: SealedTradeRows; heldSymbols: string[] } {
  const parts = { held: { chunks: [] as Buffer[], rows: 0 }, free: { chunks: [] as Buffer[], rows: 0 } };
  const heldSymbols = new Set<string>();
  for (const [symbol, start, end, rows] of symbolRuns(batch.payload)) {
    const isHeld = held.has(symbol);
    const part = isHeld ? parts.held : parts.free;
    if (isHeld) heldSymbols.add(symbol);
    part.chunks.push(batch.payload.subarray(start, end));
    part.rows += rows;
  }
  return {
    held: { payload: Buffer.concat(parts.held.chunks), rows: parts.held.rows },
    free: { payload: Buffer.concat(parts.free.chunks), rows: parts.free.rows },
    heldSymbols: [...heldSymbols],
  };
}

/** The rows of a sealed batch of at least two rows, in two halves by row count. */
export function halveSealedRows(batch: SealedTradeRows): [SealedTradeRows, SealedTradeRows] {
  const half = Math.floor(batch.rows / 2);
  let at = 0;
  for (let row = 0; row < half; row += 1) {
    at = batch.payload.indexOf(NEWLINE, at) + 1;
  }
  return [
    { payload: batch.payload.subarray(0, at), rows: half },
    { payload: batch.payload.subarray(at), rows: batch.rows - half },
  ];
}

/** The one row of a sealed batch of one row, read back. */
export function readSealedRow(batch: SealedTradeRows): TradeCopyRow {
  const text = batch.payload.toString('latin1').replace(/\n$/, '');
  const [symbol, tradeId] = text.split('\t');
  return { symbol, tradeId: Number(tradeId), text };
}
