import type { TradeFields } from './agg-trade';
import { type DecimalUnits, POWERS_OF_TEN } from './decimal-units';
import type { TradeRun } from './trade-run';
import type { TradeRunColumns } from './trade-run-columns';

/** Trades a symbol's columns first hold; they double from there. */
export const LANE_INITIAL_TRADES = 64;
const MAX_UNITS = Number.MAX_SAFE_INTEGER;
/**
 * Lanes this long are copied out with TypedArray.set (a memcpy once the views are made); shorter ones in a loop, where
 * making six views would cost more than the copy.
 */
const COPY_NATIVELY_FROM = 32;

/** Where one finished run lies in its symbol's columns, and its scales. */
interface RunMark {
  start: number;
  count: number;
  firstId: number;
  priceScale: number;
  priceTextDecimals: number;
  quantityScale: number;
  quantityTextDecimals: number;
}

/**
 * One symbol's pending trades in a TradeRunBatch: its columns, the runs finished so far and the state of the run being
 * written.
 */
export class TradeRunLane {
  firstTradeId: Float64Array = new Float64Array(LANE_INITIAL_TRADES);
  lastTradeId: Float64Array = new Float64Array(LANE_INITIAL_TRADES);
  time: Float64Array = new Float64Array(LANE_INITIAL_TRADES);
  priceUnits: Float64Array = new Float64Array(LANE_INITIAL_TRADES);
  quantityUnits: Float64Array = new Float64Array(LANE_INITIAL_TRADES);
  buyerMaker: Uint8Array = new Uint8Array(LANE_INITIAL_TRADES);
  length = 0;
  private readonly finished: RunMark[] = [];
  private runStart = 0;
  private firstId = 0;
  private nextId = 0;
  private lastTime = 0;
  private priceScale = 0;
  private priceTextDecimals = 0;
  private maxPriceUnits = 0;
  private quantityScale = 0;
  private quantityTextDecimals = 0;
  private maxQuantityUnits = 0;

  get capacity(): number {
    return this.time.length;
  }

  /** Appends a checked trade whose decimals the readers hold; nothing here can fail. */
  write(trade: TradeFields, price: DecimalUnits, quantity: DecimalUnits): void {
    const at = this.length;
    let priceUnits = price.units;
    let quantityUnits = quantity.units;
    let joins =
      at > this.runStart &&
      trade.tradeId === this.nextId &&
      trade.tradeTime >= this.lastTime &&
      price.decimals === this.priceTextDecimals &&
      quantity.decimals === this.quantityTextDecimals;
    // The run's units and this trade's, at the scale both need; past 2^53 the trade starts a run of its own instead.
    const priceRaise = joins ? POWERS_OF_TEN[Math.abs(price.scale - this.priceScale)] : 1;
    const quantityRaise = joins ? POWERS_OF_TEN[Math.abs(quantity.scale - this.quantityScale)] : 1;
    if (joins) {
      const priceFits = price.scale > this.priceScale ? this.maxPriceUnits * priceRaise : priceUnits * priceRaise;
      const quantityFits =
        quantity.scale > this.quantityScale ? this.maxQuantityUnits * quantityRaise : quantityUnits * quantityRaise;
      joins = priceFits <= MAX_UNITS && quantityFits <= MAX_UNITS;
    }
    if (!joins) {
      this.finishRun();
      this.runStart = at;
      this.firstId = trade.tradeId;
      this.priceScale = price.scale;
      this.priceTextDecimals = price.decimals;
      this.maxPriceUnits = 0;
      this.quantityScale = quantity.scale;
      this.quantityTextDecimals = quantity.decimals;
      this.maxQuantityUnits = 0;
    } else {
      if (price.scale > this.priceScale) {
        raise(this.priceUnits, this.runStart, at, priceRaise);
        this.maxPriceUnits *= priceRaise;
        this.priceScale = price.scale;
      } else {
        priceUnits *= priceRaise;
      }
      if (quantity.scale > this.quantityScale) {
        raise(this.quantityUnits, this.runStart, at, quantityRaise);
        this.maxQuantityUnits *= quantityRaise;
        this.quantityScale = quantity.scale;
      } else {
        quantityUnits *= quantityRaise;
      }
    }
    if (at === this.capacity) {
      this.grow();
    }
    this.firstTradeId[at] = trade.firstTradeId;
    this.lastTradeId[at] = trade.lastTradeId;
    this.time[at] = trade.tradeTime;
    this.priceUnits[at] = priceUnits;
    this.quantityUnits[at] = quantityUnits;
    this.buyerMaker[at] = trade.isBuyerMaker ? 1 : 0;
    this.maxPriceUnits = Math.max(this.maxPriceUnits, priceUnits);
    this.maxQuantityUnits = Math.max(this.maxQuantityUnits, quantityUnits);
    this.nextId = trade.tradeId + 1;
    this.lastTime = trade.tradeTime;
    this.length = at + 1;
  }

