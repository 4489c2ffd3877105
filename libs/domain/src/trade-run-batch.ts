import type { AggTrade } from './agg-trade';
import { DecimalTextReader, POWERS_OF_TEN } from './decimal-units';
import type { TradeRun } from './trade-run';
import { allocateColumns, type TradeRunColumns } from './trade-run-columns';

/** Trades a symbol's columns first hold; they double from there. */
const LANE_INITIAL_TRADES = 64;
/** Epoch milliseconds of 0001-01-01 and 10000-01-01: PostgreSQL refuses the year 0 and years past 9999 as text. */
const MIN_TIME = Date.parse('0001-01-01T00:00:00.000Z');
const END_TIME = Date.parse('+010000-01-01T00:00:00.000Z');
const MAX_UNITS = Number.MAX_SAFE_INTEGER;
const PRINTABLE_ASCII = /^[!-~]+$/;

/**
 * Pending history as runs in the making: each symbol's trades go into growable typed-array columns as they arrive,
 * so what waits for the database is held outside the JavaScript heap and the garbage collector neither scans nor
 * promotes it. Prices and quantities are read exactly into integer units as they come (see TradeRun).
 *
 * A trade that cannot be stored exactly (malformed decimal text, more significant digits than a double holds, ids
 * that are not whole numbers below 2^53, a time outside the years PostgreSQL stores) is refused with a RangeError
 * naming it, and the batch is left as it was.
 */
export class TradeRunBatch {
  private readonly lanes = new Map<string, SymbolLane>();
  private readonly price = new DecimalTextReader();
  private readonly quantity = new DecimalTextReader();
  private trades = 0;

  get count(): number {
    return this.trades;
  }

  append(trade: AggTrade): void {
    let lane = this.lanes.get(trade.symbol);
    const problem =
      lane === undefined && !PRINTABLE_ASCII.test(trade.symbol)
        ? `symbol ${JSON.stringify(trade.symbol)} is not printable ASCII`
        : this.read(trade);
    if (problem !== null) {
      throw new RangeError(`Trade ${trade.symbol}#${trade.tradeId} cannot be stored: ${problem}`);
    }
    if (lane === undefined) {
      lane = new SymbolLane();
      this.lanes.set(trade.symbol, lane);
    }
    lane.write(trade, this.price, this.quantity);
    this.trades += 1;
  }

  /**
   * Every pending trade as runs, symbols in code-unit order (= `COLLATE "C"`, symbols being printable ASCII) so that
   * writers whose batches overlap lock rows in the same order; each symbol's trades in the order appended. A new run
   * starts where a trade's id is not the previous id + 1 (a jump, a repeat or a step back: the writer trims overlaps),
   * where its price or quantity text has another number of decimals, where its time is earlier than the previous
   * trade's, and where one run's common scale would take units past 2^53.
   *
   * The runs own their arrays (one buffer per seal, each run's columns views of its part): the batch never writes to
   * them again, so a writer may hold them across awaits and retry them while new trades are appended. The batch is
   * empty afterwards. A symbol keeps its columns for the next batch while this one used at least a quarter of them,
   * so what is kept stays within four times one batch, and drops them once a whole batch passes without it.
   */
  seal(): TradeRun[] {
    const columns = allocateColumns(this.trades);
    const runs: TradeRun[] = [];
    let offset = 0;
    for (const symbol of [...this.lanes.keys()].sort()) {
      const lane = this.lanes.get(symbol) as SymbolLane;
      if (lane.length === 0) {
        this.lanes.delete(symbol);
        continue;
      }
      lane.moveTo(symbol, columns, offset, runs);
      offset += lane.length;
      if (lane.capacity > Math.max(LANE_INITIAL_TRADES, 4 * lane.length)) {
        this.lanes.delete(symbol);
      } else {
        lane.clear();
      }
    }
    this.trades = 0;
    return runs;
  }

  /** Checks `trade` and reads its decimals into the readers: what makes it unstorable, or null. */
  private read(trade: AggTrade): string | null {
    const idProblem = idFieldProblem('tradeId', trade.tradeId) ?? idFieldProblem('firstTradeId', trade.firstTradeId);
    if (idProblem !== null || !isId(trade.lastTradeId)) {
      return idProblem ?? idFieldProblem('lastTradeId', trade.lastTradeId);
    }
    const time = trade.tradeTime;
    if (!Number.isSafeInteger(time) || time < MIN_TIME || time >= END_TIME) {
      return `trade time ${time} is not whole milliseconds in the years 1 to 9999 that PostgreSQL stores`;
    }
    const priceProblem = this.price.read(trade.price);
    if (priceProblem !== null) {
      return `price ${JSON.stringify(trade.price)} ${priceProblem}`;
    }
    const quantityProblem = this.quantity.read(trade.quantity);
    if (quantityProblem !== null) {
      return `quantity ${JSON.stringify(trade.quantity)} ${quantityProblem}`;
    }
    return null;
  }
}

function isId(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0;
}

function idFieldProblem(field: string, value: number): string | null {
  return isId(value) ? null : `${field} ${value} is not a whole number from 0 to 2^53 - 1`;
}

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

/** One symbol's pending trades: its columns, the runs finished so far and the state of the run being written. */
class SymbolLane {
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
  write(trade: AggTrade, price: DecimalTextReader, quantity: DecimalTextReader): void {
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
    // A loop, not set(subarray()): most lanes hold a few trades, where making the views would cost more than copying.
    for (let index = 0, to = offset; index < this.length; index += 1, to += 1) {
      firstTradeId[to] = this.firstTradeId[index];
      lastTradeId[to] = this.lastTradeId[index];
      time[to] = this.time[index];
      priceUnits[to] = this.priceUnits[index];
      quantityUnits[to] = this.quantityUnits[index];
      buyerMaker[to] = this.buyerMaker[index];
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
