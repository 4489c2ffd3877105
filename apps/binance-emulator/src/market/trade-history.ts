/** One aggregate trade as the history stores it: integers only, formatted on the way out. */
export interface StoredAggTrade {
  aggTradeId: number;
  tradeTime: number;
  priceTicks: number;
  quantitySteps: number;
  firstTradeId: number;
  /** 1–3 fills per aggregate, so `lastTradeId = firstTradeId + tradeCount - 1`. */
  tradeCount: number;
  isBuyerMaker: boolean;
}

export type NewStoredAggTrade = Omit<StoredAggTrade, 'aggTradeId'>;

const MAX_CHUNK_SIZE = 4096;
const MAKER_FLAG = 0x80;

/** Struct-of-arrays block: 21 bytes per trade instead of a ~150-byte object. */
interface Chunk {
  baseTradeId: number;
  tradeTime: Float64Array;
  priceTicks: Uint32Array;
  quantitySteps: Uint32Array;
  tradeIdOffset: Uint32Array;
  meta: Uint8Array;
}

export interface TradeHistoryParams {
  /** The id the first appended trade gets; later ids follow without gaps. */
  firstAggTradeId: number;
  limit: number;
}

/**
 * Bounded, append-only history of one symbol's aggregate trades, addressed by aggregate id. Whole chunks are
 * dropped from the front once more than `limit` trades are held, and reads never see past the newest `limit`.
 */
export class TradeHistory {
  readonly limit: number;
  private readonly chunkSize: number;
  private readonly firstAggTradeId: number;
  private chunks: Chunk[] = [];
  /** Sequence number (0-based since the first trade) of the first slot of `chunks[0]`. */
  private headSequence = 0;
  private nextSequence = 0;
  private spare: Chunk | undefined;

  constructor({ firstAggTradeId, limit }: TradeHistoryParams) {
    if (!Number.isInteger(limit) || limit < 1) {
      throw new RangeError(`history limit must be a positive integer, got ${limit}`);
    }
    this.limit = limit;
    this.firstAggTradeId = firstAggTradeId;
    this.chunkSize = Math.min(MAX_CHUNK_SIZE, limit);
  }

  /** Number of trades a read can return. */
  get size(): number {
    return Math.min(this.nextSequence, this.limit);
  }

  /** Id of the oldest readable trade, or undefined while empty. */
  get oldestId(): number | undefined {
    return this.nextSequence === 0 ? undefined : this.firstAggTradeId + this.nextSequence - this.size;
  }

  get newestId(): number | undefined {
    return this.nextSequence === 0 ? undefined : this.firstAggTradeId + this.nextSequence - 1;
  }

  /** The id the next appended trade will get. */
  get nextId(): number {
    return this.firstAggTradeId + this.nextSequence;
  }

  append(trade: NewStoredAggTrade): number {
    const slot = (this.nextSequence - this.headSequence) % this.chunkSize;
    if (slot === 0) {
      this.startChunk(trade.firstTradeId);
    }
    const chunk = this.chunks[this.chunks.length - 1];
    chunk.tradeTime[slot] = trade.tradeTime;
    chunk.priceTicks[slot] = trade.priceTicks;
    chunk.quantitySteps[slot] = trade.quantitySteps;
    chunk.tradeIdOffset[slot] = trade.firstTradeId - chunk.baseTradeId;
    chunk.meta[slot] = (trade.tradeCount & 0x7f) | (trade.isBuyerMaker ? MAKER_FLAG : 0);
    const id = this.firstAggTradeId + this.nextSequence;
    this.nextSequence++;
    return id;
  }

  get(aggTradeId: number): StoredAggTrade | undefined {
    const sequence = aggTradeId - this.firstAggTradeId;
    if (!Number.isInteger(sequence) || sequence < this.nextSequence - this.size || sequence >= this.nextSequence) {
      return undefined;
    }
    return this.read(sequence);
  }

  /** Up to `limit` trades with id >= fromId, oldest first; an id older than the history starts at the oldest. */
  readFromId(fromId: number, limit: number): StoredAggTrade[] {
    const first = Math.max(fromId - this.firstAggTradeId, this.nextSequence - this.size);
    return this.readRange(first, Math.min(first + limit, this.nextSequence));
  }

  /** The newest `limit` trades, oldest first. */
  readLatest(limit: number): StoredAggTrade[] {
    const end = this.nextSequence;
    return this.readRange(Math.max(end - Math.min(limit, this.size), 0), end);
  }

  /** Trades with startTime <= T <= endTime: the first `limit` when startTime is given, else the last `limit`. */
  readByTime({ startTime, endTime, limit }: { startTime?: number; endTime?: number; limit: number }): StoredAggTrade[] {
    const oldest = this.nextSequence - this.size;
    const from = startTime === undefined ? oldest : this.lowerBound(startTime);
    const to = endTime === undefined ? this.nextSequence : this.lowerBound(endTime + 1);
    if (to <= from) {
      return [];
    }
    return startTime === undefined
      ? this.readRange(Math.max(from, to - limit), to)
      : this.readRange(from, Math.min(to, from + limit));
  }

  /** Approximate bytes held by the typed arrays (for stats). */
  get retainedBytes(): number {
    return this.chunks.length * this.chunkSize * 21;
  }

  private readRange(fromSequence: number, toSequence: number): StoredAggTrade[] {
    const rows: StoredAggTrade[] = [];
    for (let sequence = fromSequence; sequence < toSequence; sequence++) {
      rows.push(this.read(sequence));
    }
    return rows;
  }

  /** First readable sequence whose trade time is >= time (times never decrease). */
  private lowerBound(time: number): number {
    let low = this.nextSequence - this.size;
    let high = this.nextSequence;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.timeAt(middle) < time) {
        low = middle + 1;
      } else {
        high = middle;
      }
    }
    return low;
  }

  private timeAt(sequence: number): number {
    const offset = sequence - this.headSequence;
    return this.chunks[Math.floor(offset / this.chunkSize)].tradeTime[offset % this.chunkSize];
  }

  private read(sequence: number): StoredAggTrade {
    const offset = sequence - this.headSequence;
    const chunk = this.chunks[Math.floor(offset / this.chunkSize)];
    const slot = offset % this.chunkSize;
    const meta = chunk.meta[slot];
    return {
      aggTradeId: this.firstAggTradeId + sequence,
      tradeTime: chunk.tradeTime[slot],
      priceTicks: chunk.priceTicks[slot],
      quantitySteps: chunk.quantitySteps[slot],
      firstTradeId: chunk.baseTradeId + chunk.tradeIdOffset[slot],
      tradeCount: meta & 0x7f,
      isBuyerMaker: (meta & MAKER_FLAG) !== 0,
    };
  }

  private startChunk(baseTradeId: number): void {
    const held = this.nextSequence - this.headSequence;
    if (held - this.chunkSize >= this.limit) {
      this.spare = this.chunks.shift();
      this.headSequence += this.chunkSize;
    }
    const chunk = this.spare ?? this.allocateChunk();
    this.spare = undefined;
    chunk.baseTradeId = baseTradeId;
    this.chunks.push(chunk);
  }

  private allocateChunk(): Chunk {
    return {
      baseTradeId: 0,
      tradeTime: new Float64Array(this.chunkSize),
      priceTicks: new Uint32Array(this.chunkSize),
      quantitySteps: new Uint32Array(this.chunkSize),
      tradeIdOffset: new Uint32Array(this.chunkSize),
      meta: new Uint8Array(this.chunkSize),
    };
  }
}
