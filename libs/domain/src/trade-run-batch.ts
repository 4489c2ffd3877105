import type { AggTrade, TradeFields } from './agg-trade';
import { DecimalTextReader, type DecimalUnits } from './decimal-units';
import type { TradeRun } from './trade-run';
import { allocateColumns } from './trade-run-columns';
import { LANE_INITIAL_TRADES, TradeRunLane } from './trade-run-lane';

/** Epoch milliseconds of 0001-01-01 and 10000-01-01: PostgreSQL refuses the year 0 and years past 9999 as text. */
const MIN_TIME = Date.parse('0001-01-01T00:00:00.000Z');
const END_TIME = Date.parse('+010000-01-01T00:00:00.000Z');
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
  private readonly lanes = new Map<string, TradeRunLane>();
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
      lane = new TradeRunLane();
      this.lanes.set(trade.symbol, lane);
    }
    lane.write(trade, this.price, this.quantity);
    this.trades += 1;
  }

  /**
   * `append` of a trade whose decimals are read already: a decoder that reads an archive's bytes straight into
   * units, with no strings in between. The same checks and refusal.
   */
  appendRead(trade: TradeFields, price: DecimalUnits, quantity: DecimalUnits): void {
    let lane = this.lanes.get(trade.symbol);
    const problem =
      lane === undefined && !PRINTABLE_ASCII.test(trade.symbol) ? `symbol ${JSON.stringify(trade.symbol)} is not printable ASCII` : fieldsProblem(trade);
    if (problem !== null) {
      throw new RangeError(`Trade ${trade.symbol}#${trade.tradeId} cannot be stored: ${problem}`);
    }
    if (lane === undefined) {
      lane = new TradeRunLane();
      this.lanes.set(trade.symbol, lane);
    }
    lane.write(trade, price, quantity);
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
      const lane = this.lanes.get(symbol) as TradeRunLane;
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
    const problem = fieldsProblem(trade);
    if (problem !== null) {
      return problem;
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

/** What makes the ids or the time of `trade` unstorable, or null. */
function fieldsProblem(trade: TradeFields): string | null {
  if (!(isId(trade.tradeId) && isId(trade.firstTradeId) && isId(trade.lastTradeId))) {
    const field = !isId(trade.tradeId) ? 'tradeId' : !isId(trade.firstTradeId) ? 'firstTradeId' : 'lastTradeId';
    return `${field} ${trade[field]} is not a whole number from 0 to 2^53 - 1`;
  }
  const time = trade.tradeTime;
  if (!Number.isSafeInteger(time) || time < MIN_TIME || time >= END_TIME) {
    return `trade time ${time} is not whole milliseconds in the years 1 to 9999 that PostgreSQL stores`;
  }
  return null;
}

function isId(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0;
}
