import { type AggTrade, TradeRunBatch } from '@binance-rates/domain';
import { decodeRun, encodeRun } from '@binance-rates/storage';
import { marketLikeTrades } from '@binance-rates/testing';

/**
 * What the history's pure core costs per trade on this machine (`npm run bench:codec`), on market-like BTCUSDT trades
 * (libs/testing marketLikeTrades): TradeRunBatch append + seal as the write pipeline uses it, then encodeRun and
 * decodeRun on the runs it sealed, and the payload bytes per trade. Each shape is a batch of interleaved symbols: 400
 * symbols × 2 trades is the whole market at its real rate, 200 × 25 the write bench at ~100k trades/s, and one symbol ×
 * 1,000 or 4,096 a compacted block. No I/O: PostgreSQL's share is copy-layouts.ts.
 */

interface Shape {
  name: string;
  symbols: number;
  runLength: number;
}

const SHAPES: Shape[] = [
  { name: 'runs of 2 (400 symbols a batch)', symbols: 400, runLength: 2 },
  { name: 'runs of 25 (200 symbols a batch)', symbols: 200, runLength: 25 },
  { name: 'blocks of 1,000', symbols: 1, runLength: 1_000 },
  { name: 'blocks of 4,096', symbols: 1, runLength: 4_096 },
];

interface Figures {
  appendSeal: number;
  encode: number;
  decode: number;
  bytes: number;
}

/** Batches of about `trades` trades in all, each `runLength` trades of every symbol, interleaved as they arrive. */
function batchesOf(shape: Shape, trades: number): AggTrade[][] {
  const batches = Math.max(1, Math.round(trades / (shape.symbols * shape.runLength)));
  const streams = Array.from({ length: shape.symbols }, (_, index) =>
    marketLikeTrades({ count: batches * shape.runLength, seed: index + 1, symbol: `C${String(index).padStart(3, '0')}USDT` }),
  );
  return Array.from({ length: batches }, (_, batch) => {
    const interleaved: AggTrade[] = [];
    for (let step = 0; step < shape.runLength; step += 1) {
      for (const stream of streams) {
        interleaved.push(stream[batch * shape.runLength + step]);
      }
    }
    return interleaved;
  });
}

/**
 * A copy of the trade as the frame scanner hands it over just before it is appended: a new object, flat strings read
 * from bytes (not built up by concatenation), in the processor's cache.
 */
function asReceived(trade: AggTrade): AggTrade {
  const text = (value: string): string => Buffer.from(value, 'latin1').toString('latin1');
  return { ...trade, symbol: text(trade.symbol), price: text(trade.price), quantity: text(trade.quantity) };
}

/**
 * One pass over every batch, as the write pipeline meets them: append and seal a batch, encode its runs, decode the
 * payloads; nothing outlives its batch. Nanoseconds per trade of each step, and payload bytes per trade.
 */
function pass(batches: AggTrade[][], trades: number): Figures {
  const batch = new TradeRunBatch();
  const figures: Figures = { appendSeal: 0, encode: 0, decode: 0, bytes: 0 };
  let decoded = 0;
  for (const generated of batches) {
    const pending = generated.map(asReceived);
    const startedAt = process.hrtime.bigint();
    for (const trade of pending) {
      batch.append(trade);
    }
    const runs = batch.seal();
    const sealedAt = process.hrtime.bigint();
    const payloads = runs.map(encodeRun);
    const encodedAt = process.hrtime.bigint();
    for (let index = 0; index < payloads.length; index += 1) {
      decoded += decodeRun(payloads[index], runs[index].symbol, runs[index].firstId).count;
    }
    const decodedAt = process.hrtime.bigint();
    figures.appendSeal += Number(sealedAt - startedAt);
    figures.encode += Number(encodedAt - sealedAt);
    figures.decode += Number(decodedAt - encodedAt);
    figures.bytes += payloads.reduce((sum, payload) => sum + payload.length, 0);
  }
  if (decoded !== trades) {
    throw new Error(`decoded ${decoded} trades of ${trades}`);
  }
  return { appendSeal: figures.appendSeal / trades, encode: figures.encode / trades, decode: figures.decode / trades, bytes: figures.bytes / trades };
}

/** "best (median)" of the rounds: the best is the code's cost, the median what other load on the machine made of it. */
function spread(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  return `${sorted[0].toFixed(0)} (${sorted[Math.floor(sorted.length / 2)].toFixed(0)})`;
}

function main(): void {
  const trades = Number(process.env['BENCH_CODEC_TRADES'] || 200_000);
  const rounds = Number(process.env['BENCH_CODEC_ROUNDS'] || 9);
  process.stdout.write(
    `Trade runs on market-like BTCUSDT trades, ~${trades} trades a round, best (median) of ${rounds} rounds, Node ${process.version}\n\n` +
      '| shape | append + seal ns/trade | encode ns/trade | decode ns/trade | bytes/trade |\n|---|---|---|---|---|\n',
  );
  for (const shape of SHAPES) {
    const batches = batchesOf(shape, trades);
    const count = batches.reduce((sum, batch) => sum + batch.length, 0);
    pass(batches, count);
    const results = Array.from({ length: rounds }, () => pass(batches, count));
    process.stdout.write(
      `| ${shape.name} | ${spread(results.map((r) => r.appendSeal))} | ${spread(results.map((r) => r.encode))} | ` +
        `${spread(results.map((r) => r.decode))} | ${results[0].bytes.toFixed(2)} |\n`,
    );
  }
}

main();