  /** Copies this lane's trades into `columns` from `offset` and adds its runs, as views of them, to `runs`. */
  moveTo(symbol: string, columns: TradeRunColumns, offset: number, runs: TradeRun[]): void {
    this.finishRun();
    const { firstTradeId, lastTradeId, time, priceUnits, quantityUnits, buyerMaker } = columns;
    const length = this.length;
    if (length >= COPY_NATIVELY_FROM) {
      firstTradeId.set(this.firstTradeId.subarray(0, length), offset);
      lastTradeId.set(this.lastTradeId.subarray(0, length), offset);
      time.set(this.time.subarray(0, length), offset);
      priceUnits.set(this.priceUnits.subarray(0, length), offset);
      quantityUnits.set(this.quantityUnits.subarray(0, length), offset);
      buyerMaker.set(this.buyerMaker.subarray(0, length), offset);
    } else {
      for (let index = 0, to = offset; index < length; index += 1, to += 1) {
        firstTradeId[to] = this.firstTradeId[index];
        lastTradeId[to] = this.lastTradeId[index];
        time[to] = this.time[index];
        priceUnits[to] = this.priceUnits[index];
        quantityUnits[to] = this.quantityUnits[index];
        buyerMaker[to] = this.buyerMaker[index];
      }
    }
    for (const mark of this.finished) {
      const from = offset + mark.start;
      const count = mark.count;
      runs.push({
        symbol,
        firstId: mark.firstId,
        count,
        firstTradeId: new Float64Array(firstTradeId.buffer, firstTradeId.byteOffset + from * 8, count),
        lastTradeId: new Float64Array(lastTradeId.buffer, lastTradeId.byteOffset + from * 8, count),
        time: new Float64Array(time.buffer, time.byteOffset + from * 8, count),
        priceUnits: new Float64Array(priceUnits.buffer, priceUnits.byteOffset + from * 8, count),
        priceScale: mark.priceScale,
        priceTextDecimals: mark.priceTextDecimals,
        quantityUnits: new Float64Array(quantityUnits.buffer, quantityUnits.byteOffset + from * 8, count),
        quantityScale: mark.quantityScale,
        quantityTextDecimals: mark.quantityTextDecimals,
        buyerMaker: new Uint8Array(buyerMaker.buffer, buyerMaker.byteOffset + from, count),
      });
    }
  }

  clear(): void {
    this.length = 0;
    this.runStart = 0;
    this.finished.length = 0;
  }

  private finishRun(): void {
    const count = this.length - this.runStart;
    if (count > 0) {
      this.finished.push({
        start: this.runStart,
        count,
        firstId: this.firstId,
        priceScale: this.priceScale,
        priceTextDecimals: this.priceTextDecimals,
        quantityScale: this.quantityScale,
        quantityTextDecimals: this.quantityTextDecimals,
      });
      this.runStart = this.length;
    }
  }

  private grow(): void {
    const capacity = this.capacity * 2;
    this.firstTradeId = grown(this.firstTradeId, capacity);
    this.lastTradeId = grown(this.lastTradeId, capacity);
    this.time = grown(this.time, capacity);
    this.priceUnits = grown(this.priceUnits, capacity);
    this.quantityUnits = grown(this.quantityUnits, capacity);
    const buyerMaker = new Uint8Array(capacity);
    buyerMaker.set(this.buyerMaker);
    this.buyerMaker = buyerMaker;
  }
}

function grown(column: Float64Array, capacity: number): Float64Array {
  const bigger = new Float64Array(capacity);
  bigger.set(column);
  return bigger;
}

function raise(units: Float64Array, from: number, to: number, factor: number): void {
  for (let index = from; index < to; index += 1) {
    units[index] = units[index] * factor;
  }
}
